"""Saving an exam session so that nothing is lost: every write goes to the store, and when the store fails the
answers go on being saved to a rescue answer sheet (YAML, gradable with `examgen exam --answers`)."""

from __future__ import annotations

import os
import time
from typing import Any

from examgen.errors import UserError
from examgen.ui.messages import t


class SafeStore:
    """Mixed into the exam runner (which has `store`, `exam_id`, `exam`, `items`, `answers`, `lang`, `elapsed()`
    and `say()`)."""

    rescue_file: str | None = None
    store: Any
    exam_id: int
    exam: Any
    items: Any
    answers: dict[int, dict[str, str]]
    lang: str

    def elapsed(self) -> float:
        raise NotImplementedError

    def say(self, text: str, style: str = "") -> None:
        raise NotImplementedError

    def _store(self, fn: Any) -> None:
        if self.rescue_file is not None:
            self._write_rescue()
            return
        try:
            fn()
        except UserError as exc:
            self._start_rescue(exc.text(self.lang))

    def _start_rescue(self, error: str) -> None:
        from examgen.store import data_dir

        stamp = time.strftime("%Y%m%d-%H%M%S")
        for base in (data_dir() / "rescue", os.path.expanduser("~"), os.getcwd(), "/tmp"):
            try:
                path = os.path.join(str(base), f"examgen-exam-{self.exam_id}-{stamp}.yaml")
                os.makedirs(os.path.dirname(path), exist_ok=True)
                self.rescue_file = path
                self._write_rescue()
                break
            except OSError:
                self.rescue_file = None
        self.say(t("q.store_failed", self.lang, error=error, file=self.rescue_file or "?"), "bold red")

    def _write_rescue(self) -> None:
        import yaml

        assert self.rescue_file is not None
        sheet: dict[int, Any] = {}
        for number, parts in sorted(self.answers.items()):
            pr = self.items[number - 1].problem
            if len(pr.parts) == 1 and pr.parts[0].name == "":
                if parts.get(""):
                    sheet[number] = parts[""]
            elif parts:
                sheet[number] = dict(parts)
        data = {"exam_id": self.exam_id, "seed": self.exam.seed, "blueprint": self.exam.blueprint,
                "elapsed_s": round(self.elapsed(), 1), "answers": sheet}
        tmp = self.rescue_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            yaml.safe_dump(data, fh, allow_unicode=True, sort_keys=False)
        os.replace(tmp, self.rescue_file)
