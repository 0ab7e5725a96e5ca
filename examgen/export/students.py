"""`--students FILE.csv`: a class list → one named paper per student plus one combined print file.

The CSV has a header row naming a name column (`name` or `姓名`) and a number column (`number`, `id`, `student`
or `学号`); other columns are ignored. UTF-8 (with or without BOM); blank lines are skipped. Student i (1-based, in
file order) gets variant ((i − 1) mod K) + 1 of the K variants (K = the number of students unless --variants is
given). Every problem in the file is a one-line error naming its line."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from examgen.errors import UserError
from examgen.i18n import Bi

NAME_COLUMNS = ("name", "姓名")
NUMBER_COLUMNS = ("number", "id", "student", "student number", "学号")
MAX_STUDENTS = 500


@dataclass(frozen=True)
class Student:
    name: str
    number: str
    line: int

    @property
    def slug(self) -> str:
        """The number as a file-name part (`2023-001`); letters, digits, - and _ only."""
        return re.sub(r"[^0-9A-Za-z_-]+", "_", self.number).strip("_") or f"line{self.line}"


def _err(path: Path, line: int | None, zh: str, en: str) -> UserError:
    where_zh = f"{path} 第 {line} 行：" if line else f"{path}："
    where_en = f"{path} line {line}: " if line else f"{path}: "
    return UserError(Bi(where_zh + zh, where_en + en))


def _printable(path: Path, line: int, text: str) -> None:
    """A name the paper can print, said at its line: the bundled fonts lack emoji and Chinese beyond GB2312, and a
    zero-width or control character would vanish from the paper."""
    from examgen.export.typst_engine import needs_font_hint, printable

    for ch in text:
        if not ch.isprintable() and ch != " ":
            raise _err(path, line, f"含有不可见字符 U+{ord(ch):04X}，请删去",
                       f"has an invisible character U+{ord(ch):04X}; remove it")
        if not printable(ch):
            hint = needs_font_hint(ch)
            raise _err(path, line, f"字符 {ch}（U+{ord(ch):04X}）不在随附字体中，印出来会是空白"
                       + (f"；{hint} 可加装完整中文字体" if hint else ""),
                       f"character '{ch}' (U+{ord(ch):04X}) is not in the bundled fonts and would print blank"
                       + (f"; {hint} adds the full Chinese font" if hint else ""))


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    keys = [h.strip().lower() for h in header]
    for n in names:
        if n in keys:
            return keys.index(n)
    return None


def read_students(path: Path) -> list[Student]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(Bi(f"无法读取学生名单 {path}：{exc.strerror}",
                           f"cannot read the class list {path}: {exc.strerror}")) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _err(path, None, "不是 UTF-8 编码的 CSV 文件（请另存为 UTF-8）",
                   "is not a UTF-8 CSV file (save it as UTF-8)") from None
    rows = [(n, r) for n, r in enumerate(csv.reader(io.StringIO(text)), 1) if any(c.strip() for c in r)]
    if not rows:
        raise _err(path, None, "是空文件；需要一行表头（含“姓名”和“学号”两列），再每名学生一行",
                   "is empty; expected a header (name,number) and one line per student")
    head_line, header = rows[0]
    ni, si = _column(header, NAME_COLUMNS), _column(header, NUMBER_COLUMNS)
    if ni is None or si is None:
        raise _err(path, head_line, f"表头须有姓名列（name 或 姓名）和学号列（number、id 或 学号），实际为：{','.join(header)}",
                   f"the header needs a name column (name or 姓名) and a number column (number, id or 学号); "
                   f"it is: {','.join(header)}")
    students: list[Student] = []
    seen: dict[str, int] = {}
    for n, row in rows[1:]:
        name = row[ni].strip() if ni < len(row) else ""
        number = row[si].strip() if si < len(row) else ""
        if not name or not number:
            missing = Bi("姓名", "name") if not name else Bi("学号", "number")
            raise _err(path, n, f"缺少{missing.zh}", f"the {missing.en} is missing")
        if number in seen:
            raise _err(path, n, f"学号 {number} 与第 {seen[number]} 行重复",
                       f"number {number} repeats line {seen[number]}")
        seen[number] = n
        _printable(path, n, name + number)
        students.append(Student(name, number, n))
    if not students:
        raise _err(path, None, "只有表头，没有学生", "has a header but no students")
    if len(students) > MAX_STUDENTS:
        raise _err(path, None, f"超过 {MAX_STUDENTS} 名学生", f"has more than {MAX_STUDENTS} students")
    return students


def student_path(output: Path, s: Student) -> Path:
    return output.with_name(f"{output.stem}-{s.slug}{output.suffix}")


def class_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}-class{output.suffix}")


def targets(output: Path, students: list[Student]) -> list[Path]:
    """One PDF per student, the combined print file, the key table."""
    from examgen.export.run import key_table_path

    paths = [student_path(output, s) for s in students]
    if len(set(paths)) < len(paths):
        seen: dict[Path, Student] = {}
        for s, p in zip(students, paths):
            if p in seen:
                raise UserError(Bi(f"第 {s.line} 行的学号 {s.number} 与第 {seen[p].line} 行的学号 {seen[p].number} "
                                   f"生成同一个文件名 {p.name}",
                                   f"line {s.line}: number {s.number} gives the same file name {p.name} as "
                                   f"number {seen[p].number} on line {seen[p].line}"))
            seen[p] = s
    return paths + [class_path(output), key_table_path(output)]


def build_class_set(sel, fmt: str, output: Path, mode: str) -> dict[Path, bytes]:  # noqa: ANN001 - a Selection
    """Every student's named paper (variants handed out in turn), the combined print file and the key table."""
    from examgen.export import pdf
    from examgen.export.run import build_document, provenance_of, render_key_table
    from examgen.export.sources import papers

    if fmt != "pdf":
        raise UserError(Bi("--students 只用于 PDF（每名学生一份署名试卷和一个合并打印文件）",
                           "--students makes PDFs (one named paper per student and one combined print file)"))
    ps = papers(sel)
    n = len(ps)
    docs = [build_document(p, sel.lang, mode, n if n > 1 else None, sel.show_seed) for p in ps]
    students = list(sel.students)
    mine = [docs[i % n] for i in range(len(students))]
    firsts = [pdf.render_document(d, student=s) for d, s in zip(mine, students)]
    counts = [pdf.page_count(b) for b in firsts]
    # every named paper gets the same, even page count: the combined file is one print job, so printed duplex
    # every paper starts on a sheet of its own (and a student's own file matches its pages there)
    most = max(counts)
    sheets = most + most % 2
    pads = [sheets - c for c in counts]
    files = {student_path(output, s): b if pad == 0 else pdf.render_document(d, pad, student=s, checked=True)
             for s, d, b, pad in zip(students, mine, firsts, pads)}
    files[class_path(output)] = pdf.render_many(mine, students, pads, sheets)
    files[targets(output, students)[-1]] = render_key_table(docs, fmt, sel.lang, [provenance_of(p, n) for p in ps])
    return files
