"""Errors with codes, so a message can be searched for and tested (``E101`` ...)."""

from __future__ import annotations


class EventwireError(Exception):
    """Base class. ``code`` is a stable identifier such as ``E101``."""

    code = "E000"

    def __init__(self, message: str, code: str | None = None):
        if code:
            self.code = code
        super().__init__(f"[{self.code}] {message}")


class ModelNotFound(EventwireError):
    code = "E001"


class BadRecord(EventwireError):
    """One input record could not be read; the others go on."""

    code = "E101"

    def __init__(self, message: str, *, path: str = "", line: int | None = None, code: str | None = None):
        self.path = path
        self.line = line
        where = path + (f":{line}" if line is not None else "")
        super().__init__(f"{where}: {message}" if where else message, code)


class StoreError(EventwireError):
    code = "E201"


class GoldError(EventwireError):
    code = "E301"
