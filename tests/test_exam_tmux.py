"""The full-screen exam as a student meets it: `examgen exam` inside a real tmux at 80×24 (Chinese) and 120×40
(English), driven with send-keys and read with capture-pane. For every item and part of seeds 1–5: the pinned
header (section, n/N, points, countdown) and the start of the question are on screen while the part is being
answered, and so is that part's answer form; the answers typed reach the report, which opens in the pager
(`less` by default; `PAGER=cat` prints it)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from examgen.answer_form import form_line
from examgen.exam import build_exam, grade_exam, part_answer_value, value_to_text
from examgen.mathfmt import unicode_text
from examgen.model import RubricSpec

TMUX = shutil.which("tmux") or "/usr/bin/tmux"
SEEDS = [1, 2, 3, 4, 5]
HEADER = {"zh": ("第 {n}/{total} 题", "{p} 分", "剩余 "), "en": ("Question {n}/{total}", "{p} pts", " left")}
SIZES = {"zh": (80, 24), "en": (120, 40)}


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def pts(x: float) -> str:
    return f"{x:g}"


class Pane:
    """One tmux server of this test (its own socket) with one window running `command`."""

    def __init__(self, sock: Path, width: int, height: int, command: str, env: dict[str, str]) -> None:
        self.base = [TMUX, "-S", str(sock), "-f", "/dev/null"]
        self.height = height
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        script = f"env {exports} {command}; echo EXIT=$?; sleep 120"
        subprocess.run(self.base + ["new-session", "-d", "-x", str(width), "-y", str(height), "sh", "-c", script],
                       check=True, env={**os.environ, "TERM": "xterm-256color"})

    def rows(self) -> list[str]:
        out = subprocess.run(self.base + ["capture-pane", "-p", "-t", "0"], capture_output=True, text=True,
                             check=True).stdout
        rows = out.split("\n")
        return (rows + [""] * self.height)[:self.height]

    def wait(self, test, what: str, timeout: float = 15.0) -> list[str]:
        """Capture until `test(rows)` holds; fail with the last screen."""
        end = time.monotonic() + timeout
        while True:
            rows = self.rows()
            if test(rows):
                return rows
            if time.monotonic() > end:
                raise AssertionError(f"not on screen: {what}\n" + "\n".join(rows))
            time.sleep(0.03)

    def keys(self, *keys: str, literal: str | None = None) -> None:
        if literal:
            subprocess.run(self.base + ["send-keys", "-t", "0", "-l", "--", literal], check=True)
        if keys:
            subprocess.run(self.base + ["send-keys", "-t", "0", *keys], check=True)

    def kill(self) -> None:
        subprocess.run(self.base + ["kill-server"], capture_output=True)


def typed_for(part, problem, lang: str) -> str:
    """The right answer to a part, as a student would type it; short answers are left blank."""
    if isinstance(part.spec, RubricSpec):
        return ""
    return value_to_text(part.spec, part_answer_value(problem, part, lang))


def drive(tmp_path: Path, seed: int, lang: str, pager: str | None) -> None:
    width, height = SIZES[lang]
    ex = build_exam(seed)
    n_items = len(ex.items)
    env = {"EXAMGEN_HOME": str(tmp_path / f"home-{lang}-{seed}"), "EXAMGEN_CACHE": str(tmp_path / "cache"),
           "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "LESS": "", "LESSHISTFILE": "-"}
    if pager is not None:
        env["PAGER"] = pager
    pane = Pane(tmp_path / f"tmux-{lang}-{seed}", width, height,
                f"{shlex.quote(sys.executable)} -m examgen exam --seed {seed} --lang {lang}", env)
    try:
        pane.wait(lambda r: any(("按回车开始" if lang == "zh" else "Press Enter to start") in x for x in r), "start")
        pane.keys("Enter")
        q_fmt, p_fmt, left = HEADER[lang]
        answers: dict[int, dict[str, str]] = {}
        for item in ex.items:
            pr = item.problem
            sec = ex.section_of(item).title.get(lang)
            head = (q_fmt.format(n=item.number, total=n_items), p_fmt.format(p=pts(pr.points)))
            start = squash(unicode_text(pr.prompt.get(lang)))[:12]
            for k, part in enumerate(pr.parts):
                form = squash(form_line(part.spec, lang))[:14]
                where = f"seed {seed} {lang} item {item.number} part {part.name or '-'}"

                def problems(rows: list[str]) -> list[str]:
                    """What is wrong with this screen for this part (empty: all there)."""
                    out = []
                    if not (all(h in rows[0] for h in head) and left in rows[0] and sec[:4] in rows[0]):
                        out.append(f"header {rows[0]!r}")
                    if not rows[1].startswith(f"{item.number}."):
                        out.append(f"question title {rows[1]!r}")
                    if start not in squash("".join(rows[1:5])):
                        out.append(f"first line {start!r}")
                    if form not in squash("".join(rows[-4:-1])):
                        out.append(f"answer form {form!r}")
                    if part.name and f"[{item.number}] {part.name}" not in "".join(rows[-3:]):
                        out.append(f"answer line of part {part.name}")
                    return out

                # a redraw reaches tmux in pieces: wait until the whole screen is there, else say what is missing
                last: list[list[str]] = [[]]

                def ok(rows: list[str]) -> bool:
                    last[0] = problems(rows)
                    return not last[0]

                try:
                    pane.wait(ok, where, timeout=10)
                except AssertionError as exc:
                    raise AssertionError(f"{where}: {last[0]}\n{exc}") from None
                text = typed_for(part, pr, lang)
                if text:
                    answers.setdefault(item.number, {})[part.name] = text
                    pane.keys("Enter", literal=text)     # saved, and on to the next part or question
                else:
                    pane.keys("Down")
        pane.wait(lambda r: any(("命令" if lang == "zh" else "Command") in x for x in r[-2:]), "past the end")
        pane.keys("Enter", literal=":s")
        pane.wait(lambda r: "[y/N]" in "".join(r[-4:]), "submit confirmation")
        pane.keys("Enter", literal="y")
        score = ("总分 {got} / 100" if lang == "zh" else "Score {got} / 100").format(
            got=pts(grade_exam(ex, answers).total))
        if pager is None:   # less: the report's first page, waiting for the student
            # less draws its page and then its prompt: wait for both, not just the score (a capture between the two
            # showed an empty last row)
            rows = pane.wait(lambda r: any(score in x for x in r) and (r[-1].strip().startswith(":")
                                                                         or "(END)" in r[-1]),
                             f"report in less ({score}) with its prompt")
            assert not any(x.startswith("EXIT=") for x in rows), "the report must wait in the pager"
            pane.keys("q")
            pane.wait(lambda r: any(x.startswith("EXIT=0") for x in r), "exit 0 after leaving less")
        else:               # PAGER=cat: printed, then the command ends
            rows = pane.wait(lambda r: any(x.startswith("EXIT=0") for x in r), "exit 0")
            hist = subprocess.run(pane.base + ["capture-pane", "-p", "-t", "0", "-S", "-2000"],
                                  capture_output=True, text=True, check=True).stdout
            assert score in hist, hist[-3000:]
    finally:
        pane.kill()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_item_of_seeds_1_to_5_in_tmux(tmp_path, lang):
    assert os.access(TMUX, os.X_OK), "tmux is needed for this test (apt-get install tmux)"
    for seed in SEEDS:
        drive(tmp_path, seed, lang, None if seed % 2 else "cat")
