"""The library's error hierarchy: one base, subclasses that also inherit the matching built-in,
so callers can catch either the project's type or the standard one."""


class ClaimsError(Exception):
    """Base of every error the claims library raises on purpose."""


class DataFileError(ClaimsError, ValueError):
    """A claim file cannot be read: missing, empty, not UTF-8, or a line is not a claim."""


class MarkupError(ClaimsError, ValueError):
    """The ``[[TYPE:value]]`` personal-data markup in a text is broken."""


class EncoderError(ClaimsError, RuntimeError):
    """The offline encoder cannot be built or loaded."""


class EncoderNotBuiltError(EncoderError, LookupError):
    """The encoder cache holds no built checkpoint yet."""
