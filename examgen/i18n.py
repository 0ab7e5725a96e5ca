"""Bilingual text and the catalog of user-facing interface strings."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

LANGS = ("zh", "en")


@dataclass(unsafe_hash=True, slots=True)  # not frozen: a frozen __init__ is 2.5× slower, and kinds build thousands
class Bi:
    """A text in Chinese and English. Inline math is written between `$…$` (Typst math syntax).

    Treat it as immutable (it is hashable): kinds share constant titles and labels between problems, so assigning
    to `zh` or `en` would change every problem that uses them. Make a new `Bi` instead."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def to_json(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> "Bi":
        return cls(zh=data["zh"], en=data["en"])

    def __add__(self, other: "Bi") -> "Bi":
        return Bi(self.zh + other.zh, self.en + other.en)


def same(text: str) -> Bi:
    """The same text in both languages (numbers, formulas)."""
    return Bi(text, text)


_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


def cell(text: str, lang: str) -> str:
    """A table heading written "中文 / English" shown in one language (other cells as they are)."""
    zh, sep, en = text.partition(" / ")
    if not sep or " / " in en or not _CJK.search(zh) or _CJK.search(en):
        return text
    return zh if lang == "zh" else en


def default_lang() -> str:
    """`EXAMGEN_LANG`, else the locale (`zh*` → zh), else English."""
    for var in ("EXAMGEN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            if var == "EXAMGEN_LANG" and value in LANGS:
                return value
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


# Interface strings. Keys are stable; `{name}` fields are filled with str.format.
MESSAGES: dict[str, Bi] = {
    "verdict.correct": Bi("正确", "Correct"),
    "verdict.partial": Bi("部分正确", "Partially correct"),
    "verdict.wrong": Bi("错误", "Wrong"),
    "verdict.format": Bi("格式错误（不计为错误作答）", "Format error (not counted as an attempt)"),
    "verdict.blank": Bi("未作答", "No answer"),
    "fmt.empty": Bi("答案为空。", "The answer is empty."),
    "fmt.number": Bi(
        "无法识别为数字：{detail}。请写成 0.14、1/7、14.3% 或 1.4e-1 这样的形式。",
        "Not a number: {detail}. Write it like 0.14, 1/7, 14.3% or 1.4e-1.",
    ),
    "fmt.unit": Bi(
        "请只写数值，不带单位（{unit}）：例如 {number}。", "Write the number alone, without the unit '{unit}': e.g. {number}."
    ),
    "fmt.multiplier": Bi(
        "请把数写全，不用“{unit}”：{typed} 写作 {number}。", "Write the number in full, without '{unit}': {typed} is {number}."
    ),
    "fmt.one_number": Bi(
        "这里只需要一个数，不是尺寸 {got}：{got} 的正方形区域请写边长 {side}；若是乘积请写 {product}。",
        "One number is expected here, not a size {got}: for a square {got} region write its side, {side}; for the"
        " product write {product}.",
    ),
    "fmt.integer": Bi("这里需要整数，你写的是 {got}。", "A whole number is expected here; you wrote {got}."),
    "fmt.shape": Bi(
        "需要 {n} 个整数组成的尺寸，例如 {example}（也可写 {alt}）。",
        "A shape of {n} whole numbers is expected, e.g. {example} (or {alt}).",
    ),
    "fmt.vector": Bi(
        "需要 {n} 个数，用逗号或空格分隔，例如 {example}。",
        "{n} numbers are expected, separated by commas or spaces, e.g. {example}.",
    ),
    "fmt.matrix": Bi("需要 {form}，例如 {example}。", "Expected {form}, e.g. {example}."),  # form: answer_form.form
    "fmt.choice_single": Bi(
        "请只写一个选项字母（{letters}），例如 B。", "Answer with one option letter ({letters}), e.g. B."
    ),
    "fmt.choice_multiple": Bi(
        "请写选项字母（{letters}），例如 AC 或 A,C。", "Answer with option letters ({letters}), e.g. AC or A,C."
    ),
    "fmt.tf": Bi("请回答 对/错（也可写 T/F、√/×、true/false）。", "Answer true or false (T/F, 对/错, √/× also work)."),
    "fmt.blanks": Bi(
        "本题有 {n} 个空，请用分号；分隔各空的答案。", "This item has {n} blanks; separate their answers with ;"
    ),
    "fmt.too_long": Bi("答案太长（超过 {n} 个字符）。", "The answer is too long (over {n} characters)."),
    "fmt.unknown_part": Bi(
        "没有名为 {name} 的小问；可用的小问：{names}。", "There is no part named {name}; the parts are: {names}."
    ),
    "fmt.in_part": Bi("小问 {part}：{message}", "Part {part}: {message}"),
    "fb.precision": Bi(
        "你的答案与正确值在你给出的位数内一致，但位数不够：请至少保留 {d} 位小数。",
        "Your value agrees with the answer to the digits you gave, but that is not precise enough: give at least {d} decimals.",
    ),
    "fb.percent": Bi(
        "看起来你写的是百分数：请写成 {pct}% 或 {frac}。",
        "That looks like a percentage: write {pct}% or {frac}.",
    ),
    "fb.wrong_entries": Bi("错误的位置（行，列，从 1 开始）：{where}", "Wrong entries (row, column, from 1): {where}"),
    "fb.wrong_items": Bi("错误的分量（从 1 开始）：{where}", "Wrong components (from 1): {where}"),
    "fb.expected": Bi("正确答案：{value}", "Correct answer: {value}"),
    "fb.choice_partial": Bi("少选：选对的部分得一半分。", "Some correct options are missing: half credit."),
    "fb.choice_wrong_pick": Bi("选了错误的选项 {letters}。", "You picked wrong option(s) {letters}."),
    "fb.blank_wrong": Bi("第 {i} 空不对。", "Blank {i} is wrong."),
    "fb.key_found": Bi("已答到的要点：", "Key points found:"),
    "fb.key_missed": Bi("缺少的要点：", "Key points missed:"),
    "fb.carry_forward": Bi(
        "按你在 {part} 中的答案继续计算是正确的（后续正确，按步给分）。",
        "Correct when carried forward from your answer to {part} (follow-through credit).",
    ),
    "fb.auto_estimate": Bi(
        "简答题得分为按要点自动估计，可自行改判。",
        "Short-answer scores are automatic estimates from key points; you may self-mark them.",
    ),
    # the history database (`examgen.store`): {path} the file, {reason} what SQLite or the system said
    "store.not_file": Bi("数据库 {path} 不是文件；请把它移走，或设置 {env}",
                         "the database {path} is not a file; move it away or set {env}"),
    "store.mkdir": Bi("无法创建数据目录 {path}：{reason}", "cannot create the data directory {path}: {reason}"),
    "store.open": Bi("无法打开数据库 {path}：{reason}", "cannot open the database {path}: {reason}"),
    "store.newer": Bi("数据库 {path} 由更新版本的 examgen 写入（结构版本 v{version}，本版本只支持到 v{known}）；请升级 examgen",
                      "the database {path} was written by a newer examgen (schema v{version}; this version knows "
                      "v{known}); upgrade examgen"),
    "store.locked": Bi("数据库 {path} 正忙（被另一个 examgen 锁定太久）；请稍后再试",
                       "the database {path} is busy (locked by another examgen for too long); try again"),
    "store.no_read": Bi("无法读取数据库 {path}：{reason}；请检查它的权限",
                        "cannot read the database {path}: {reason}; check its permissions"),
    "store.no_open": Bi("无法打开数据库 {path}：{reason}；请检查它的权限",
                        "cannot open the database {path}: {reason}; check its permissions"),
    "store.busy": Bi("数据库 {path} 正忙（另一个 examgen 正在使用）；请稍后再试",
                     "the database {path} is busy (another examgen holds it); try again"),
    "store.no_write": Bi("无法写入数据库 {path}：{reason}", "cannot write the database {path}: {reason}"),
    "store.failed": Bi("数据库 {path} 出错：{reason}；没有写入任何内容，文件保持原样",
                       "database error in {path}: {reason}; nothing was written and the file was left as it is"),
    "store.unmovable": Bi("数据库 {path} 无法读取（{reason}），也无法移到一旁（{error}）；请手动把它移走",
                          "the database {path} is unreadable ({reason}) and could not be moved aside ({error}); move "
                          "it away by hand"),
    "store.moved": Bi("数据库 {path} 无法读取（{reason}）；它已保留为 {target}，下次运行时会新建一个数据库",
                      "the database {path} is unreadable ({reason}); it was kept as {target} and a new one will be "
                      "started next time"),
    "exam.none": Bi("没有编号为 {id} 的考试；examgen history 列出你的考试",
                    "no exam with id {id}; `examgen history` lists them"),
    "exam.missing": Bi("没有编号为 {id} 的考试", "no exam with id {id}"),
    "exam.unreadable": Bi("考试 #{id}：保存的试卷无法读取", "exam {id}: its stored paper is unreadable"),
    "exam.claimed": Bi("考试 #{id} 正在另一个终端中进行（进程 {pid}）；请先在那里完成或离开",
                       "exam {id} is open in another terminal (pid {pid}); finish or leave it there first"),
    "exam.item_gone": Bi("考试 #{id}：题库中已没有题目 {item}",
                         "exam {id}: bank item '{item}' is no longer in the question bank"),
    "exam.kind_gone": Bi("考试 #{id}：本机已不再安装题型 {kind}", "exam {id}: kind '{kind}' is no longer installed"),
}


def t(key: str, lang: str, **fields: object) -> str:
    """Look up an interface string and fill in its fields."""
    return MESSAGES[key].get(lang).format(**fields)


def bi(key: str, **fields: object) -> Bi:
    """Both languages of an interface string, filled in."""
    msg = MESSAGES[key]
    return Bi(msg.zh.format(**fields), msg.en.format(**fields))
