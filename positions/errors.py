"""Named errors. Each message names the file/field and the bad value, on one line."""


class PositionsError(Exception):
    """Base class: a user-facing problem the CLI prints as one line (exit 2)."""


class InvalidField(PositionsError, ValueError):
    """A record field has a value outside its allowed set or format."""

    def __init__(self, field: str, value, expected: str):
        self.field, self.value, self.expected = field, value, expected
        shown = repr(value)
        if len(shown) > 80:  # a huge or damaged cell: enough to recognise it, on one line
            shown = f"{shown[:60]}…({len(str(value)):,} characters)"
        super().__init__(f"invalid {field} {shown}: expected {expected}")


class CodebookError(PositionsError):
    """The codebook YAML is missing, malformed or inconsistent."""


class RegistryError(PositionsError):
    """The actor registry YAML is missing, malformed or inconsistent."""


class StoreError(PositionsError):
    """A statements file cannot be read, parsed or written."""


class InputError(PositionsError):
    """A user-supplied input (file, date, option) is unusable."""
