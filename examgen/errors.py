"""Errors that reach the user as one line and an exit code, never as a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A problem with what the user asked for; printed as one line, exit code `code`."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class ParamError(UserError):
    """Parameters given to a solver are missing, of the wrong type or inconsistent."""
