"""Regenerate the README's generated sections from the code, so the README stays true.

    python tools/gen_readme.py          # rewrite README.md in place
    python tools/gen_readme.py --check  # exit 1 if README.md is out of date (the tests run this)

Generated sections sit between `<!-- NAME:start -->` and `<!-- NAME:end -->` markers:
`kinds-table` (one row per kind), `mistakes` (the declared mistakes) and `kinds` (params, conventions, variants and a worked example per kind)."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def example_command(kind) -> str:
    args = []
    for name, value in kind.example.items():
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        if isinstance(value, str):
            text = value
        elif isinstance(value, bool):
            text = "true" if value else "false"
        if any(c in text for c in "[] ;'\"") or isinstance(value, list):
            text = f"'{text}'"
        args.append(f"-p {name}={text}")
    return f"examgen solve {kind.name} " + " ".join(args) + " --lang en"


def example_output(kind) -> str:
    from rich.console import Console

    from examgen.ui.render import problem_view, solution_view

    problem = kind.from_params(kind.example)
    buf = io.StringIO()
    con = Console(file=buf, width=100, color_system=None, highlight=False, legacy_windows=False)
    con.print(problem_view(problem, "en", show_points=False))
    con.print(solution_view(problem, "en"))
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines())


def kinds_table() -> str:
    from examgen import registry
    from examgen.model import CHAPTERS

    rows = ["| kind | chapter | section | what it asks | conventions |", "|---|---|---|---|---|"]
    for k in registry.all_kinds():
        rows.append(f"| [`{k.name}`](#kind-{k.name}) | {CHAPTERS[k.chapter].en} ({CHAPTERS[k.chapter].zh}) | "
                    f"{k.section} | {k.summary.en} | {k.conventions.en} |")
    return "\n".join(rows)


def kinds_detail() -> str:
    from examgen import registry
    from examgen.model import CHAPTERS

    out = []
    for k in registry.all_kinds():
        out.append(f'<a id="kind-{k.name}"></a>\n#### `{k.name}` — {k.title.en} · {k.title.zh}\n')
        out.append(f"{CHAPTERS[k.chapter].en} · {k.section} · {k.points} points by default. {k.summary.en}.\n")
        if k.conventions.en:
            out.append(f"Conventions: {k.conventions.en}.\n")
        if k.variants:
            out.append("Variants: " + "; ".join(k.variants) + ".\n")
        out.append("| param | meaning |\n|---|---|")
        for name, p in k.schema.params.items():
            opt = " (optional)" if p.optional else ""
            choices = f" — one of {', '.join(map(str, p.choices))}" if p.choices else ""
            out.append(f"| `{name}` | {p.help}{choices}{opt} |")
        out.append("\n<details><summary>Worked example</summary>\n")
        out.append("```console\n$ " + example_command(k) + "\n" + example_output(k) + "\n```\n")
        out.append("</details>\n")
    return "\n".join(out)


def mistakes_list() -> str:
    """The declared mistakes of every kind (examgen/kinds/*/*.py `MISTAKES`), so the list cannot go stale."""
    from examgen import registry

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    rows = ["| kind | id | the mistake | 错误 | goes wrong at the step |", "|---|---|---|---|---|"]
    for k in registry.all_kinds():
        for m in k.mistakes:
            steps = " / ".join(t.replace("$", "") + "…" for t in ((m.step,) if isinstance(m.step, str) else m.step))
            rows.append(f"| `{k.name}` | `{m.id}` | {cell(m.text.en)} | {cell(m.text.zh)} | {steps} |")
    return "\n".join(rows)


def doc_section(name: str) -> str:
    """A document from docs/ as a README section: its title becomes a level-2 heading, the rest moves down one
    level, and image links are rewritten relative to the repository root (a link to a README section,
    `../README.md#anchor`, becomes `#anchor`)."""
    text = (ROOT / "docs" / name).read_text(encoding="utf-8").strip()
    out = []
    for line in text.splitlines():
        if line.startswith("#"):
            line = "#" + line
        out.append(line.replace("](img/", "](docs/img/").replace("](../README.md#", "](#"))
    return "\n".join(out)


def bank_stats() -> str:
    from examgen import bank
    from examgen.model import CHAPTERS

    b = bank.load_bank()
    st = bank.stats(b)
    rows = [f"{st['items']} items ({st['objective']} objective, {st['short']} short answer) over {st['concepts']} "
            f"concepts, {sum(1 for c in b.concepts.values() if c.memorize)} of them marked 记忆:\n",
            "| chapter | " + " | ".join(bank.TYPES) + " | total |", "|---|" + "---|" * (len(bank.TYPES) + 1)]
    for ch, counts in st["by_chapter"].items():
        rows.append(f"| {CHAPTERS[ch].zh} {CHAPTERS[ch].en} | " + " | ".join(str(counts[t]) for t in bank.TYPES)
                    + f" | {sum(counts.values())} |")
    return "\n".join(rows)


SECTIONS = {"kinds-table": kinds_table, "mistakes": mistakes_list, "bank-stats": bank_stats, "kinds": kinds_detail,
            "exam-doc": lambda: doc_section("exam.md"), "export-doc": lambda: doc_section("export.md")}


def render(text: str) -> str:
    for name, fn in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no {name} markers")
        body = fn()
        text = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    return text


def main() -> int:
    readme = ROOT / "README.md"
    current = readme.read_text(encoding="utf-8")
    new = render(current)
    if "--check" in sys.argv:
        if new != current:
            print("README.md is out of date: run python tools/gen_readme.py")
            return 1
        return 0
    readme.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
