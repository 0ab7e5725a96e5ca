#!/usr/bin/env python3
"""Build the Noto Sans SC GB2312 subset fonts shipped in ``examgen/export/fonts``.

Dev-only: run it by hand when the shipped fonts must be rebuilt; it is never
run at install or run time. It needs ``pip`` (network access to PyPI) and
``fonttools`` (``pip install fonttools==4.68.0``), and takes about a minute.

Steps:

1. ``pip download --no-deps justmytype-intl-cjk==0.1.0`` into a temp dir;
2. take ``NotoSansSC[wght].ttf`` (variable, OFL-1.1) and its ``OFL.txt``
   out of the wheel;
3. instance the variable font at wght=400 (Regular) and wght=700 (Bold);
4. subset each instance to GB2312 plus Latin, Greek, punctuation, math and
   CJK punctuation/full-width ranges;
5. write ``NotoSansSC-{Regular,Bold}-gb2312.ttf`` and ``OFL.txt``.

Usage::

    python tools/build_fonts.py [--out DIR] [--wheel PATH]

The family name stays "Noto Sans SC". The OFL Reserved Font Name is "Source",
which must never appear in the names of this Modified Version; the script
checks that.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

PACKAGE = "justmytype-intl-cjk==0.1.0"
FONT_MEMBER = "justmytype_intl_cjk/fonts/ofl/notosanssc/NotoSansSC[wght].ttf"
FAMILY = "Noto Sans SC"
RESERVED_NAME = "Source"
WEIGHTS = [(400, "Regular"), (700, "Bold")]
# Non-GB2312 ranges kept in the subset (inclusive).
EXTRA_RANGES = [
    (0x20, 0x7E),  # ASCII
    (0xA0, 0x17F),  # Latin-1 Supplement, Latin Extended-A
    (0x370, 0x3FF),  # Greek
    (0x2000, 0x23FF),  # punctuation, super/subscripts, letterlike, arrows, math operators, misc technical
    (0x2460, 0x25FF),  # enclosed alphanumerics, box drawing, block elements, geometric shapes
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # half-width and full-width forms
]
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "examgen" / "export" / "fonts"


def gb2312_codepoints() -> set[int]:
    """All code points encodable in GB2312 (6 763 hanzi + 682 symbols)."""
    unis: set[int] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                unis.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return unis


def wanted_codepoints() -> set[int]:
    """GB2312 plus EXTRA_RANGES."""
    unis = gb2312_codepoints()
    for a, b in EXTRA_RANGES:
        unis |= set(range(a, b + 1))
    return unis


def fetch_wheel(tmp: Path) -> Path:
    """Download the source wheel with pip into *tmp* and return its path."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--dest", str(tmp), PACKAGE],
        check=True,
    )
    wheels = sorted(tmp.glob("justmytype_intl_cjk-*.whl"))
    if not wheels:
        raise SystemExit(f"pip download produced no wheel for {PACKAGE}")
    return wheels[0]


def extract(wheel: Path, tmp: Path) -> tuple[Path, Path]:
    """Extract the variable SC font and the OFL licence text next to it."""
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        if FONT_MEMBER not in names:
            raise SystemExit(f"{FONT_MEMBER} not found in {wheel.name}")
        font_dir = FONT_MEMBER.rsplit("/", 1)[0]
        # Prefer the OFL.txt beside the SC font, else any OFL.txt in the wheel.
        candidates = [n for n in names if n.rsplit("/", 1)[-1].upper() == "OFL.TXT"]
        candidates.sort(key=lambda n: (not n.startswith(font_dir + "/"), len(n)))
        if not candidates:
            raise SystemExit(f"no OFL.txt in {wheel.name}")
        font_path = tmp / "NotoSansSC[wght].ttf"
        font_path.write_bytes(zf.read(FONT_MEMBER))
        ofl_path = tmp / "OFL.txt"
        ofl_path.write_bytes(zf.read(candidates[0]))
    text = ofl_path.read_text(encoding="utf-8")
    if "SIL OPEN FONT LICENSE" not in text.upper() or "1.1" not in text:
        raise SystemExit(f"{candidates[0]} is not the SIL OFL 1.1 text")
    return font_path, ofl_path


def build_weight(src: Path, weight: int, style: str, unis: set[int], out: Path) -> Path:
    """Instance *src* at *weight*, subset to *unis*, save and return the path."""
    font = instancer.instantiateVariableFont(TTFont(src), {"wght": weight}, updateFontNames=True)
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.hinting = False
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=unis)
    sub.subset(font)
    path = out / f"NotoSansSC-{style}-gb2312.ttf"
    font.recalcTimestamp = False  # keep the source's head.modified: reproducible output
    font.save(path)
    return path


def verify(path: Path, style: str) -> None:
    """Fail loudly if the built font is not what we ship."""
    font = TTFont(path)
    name = font["name"]
    family = name.getDebugName(16) or name.getDebugName(1)
    if family != FAMILY:
        raise SystemExit(f"{path.name}: family {family!r}, expected {FAMILY!r}")
    for rec in name.names:
        if rec.nameID in (1, 2, 3, 4, 6, 16, 17, 21, 22) and RESERVED_NAME in rec.toUnicode():
            raise SystemExit(f"{path.name}: reserved font name in name ID {rec.nameID}: {rec.toUnicode()!r}")
    if "glyf" not in font or "fvar" in font or "gvar" in font:
        raise SystemExit(f"{path.name}: expected static glyf outlines")
    cmap = font.getBestCmap()
    missing = sorted(u for u in gb2312_codepoints() if u not in cmap)
    if missing:
        raise SystemExit(f"{path.name}: {len(missing)} GB2312 characters missing, e.g. U+{missing[0]:04X}")
    print(f"{path.name}: {path.stat().st_size / 1e6:.2f} MB, {len(cmap)} code points, "
          f"{font['maxp'].numGlyphs} glyphs, family {family!r}, style {style!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    ap.add_argument("--wheel", type=Path, help="use this already downloaded wheel instead of pip download")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    unis = wanted_codepoints()
    with tempfile.TemporaryDirectory(prefix="examgen-fonts-") as td:
        tmp = Path(td)
        wheel = args.wheel or fetch_wheel(tmp)
        src, ofl = extract(wheel, tmp)
        for weight, style in WEIGHTS:
            path = build_weight(src, weight, style, unis, args.out)
            verify(path, style)
        (args.out / "OFL.txt").write_bytes(ofl.read_bytes())
        print(f"OFL.txt copied to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
