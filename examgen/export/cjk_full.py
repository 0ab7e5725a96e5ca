"""The optional full Chinese font, for characters beyond the bundled GB2312 subset (names such as 王喆, 张堃).

`pip install 'examgen[cjk-full]'` adds `noto-cjk-sans-otc`: Noto Sans CJK (Regular only, OFL) as one OpenType
collection. When it is installed, a paper whose text needs it is typeset with it as the fallback family after the
subset (so papers that do not need it stay byte-identical); when it is not, such a character is refused before
Typst would print it as a blank box. Which characters it has is read from its own `cmap` table, not assumed."""

from __future__ import annotations

import bisect
import functools
import struct
from pathlib import Path

FAMILY = "Noto Sans CJK SC"
FACE = 2            # the collection's face named "Noto Sans CJK SC"
INSTALL_HINT = "pip install 'examgen[cjk-full]'"


@functools.lru_cache(maxsize=1)
def font_path() -> Path | None:
    """The collection's file, or None when the extra is not installed."""
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    path = Path(str(noto_cjk_sans_otc.FONT_PATH))
    return path if path.is_file() else None


@functools.lru_cache(maxsize=1)
def _ranges() -> tuple[list[int], list[int]]:
    """(starts, ends) of the code-point groups of the face's format-12 cmap; empty when there is no font."""
    path = font_path()
    if path is None:
        return [], []
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:4] != b"ttcf":
        return [], []
    (face,) = struct.unpack_from(">I", data, 12 + 4 * FACE)
    (tables,) = struct.unpack_from(">H", data, face + 4)
    cmap = next((off for tag, _, off, _ in (struct.unpack_from(">4sIII", data, face + 12 + 16 * i)
                                            for i in range(tables)) if tag == b"cmap"), None)
    if cmap is None:
        return [], []
    (count,) = struct.unpack_from(">H", data, cmap + 2)
    for i in range(count):
        platform, encoding, off = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        if (platform, encoding) == (3, 10) and struct.unpack_from(">H", data, cmap + off)[0] == 12:
            (groups,) = struct.unpack_from(">I", data, cmap + off + 12)
            starts, ends = [], []
            for g in range(groups):
                start, end, _ = struct.unpack_from(">III", data, cmap + off + 16 + 12 * g)
                starts.append(start)
                ends.append(end)
            return starts, ends
    return [], []


def covers(ch: str) -> bool:
    """Whether the installed full font has a glyph for `ch` (False when it is not installed)."""
    starts, ends = _ranges()
    i = bisect.bisect_right(starts, ord(ch)) - 1
    return i >= 0 and ord(ch) <= ends[i]
