"""`examgen export`: resolve what to export, build the neutral documents, hand them to one writer, write the
files atomically. Every output path is checked before anything is built, so a bad target fails fast."""

from __future__ import annotations

from pathlib import Path
from examgen.errors import UserError
from examgen.i18n import Bi
from examgen.export.document import Document, Provenance, from_exam, from_problems, key_table
from examgen.export.files import check_targets, write_all
from examgen.export.sources import Paper, Selection, papers
from examgen.model import Problem

FORMATS = ("pdf", "html", "md", "moodle", "gift", "anki", "qti")
DOCUMENT_FORMATS = ("pdf", "html", "md")
EXTENSIONS = {"pdf": ".pdf", "html": ".html", "md": ".md", "moodle": ".xml", "gift": ".gift", "anki": ".apkg", "qti": ".zip"}
_BY_EXT = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".xml": "moodle",
           ".gift": "gift", ".apkg": "anki", ".zip": "qti"}


def infer_format(fmt: str | None, output: Path) -> str:
    if fmt is not None:
        f = fmt.lower()
        if f not in FORMATS:
            raise UserError(Bi(f"未知格式 '{fmt}'；可用的格式：{'、'.join(FORMATS)}",
                               f"unknown format '{fmt}'; expected one of {', '.join(FORMATS)}"))
        return f
    f2 = _BY_EXT.get(output.suffix.lower())
    if f2 is None:
        raise UserError(Bi(f"无法从文件名 '{output.name}' 判断格式；请用 --format 指定（{'、'.join(FORMATS)}）",
                           f"cannot tell the format from '{output.name}'; give --format ({', '.join(FORMATS)})"))
    return f2


def mode_of(key: bool, solutions: bool) -> str:
    if key and solutions:
        raise UserError(Bi("--key 写出答案而不是试卷；--with-solutions 把解答写进试卷：两者只能选一个",
                           "--key writes the key instead of the paper; --with-solutions puts solutions into the "
                           "paper: choose one"))
    return "key" if key else "solutions" if solutions else "paper"


def variant_path(output: Path, variant: int, variants: int) -> Path:
    width = max(2, len(str(variants)))
    return output.with_name(f"{output.stem}-v{variant:0{width}d}{output.suffix}")


def key_table_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}-key-table{output.suffix}")


def targets(output: Path, fmt: str, variants: int) -> list[Path]:
    """The files an export writes: one per variant plus the combined key table (documents with --variants), else
    the output itself (quiz formats always hold every variant in one file)."""
    if fmt in DOCUMENT_FORMATS and variants > 1:
        return [variant_path(output, v, variants) for v in range(1, variants + 1)] + [key_table_path(output)]
    return [output]


def provenance_of(p: Paper, variants: int | None, show_seed: bool = False) -> Provenance:
    return Provenance(seed=p.seed, code=p.code, variant=p.variant, variants=variants, command=p.command,
                      show_seed=show_seed, record=p.record)


def build_document(p: Paper, lang: str, mode: str, variants: int | None, show_seed: bool = False) -> Document:
    prov = provenance_of(p, variants, show_seed)
    if p.exam is not None:
        return from_exam(p.exam, lang, mode, prov=prov)
    assert p.problems is not None
    return from_problems(p.problems, lang, mode, seed=p.seed, subtitle=p.subtitle, prov=prov)


def problems_of(p: Paper) -> list[Problem]:
    if p.exam is not None:
        return [it.problem for it in p.exam.items]
    return list(p.problems or [])


def render_documents(docs: list[Document], fmt: str) -> list[bytes]:
    if fmt == "pdf":
        from examgen.export.pdf import render_class_set

        return render_class_set(docs)
    if fmt == "html":
        from examgen.export.html import render_document  # type: ignore[assignment]
    else:
        from examgen.export.markdown import render_document  # type: ignore[assignment]
    return [render_document(d) for d in docs]


def render_key_table(docs: list[Document], fmt: str, lang: str, provs: list[Provenance]) -> bytes:
    table = key_table(docs, lang, provs)
    if fmt == "pdf":
        from examgen.export.pdf import render_key_table as r
    elif fmt == "html":
        from examgen.export.html import render_key_table as r  # type: ignore[assignment]
    else:
        from examgen.export.markdown import render_key_table as r  # type: ignore[assignment]
    return r(table)


def render_quiz(problems: list[Problem], fmt: str, lang: str) -> bytes:
    if fmt == "moodle":
        from examgen.export import moodle as w
    elif fmt == "gift":
        from examgen.export import gift as w  # type: ignore[no-redef]
    elif fmt == "qti":
        from examgen.export import qti as w  # type: ignore[no-redef]
    else:
        from examgen.export import anki as w  # type: ignore[no-redef]
    return w.render(problems, lang)


def build(sel: Selection, fmt: str, output: Path, mode: str = "paper") -> dict[Path, bytes]:
    """Everything an export writes, in memory: {path: bytes}."""
    if sel.students:
        from examgen.export.students import build_class_set

        return build_class_set(sel, fmt, output, mode)
    if fmt not in DOCUMENT_FORMATS and sel.is_selection and sel.seed is None:
        from dataclasses import replace

        from examgen.export.quiz import stable_seed

        # quiz banks and decks are imported again and again: the same selection gives the same problems
        sel = replace(sel, seed=stable_seed(sel.kinds, sel.topics, sel.count, sel.bank))
    ps = papers(sel)
    if fmt in DOCUMENT_FORMATS:
        multi = len(ps) > 1
        n = len(ps) if multi else sel.fixed_variant[1] if sel.fixed_variant else None
        docs = [build_document(p, sel.lang, mode, n, sel.show_seed) for p in ps]
        data = render_documents(docs, fmt)
        paths = targets(output, fmt, len(ps))
        files = dict(zip(paths, data))
        if multi:
            files[paths[-1]] = render_key_table(docs, fmt, sel.lang, [provenance_of(p, n) for p in ps])
        return files
    return {output: render_quiz([pr for p in ps for pr in problems_of(p)], fmt, sel.lang)}


def run(sel: Selection, fmt: str | None, output: str, *, key: bool = False, solutions: bool = False,
        force: bool = False) -> list[Path]:
    """Export and write; returns the paths written."""
    out = Path(output).expanduser()
    if out.is_dir():
        raise UserError(Bi(f"{out} 是一个目录；请用 --output 给出文件名（例如 {out / 'exam.pdf'}）",
                           f"{out} is a directory; give a file name with --output (e.g. {out / 'exam.pdf'})"))
    f = infer_format(fmt, out)
    mode = mode_of(key, solutions)
    if f not in DOCUMENT_FORMATS and mode != "paper":
        raise UserError(Bi(f"--key 和 --with-solutions 只用于 pdf、html 和 md；{f} 导出总是带有答案和解题步骤",
                           f"--key and --with-solutions apply to pdf, html and md; the {f} export always "
                           f"carries the answers and worked steps"))
    from examgen.export.sources import validate

    validate(sel)
    if sel.students:
        from examgen.export import students

        paths = students.targets(out, sel.students)
    else:
        paths = targets(out, f, sel.variants)
    check_targets(paths, force)  # fail before building anything
    files = build(sel, f, out, mode)
    return write_all(files, force)
