"""Give the Chinese text of the sources Chinese punctuation (，；：（）), using `examgen.typography.zh_typography`.

    python tools/zh_punct.py          # rewrite examgen/**/*.py string literals and question_bank/*.yaml zh texts
    python tools/zh_punct.py --check  # exit 1 if anything would change

Python: only string literals that contain Chinese are touched (via tokenize, so code is never changed).
YAML: only the `zh` texts shown to students (stems, options, explanations, reference answers, key points,
concept names) — never answer alternatives or rubric keywords."""

from __future__ import annotations

import io
import sys
import tokenize
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from examgen.typography import zh_typography  # noqa: E402

SKIP_TOKENS = ("图像坐标,x 向右(从 1 开始)",)  # the docstring that shows the conversion itself


def _mostly_chinese(literal: str) -> bool:
    """A literal that is Chinese text (not an English message that happens to quote 对/错, nor a command line)."""
    import re

    body = re.sub(r"\{[^{}]*\}|\$[^$]*\$", "", literal)  # placeholders and math do not count
    han = sum(1 for c in body if "\u4e00" <= c <= "\u9fff")
    latin = sum(1 for c in body if c.isascii() and c.isalpha())
    return han > 0 and han >= 0.5 * latin


def fix_python(text: str) -> str:
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    lines = text.splitlines(keepends=True)
    edits = []
    for tok in tokens:
        raw = "r" in tok.string[:3].split(tok.string[-1])[0].lower() if tok.type == tokenize.STRING else False
        if tok.type == tokenize.STRING and not raw and _mostly_chinese(tok.string) \
                and not any(s in tok.string for s in SKIP_TOKENS):  # a raw string is a pattern, not text
            new = zh_typography(tok.string)
            if new != tok.string:
                edits.append((tok.start, tok.end, new))
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    out = text
    for (sr, sc), (er, ec), new in reversed(edits):
        a, b = offsets[sr - 1] + sc, offsets[er - 1] + ec
        out = out[:a] + new + out[b:]
    return out


def _fix_bi(d, changed):
    if isinstance(d, dict) and isinstance(d.get("zh"), str):
        new = zh_typography(d["zh"])
        if new != d["zh"]:
            d["zh"] = new
            changed.append(1)


def fix_yaml(path: Path) -> bool:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    changed: list[int] = []
    if path.name == "concepts.yaml":
        for c in data.get("concepts", []):
            _fix_bi(c.get("name"), changed)
    elif isinstance(data, dict) and isinstance(data.get("items"), list):
        for it in data["items"]:
            for key in ("stem", "explanation"):
                _fix_bi(it.get(key), changed)
            for opt in it.get("options") or []:
                _fix_bi(opt, changed)
            if it.get("type") == "short":
                _fix_bi(it.get("answer"), changed)
                for kp in it.get("rubric") or []:
                    _fix_bi(kp.get("point"), changed)
    else:
        return False
    if changed and "--check" not in sys.argv:
        head = "".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                       if line.startswith("#") and False)
        path.write_text(head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110),
                        encoding="utf-8")
    return bool(changed)


def main() -> int:
    dirty = []
    for path in sorted((ROOT / "examgen").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        new = fix_python(text)
        if new != text:
            dirty.append(path)
            if "--check" not in sys.argv:
                path.write_text(new, encoding="utf-8")
    for path in sorted((ROOT / "question_bank").glob("*.yaml")):
        if fix_yaml(path):
            dirty.append(path)
    for p in dirty:
        print(p.relative_to(ROOT))
    return 1 if dirty and "--check" in sys.argv else 0


if __name__ == "__main__":
    sys.exit(main())
