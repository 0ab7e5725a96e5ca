"""Errors that reach the user as one line and an exit code, never as a traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # not imported at run time: every command imports this module at start-up
    from examgen.i18n import Bi


class UserError(Exception):
    """A problem with what the user asked for; printed as one line, exit code `code`.

    `message` may be a plain string (the same in both languages) or a `Bi`; `text(lang)` is what is printed."""

    def __init__(self, message: "str | Bi", code: int = 2) -> None:
        if isinstance(message, str):
            self.zh = self.en = message
        else:
            self.zh, self.en = message.zh, message.en
        super().__init__(self.en)
        self.message = self.en
        self.code = code

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class ParamError(UserError):
    """Parameters given to a solver are missing, of the wrong type or inconsistent."""
