"""Names of people where the text itself announces them: salutations, sign-offs, form fields and
self-introductions. Names in free narrative are left to the PII model."""

from __future__ import annotations

from presidio_analyzer import Pattern

from claims.anonymizer.recognizers.base import CASE_SENSITIVE, ValuePatternRecognizer

_LOWER = "a-zäöüßéèáàíóúñçşğıłńśźżćęąčřžšůë"
_NAME = rf"[A-ZÄÖÜŁŚŻĆÇŞ][{_LOWER}'’]+(?:-[A-ZÄÖÜ][{_LOWER}]+)?"
# Initials before a surname: "R. Vollmer", "H.-P. Kolbe", "A.-L. Vogt".
_INITIALS = r"(?:[A-ZÄÖÜ]\.(?:[ ]?-?[A-ZÄÖÜ]\.)*[ ]?)"
_NAMES = rf"(?:{_INITIALS}{_NAME}|{_NAME}(?:[ ](?:(?:von|van|de|der|den|zu|al|el|di|da|dos|del|la|le|ten|ter)[ ])*{_NAME}){{0,2}})"
# Form fields are often filled in capitals ("NAME: ANDREAS WIMMER", "K. BRUGGER").
_CAPS_NAMES = (
    r"(?:[A-ZÄÖÜ]\.(?:[ ]?-?[A-ZÄÖÜ]\.)*[ ]?)?[A-ZÄÖÜ]{2,}(?:-[A-ZÄÖÜ]{2,})?(?:[ ][A-ZÄÖÜ]{2,}(?:-[A-ZÄÖÜ]{2,})?){0,2}"
)
_TITLE = r"(?:Herrn?|Frau|Hr\.|Fr\.|Dr\.|Prof\.|Mr\.?|Mrs\.?|Ms\.?|Miss|Familie|Fam\.)"
_SIGN_OFF = (
    r"(?:Gruß|Grüße|Grüßen|Gruss|Grüsse|Grüssen|LG|VG|MfG|Beste[ ]Grüße|Regards|Cheers|Thanks|Thank[ ]you|"
    r"Best|Sincerely|Danke|Vielen[ ]Dank|Servus|Tschüss|Ciao)"
)
_FIELD = (
    r"(?:Name|Vorname|Nachname|Versicherungsnehmer(?:in)?|VN|Kunde|Kundin|Fahrer(?:in)?|Mandant(?:in)?|Geschädigte[rn]?|"
    r"Ansprechpartner(?:in)?|Kontaktperson|Kontakt|Zeuge|Zeugin|Policyholder|Driver|Client|Insured|Witness|Contact|Inhaber(?:in)?|Von|From|"
    r"Unterschrift(?:[ ]VN)?|Unterzeichner(?:in)?|Halter(?:in)?|Eigentümer(?:in)?|Mieter(?:in)?|Vermieter(?:in)?|"
    r"Sachbearbeiter(?:in)?|Absender(?:in)?|Unfallgegner(?:in)?|Versicherte[ ]Person|Signature|Signed)"
)


class PersonRecognizer(ValuePatternRecognizer):
    ENTITY = "PERSON"
    PATTERNS = [
        Pattern("title", rf"(?<![\w]){_TITLE}[ ](?:(?:Dr\.|Prof\.|Ing\.|Mag\.)[ ])*(?P<value>{_NAMES})", 0.7),
        Pattern(
            "sign_off",
            rf"(?<![\w]){_SIGN_OFF}[,!.]?[ ]*\n?[ ]*(?:(?:aus|from)[ ]\w+[ ])?(?P<value>{_NAMES})(?=[ ]*(?:[,\n]|$))",
            0.55,
        ),
        Pattern(
            "field", rf"(?<![\w]){_FIELD}[ ]?:[ ]*(?:(?:Herrn?|Frau|Mr\.?|Mrs\.?|Ms\.?)[ ])?(?P<value>{_NAMES})", 0.6
        ),
        Pattern(
            "field_capitals",
            rf"(?<![\w])(?i:{_FIELD})[ ]?:[ ]*(?:(?:HERRN?|FRAU|Herrn?|Frau)[ ])?(?P<value>{_CAPS_NAMES})(?![\w])",
            0.6,
        ),
        Pattern(
            "introduction",
            rf"(?i:mein[ ]Name[ ]ist|hier[ ]ist|hier[ ]spricht|ich[ ]bin[ ]die|ich[ ]bin[ ]der|my[ ]name[ ]is|this[ ]is)[ ](?P<value>{_NAMES})",
            0.5,
        ),
    ]
    CONTEXT = ["herr", "frau", "name", "gruß", "grüße", "mr", "mrs", "regards"]
    FLAGS = CASE_SENSITIVE
