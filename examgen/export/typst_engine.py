"""Render exam documents to PDF (or PNG/SVG) with Typst and the bundled fonts.

The ``typst`` package is imported lazily: it is an optional, heavy
dependency, needed only when a document is actually rendered.

Typical use::

    renderer = TypstRenderer()
    pdf = renderer.render("exam", data)          # data: see templates/exam.typ

One :class:`TypstRenderer` builds a single ``typst.Compiler`` on first use and
reuses it for every later render. That keeps a batch of variants at tens of
milliseconds per PDF.
"""

from __future__ import annotations

import functools

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from examgen.errors import UserError
from examgen.export import cjk_full
from examgen.i18n import Bi

__all__ = [
    "FONT_DIR",
    "TEMPLATE_DIR",
    "FONT_FAMILIES",
    "GlyphCoverageError",
    "MathSyntaxError",
    "TypstRenderer",
    "check_coverage",
    "iter_math",
    "iter_strings",
]

_HERE = Path(__file__).resolve().parent
#: Folder with the shipped Noto Sans SC GB2312 subset (Regular + Bold).
FONT_DIR: Path = _HERE / "fonts"
#: Folder with the ``.typ`` templates; also the Typst project root.
TEMPLATE_DIR: Path = _HERE / "templates"
#: Font families passed to the template (``data["font"]``), in priority order.
#: Typst's embedded New Computer Modern / Libertinus cover the math and
#: Latin symbols the subset lacks (⌊ ⌋, combining tilde, ∗ …).
FONT_FAMILIES: tuple[str, ...] = ("Noto Sans SC",)

# East-Asian blocks whose characters must be checked against the subset.
_CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x2E80, 0x2FFF),  # CJK radicals, Kangxi radicals, ideographic description
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x33FF),  # kana, bopomofo, Hangul jamo, enclosed CJK, CJK compatibility
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7FF),  # Hangul syllables, Jamo Extended-B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
    (0x1F200, 0x1F2FF),  # enclosed ideographic supplement
    (0x20000, 0x3FFFF),  # supplementary ideographic planes (Ext. B … )
)
# Ranges the subset keeps in full, beyond GB2312 (checked against the
# built fonts: every code point here is in their cmap).
_SUBSET_EXTRA: tuple[tuple[int, int], ...] = (
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF01, 0xFF9F),  # full-width ASCII, half-width punctuation and katakana
    (0xFFE0, 0xFFE6),  # full-width signs ￠ ￡ ￢ ￣ ￤ ￥ ￦
)


# Pictographs no bundled or embedded font has (emoji, their joiner and variation selector): Typst would leave a
# blank, and a student's name 😀 would vanish from the paper without a word.
_NO_FONT: tuple[tuple[int, int], ...] = ((0x1F000, 0x1F1FF), (0x1F300, 0x1FAFF), (0x200D, 0x200D), (0xFE0F, 0xFE0F))


class GlyphCoverageError(UserError, ValueError):
    """A CJK character is outside the bundled font subset and would print as tofu."""


class MathSyntaxError(ValueError):
    """A Typst math string in the document data does not compile."""


def _in(cp: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(a <= cp <= b for a, b in ranges)


@functools.lru_cache(maxsize=8192)
def _in_subset(ch: str) -> bool:
    """True if *ch* prints with the bundled fonts (CJK characters and pictographs are checked)."""
    cp = ord(ch)
    if _in(cp, _NO_FONT):
        return False
    if cp < 0x2E80 or not _in(cp, _CJK_RANGES) or _in(cp, _SUBSET_EXTRA):
        return True
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@functools.lru_cache(maxsize=8192)
def _covered(ch: str) -> bool:
    """True if *ch* prints: with the bundled fonts, or with the optional full Chinese font (`cjk_full`)."""
    return _in_subset(ch) or (not _in(ord(ch), _NO_FONT) and cjk_full.covers(ch))


def printable(ch: str) -> bool:
    """Whether one character prints with the bundled and embedded fonts (see `check_coverage`)."""
    return _covered(ch)


def needs_font_hint(ch: str) -> str:
    """The install command that would make `ch` print, when the optional full font is missing and would have it
    (a Chinese, Japanese or Korean character; never an emoji), else ""."""
    if cjk_full.font_path() is None and _in(ord(ch), _CJK_RANGES) and not _in(ord(ch), _NO_FONT):
        return cjk_full.INSTALL_HINT
    return ""


def needs_full_font(texts: Iterable[str]) -> bool:
    """Whether some character is outside the subset (and so is typeset with the full font)."""
    return any(not _in_subset(ch) for text in texts for ch in text)


def check_coverage(texts: Iterable[str]) -> None:
    """Raise :class:`GlyphCoverageError` for the first CJK character not in the subset.

    The shipped fonts cover GB2312 plus CJK punctuation and full-width forms.
    Latin, Greek and math characters are always accepted: Typst draws any
    it lacks from its embedded math fonts. Typst itself prints missing glyphs
    as blank boxes without a warning, which is why this check exists.
    """
    for text in texts:
        for ch in text:
            if not _covered(ch):
                c, install = f"{ch!r}（U+{ord(ch):04X}）", needs_font_hint(ch)
                if _in(ord(ch), _NO_FONT):
                    zh, en = f"字符 {c}不在随附字体中", "fonts"
                elif install:
                    zh, en = f"字符 {c}不在随附的中文字体（GB2312 子集）中", "Chinese font (GB2312 subset)"
                else:
                    zh = f"字符 {c}不在随附的中文字体子集中，已安装的 Noto Sans CJK 也没有"
                    en = "Chinese font subset, nor by the installed Noto Sans CJK,"
                hint = Bi(f"；{install} 可加装完整中文字体", f"; {install} adds the full font") if install else Bi("", "")
                raise GlyphCoverageError(Bi(
                    f"{zh}，印出来会是空白方框{hint.zh}",
                    f"character {ch!r} (U+{ord(ch):04X}) is not covered by the bundled {en} and would print as "
                    f"a blank box{hint.en}"))


def iter_math(value: Any) -> Iterator[str]:
    """Yield every Typst math string of the document data (see templates/exam.typ)."""
    if isinstance(value, dict):
        kind = value.get("kind")
        if kind == "math" and isinstance(value.get("value"), str):
            yield value["value"]
        elif kind == "answer" and value.get("math") and isinstance(value.get("value"), str):
            yield value["value"]
        elif kind is None and ("math" in value or "result" in value or "lines" in value):  # a worked step
            for key in ("math", "result"):
                if isinstance(value.get(key), str) and value[key].strip():
                    yield value[key]
            for line in value.get("lines", ()) if isinstance(value.get("lines"), list) else ():
                if isinstance(line, str) and line.strip():
                    yield line
        for v in value.values():
            if isinstance(v, (dict, list, tuple)):
                yield from iter_math(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from iter_math(v)


_MATH_PROBE = b'#eval(sys.inputs.m, mode: "math")'


def iter_strings(value: Any) -> Iterator[str]:
    """Yield every string inside a JSON-like value (dict keys excluded)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from iter_strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from iter_strings(v)


class TypstRenderer:
    """Compile templates from :data:`TEMPLATE_DIR` with one reusable Typst compiler.

    Only the fonts in *font_dir* and Typst's embedded fonts are visible:
    system fonts are ignored, so output is the same on every machine.
    """

    def __init__(self, font_dir: Path = FONT_DIR, template_dir: Path = TEMPLATE_DIR) -> None:
        self.font_dir = Path(font_dir)
        self.template_dir = Path(template_dir)
        self._compiler: Any = None
        self._full_compiler: Any = None

    def _build(self, paths: list[str]) -> Any:
        import typst  # optional heavy dependency: import only when rendering

        fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=paths)
        return typst.Compiler(root=str(self.template_dir), font_paths=fonts, ignore_system_fonts=True)

    @property
    def compiler(self) -> Any:
        """The ``typst.Compiler``, built on first access."""
        if self._compiler is None:
            self._compiler = self._build([str(self.font_dir)])
        return self._compiler

    @property
    def full_compiler(self) -> Any:
        """A compiler that also sees the optional full Chinese font (only for texts that need it, so that every
        other paper is byte-identical with the extra installed or not)."""
        if self._full_compiler is None:
            path = cjk_full.font_path()
            self._full_compiler = (self._build([str(self.font_dir), str(path.parent)]) if path is not None
                                   else self.compiler)
        return self._full_compiler

    def template_path(self, template_name: str) -> Path:
        """Resolve ``"exam"`` or ``"exam.typ"`` to a file inside the template folder."""
        name = template_name if template_name.endswith(".typ") else template_name + ".typ"
        path = (self.template_dir / name).resolve()
        if path.parent != self.template_dir.resolve() or not path.is_file():
            raise ValueError(f"unknown template {template_name!r} (looked in {self.template_dir})")
        return path

    def _compile(self, template_name: str, data: dict[str, Any], fmt: str, check: bool) -> Any:
        if fmt not in ("pdf", "png", "svg"):
            raise ValueError(f"unsupported format {fmt!r}; use 'pdf', 'png' or 'svg'")
        if check:
            check_coverage(iter_strings(data))
        full = cjk_full.font_path() is not None and needs_full_font(iter_strings(data))
        payload = dict(data)
        payload.setdefault("font", list(FONT_FAMILIES) + ([cjk_full.FAMILY] if full else []))
        path = self.template_path(template_name)
        compiler = self.full_compiler if full else self.compiler
        import typst

        try:
            return compiler.compile(
                input=str(path),
                format=fmt,
                sys_inputs={"data": json.dumps(payload, ensure_ascii=False)},
                timestamp=0,
                pdf_tags=False,
            )
        except typst.TypstError as exc:
            # Typst reports errors inside eval()'d math without the string; find it.
            bad = self._find_bad_math(payload)
            if bad is not None:
                raise MathSyntaxError(f"invalid Typst math {bad[0]!r}: {bad[1]}") from exc
            raise

    def _find_bad_math(self, data: dict[str, Any]) -> tuple[str, str] | None:
        """Return (math string, Typst message) for the first math string that fails alone."""
        import typst

        for m in dict.fromkeys(iter_math(data)):
            try:
                self.compiler.compile(input=_MATH_PROBE, format="svg", sys_inputs={"m": m})
            except typst.TypstError as err:
                return m, err.message
        return None

    def render(
        self, template_name: str, data: dict[str, Any], fmt: str = "pdf", *, check: bool = True
    ) -> bytes:
        """Render *data* with a template and return the file as bytes.

        *fmt* is ``"pdf"``, or ``"png"``/``"svg"`` for a one-page document
        (use :meth:`render_pages` for several pages). Unless ``check=False``,
        every string in *data* first goes through :func:`check_coverage`.
        ``data["font"]`` defaults to :data:`FONT_FAMILIES`. Output is
        deterministic: the same data gives byte-identical files.
        Typst errors surface as ``typst.TypstError``.
        """
        out = self._compile(template_name, data, fmt, check)
        if isinstance(out, list):
            if len(out) != 1:
                raise ValueError(f"{fmt} output has {len(out)} pages; use render_pages()")
            out = out[0]
        return bytes(out)

    def render_pages(
        self, template_name: str, data: dict[str, Any], fmt: str = "png", *, check: bool = True
    ) -> list[bytes]:
        """Like :meth:`render`, but return one image per page (PDF: a single item)."""
        out = self._compile(template_name, data, fmt, check)
        return [bytes(p) for p in out] if isinstance(out, list) else [bytes(out)]
