"""Our Presidio recognizers, one per file; ``PATTERN_RECOGNIZERS`` lists them for the registry."""

from claims.anonymizer.recognizers.base import ValuePatternRecognizer
from claims.anonymizer.recognizers.date_of_birth import DateOfBirthRecognizer
from claims.anonymizer.recognizers.email import EmailRecognizer
from claims.anonymizer.recognizers.iban import IbanRecognizer
from claims.anonymizer.recognizers.identifiers import ClaimNumberRecognizer, PolicyNumberRecognizer
from claims.anonymizer.recognizers.license_plate import LicensePlateRecognizer
from claims.anonymizer.recognizers.person import PersonRecognizer
from claims.anonymizer.recognizers.phone import PhoneRecognizer
from claims.anonymizer.recognizers.social_security import SocialSecurityRecognizer
from claims.anonymizer.recognizers.street_address import StreetAddressRecognizer
from claims.anonymizer.recognizers.tax_id import TaxIdRecognizer

PATTERN_RECOGNIZERS: tuple[type[ValuePatternRecognizer], ...] = (
    EmailRecognizer,
    IbanRecognizer,
    PhoneRecognizer,
    LicensePlateRecognizer,
    TaxIdRecognizer,
    SocialSecurityRecognizer,
    DateOfBirthRecognizer,
    PolicyNumberRecognizer,
    ClaimNumberRecognizer,
    StreetAddressRecognizer,
    PersonRecognizer,
)

__all__ = ["PATTERN_RECOGNIZERS", "ValuePatternRecognizer"]
