"""The one error every parser raises on input it cannot use."""


class ParseError(ValueError):
    """Input is not what the parser expects (malformed, hostile or the wrong format).
    The message is one line naming what was wrong."""
