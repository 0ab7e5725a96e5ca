"""Moodle's own import and matching rules, re-implemented for the tests (never imported by examgen).

Each function follows one function of Moodle's source (moodle/moodle, Moodle 4.x) and says which; PHP regexes are
kept character for character where Python's `re` allows it. Deliberate simplifications are stated at the function.
With these, the tests decide what a Moodle quiz would accept from a student, without a Moodle server."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

# ---------------------------------------------------------------- short answer
def compare_string_with_wildcard(string: str, pattern: str, ignorecase: bool) -> bool:
    """question/type/shortanswer/question.php, `qtype_shortanswer_question::compare_string_with_wildcard`:
    NFC-normalise both; split the pattern on runs of unescaped `*` (`preg_split('/(?<!\\\\)\\*+/')`); in each
    bit `\\*` stands for a star and everything else is literal (`preg_quote`); join the bits with `.*`; match
    `^…$` against the trimmed response, case-insensitively unless the question uses case."""
    pattern = unicodedata.normalize("NFC", pattern)
    string = unicodedata.normalize("NFC", string)
    bits = re.split(r"(?<!\\)\*+", pattern)
    regexp = "^" + ".*".join(re.escape(b.replace("\\*", "*")) for b in bits) + "$"
    flags = re.IGNORECASE if ignorecase else 0
    return re.search(regexp, string.strip(), flags | re.DOTALL) is not None


def grade_shortanswer(answers: list[tuple[float, str]], response: str, usecase: bool = False) -> float:
    """`question_first_matching_answer_grading_strategy` over `compare_response_with_answer`: the fraction of
    the first answer whose pattern matches (PARAM_RAW_TRIMMED trims the response first); 0 if none does."""
    for fraction, pattern in answers:
        if compare_string_with_wildcard(response.strip(), pattern, not usecase):
            return fraction
    return 0.0


# ---------------------------------------------------------------- numerical
_EXPONENT = re.compile(r"(?:e|E|(?:x|\*|×)10(?:\^|\*\*))([+-]?\d+)")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?")


def apply_units(response: str, decsep: str = ".", thousandssep: str = ",") -> tuple[float | None, str]:
    """question/type/numerical/questiontype.php, `qtype_numerical_answer_processor::apply_units` (units after
    the number, no units defined): strip spaces; write every exponent form as `e`; a `.` or several `,` make
    `,` a thousands separator, else a single `,` is the decimal point; then a number at the start; the rest is
    the unit. Returns (value or None, unit)."""
    response = response.replace(" ", "")
    response = _EXPONENT.sub(r"e\1", response)
    if "." in response or response.count(",") > 1:
        response = response.replace(",", "")
    else:
        response = response.replace(thousandssep, "").replace(decsep, ".").replace(",", ".")
    m = _NUMBER.match(response)
    if not m:
        return None, ""
    return float(m.group(0)), response[m.end():]


PHP_PRECISION = 14  # ini_get('precision'), PHP's default


def within_tolerance(answer: float, tolerance: float, value: float) -> bool:
    """question/type/numerical/question.php, `qtype_numerical_answer::get_tolerance_interval` (tolerance type 2,
    nominal, the default and the only type of imported and cloze numerical answers) and `within_tolerance`."""
    eps = 10.0 ** -PHP_PRECISION
    tol = abs(tolerance) + eps * max(abs(tolerance), abs(answer), eps)
    return answer - tol <= value <= answer + tol


def grade_numerical(answers: list[tuple[float, float, float]], response: str) -> float | None:
    """`qtype_numerical_question::grade_response` with no units (`showunits` 3, UNITNONE): None when Moodle would
    refuse the response as invalid (`get_validation_error`: not a number, or text after the number); else the
    fraction of the first answer (value, tolerance, fraction) whose interval holds the value."""
    value, unit = apply_units(response.strip())
    if value is None or unit:
        return None
    for answer, tol, fraction in answers:
        if within_tolerance(answer, tol, value):
            return fraction
    return 0.0


# ---------------------------------------------------------------- cloze (multianswer)
_FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"
# PHP: '.+?(?<!\\\\|&|&amp;)(?=[~#}]|$)' — Python's re needs fixed-width look-behinds, so the alternation is
# written as three look-behinds in a row, which is the same condition.
_ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"
_FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
_ALTERNATIVE = f"({_FRACTION})?({_ANSWER})(#({_FEEDBACK}))?"
_NUMBER_RE = r"-?(([0-9]+[.,]?[0-9]*|[.,][0-9]+)([eE][-+]?[0-9]+)?)"
_NUMERICAL_ALTERNATIVE = re.compile(f"^({_NUMBER_RE})(:{_NUMBER_RE})?$", re.S)
_TYPES = ("(NUMERICAL|NM)|(MULTICHOICE|MC)|(MULTICHOICE_V|MCV)|(MULTICHOICE_H|MCH)|"
          "(SHORTANSWER|SA|MW)|(SHORTANSWER_C|SAC|MWC)|"
          "(MULTICHOICE_S|MCS)|(MULTICHOICE_VS|MCVS)|(MULTICHOICE_HS|MCHS)|"
          "(MULTIRESPONSE|MR)|(MULTIRESPONSE_H|MRH)|(MULTIRESPONSE_S|MRS)|(MULTIRESPONSE_HS|MRHS)")
_START = r"\{([0-9]*):(" + _TYPES + "):"
_ANSWER_REGEX = re.compile(_START + "(" + _ALTERNATIVE + "(~" + _ALTERNATIVE + ")*)\\}", re.S)
_ALT_REGEX = re.compile("~?" + _ALTERNATIVE, re.S)


@dataclass
class Subquestion:
    """One cloze field as Moodle stores it."""

    weight: int
    qtype: str  # "numerical" | "shortanswer" | "multichoice"
    usecase: bool = False
    answers: list[tuple[str, float, float | None]] = field(default_factory=list)  # (answer, fraction, tolerance)

    def grade(self, response: str) -> float | None:
        if self.qtype == "numerical":
            return grade_numerical([(float(a), float(t or 0), f) for a, f, t in self.answers], response)
        if self.qtype == "shortanswer":
            return grade_shortanswer([(f, a) for a, f, _ in self.answers], response, self.usecase)
        raise ValueError(self.qtype)


def extract_cloze(text: str) -> tuple[list[Subquestion], int, str]:
    """question/type/multianswer/questiontype.php, `qtype_multianswer_extract_question`: find each
    `{weight:TYPE:alternatives}` in turn (ANSWER_REGEX), split its alternatives (ANSWER_ALTERNATIVE_REGEX),
    read numerical ones with NUMERICAL_ALTERNATIVE_REGEX, decode HTML entities in the others and un-escape only
    `\\}` and `\\#`; the question's mark (defaultmark) is the sum of the weights. Returns (fields, mark, the
    text with `{#n}` placeholders). (`html.unescape` stands for PHP's `html_entity_decode(…, ENT_QUOTES)`.)"""
    subs: list[Subquestion] = []
    mark = 0
    position = 1
    while True:
        m = _ANSWER_REGEX.search(text)
        if not m:
            break
        groups = m.groups()
        weight = int(groups[0]) if groups[0] != "" else 1
        types = groups[1:16]
        if types[1]:
            sub = Subquestion(weight, "numerical")
        elif types[5]:
            sub = Subquestion(weight, "shortanswer", usecase=False)
        elif types[6]:
            sub = Subquestion(weight, "shortanswer", usecase=True)
        else:
            sub = Subquestion(weight, "multichoice")
        remaining = groups[15]
        while True:
            a = _ALT_REGEX.search(remaining)
            if not a:
                break
            if a.group(1) == "=":
                fraction = 1.0
            elif a.group(2):
                fraction = 0.01 * float(a.group(2).replace(",", "."))
            else:
                fraction = 0.0
            answer = a.group(3)
            num = _NUMERICAL_ALTERNATIVE.search(answer) if sub.qtype == "numerical" else None
            if num:
                sub.answers.append((num.group(1), fraction, float(num.group(6)) if num.group(6) else 0.0))
            else:
                decoded = html.unescape(answer).replace("\\}", "}").replace("\\#", "#")
                sub.answers.append((decoded, fraction, None))
            remaining = remaining.split(a.group(0), 1)[1]
        mark += sub.weight
        subs.append(sub)
        text = text.replace(m.group(0), "{#%d}" % position, 1)
        position += 1
    return subs, mark, text


# ---------------------------------------------------------------- GIFT
_PLACEHOLDERS = [("\\:", "&&058;"), ("\\#", "&&035;"), ("\\=", "&&061;"), ("\\{", "&&123;"), ("\\}", "&&125;"),
                 ("\\~", "&&126;"), ("\\n", "&&010")]
_CHARACTERS = {"&&058;": ":", "&&035;": "#", "&&061;": "=", "&&123;": "{", "&&125;": "}", "&&126;": "~",
               "&&010": "\n"}
_WEIGHT = re.compile(r"^%\-*([0-9]{1,2})\.?([0-9]*)%")


def escapedchar_pre(s: str) -> str:
    """question/format/gift/format.php, `qformat_gift::escapedchar_pre`."""
    s = s.replace("\\\\", "&&092;")
    for esc, ph in _PLACEHOLDERS:
        s = s.replace(esc, ph)
    return s.replace("&&092;", "\\")


def escapedchar_post(s: str) -> str:
    """`qformat_gift::escapedchar_post`."""
    for ph, ch in _CHARACTERS.items():
        s = s.replace(ph, ch)
    return s


def _text_with_format(text: str) -> str:
    """`qformat_gift::parse_text_with_format`: a leading `[format]` is dropped if it names a format; trimmed,
    placeholders restored."""
    if text.startswith("["):
        end = text.find("]")
        if text[1:end] in ("html", "moodle", "plain", "markdown"):
            text = text[end + 1:]
    return escapedchar_post(text).strip()


@dataclass
class GiftQuestion:
    name: str
    qtype: str
    answers: list[tuple[str, float]]  # shortanswer: (pattern, fraction)
    numerical: list[tuple[float, float, float]]  # numerical: (answer, tolerance, fraction)
    text: str
    single: bool = True  # multichoice: one answer (radio buttons) or several (check boxes)


def _weight(ans: str, default: float = 1.0) -> tuple[float, str]:
    """`qformat_gift::answerweightparser`, applied in `readquestion` when the answer matches the weight regex
    (`/^%\\-*([0-9]{1,2})\\.?([0-9]*)%/`): the text between the first two `%` divided by 100 (`%-100%` → −1);
    without a weight, `default`. Returns (fraction, the answer without the weight)."""
    if not _WEIGHT.match(ans):
        return default, ans
    rest = ans[1:]
    end = rest.find("%")
    return float(rest[:end]) / 100, rest[end + 1:]


def read_gift_question(source: str) -> GiftQuestion:
    """`qformat_gift::readquestion` for the question types examgen writes (essay, numerical, multichoice,
    true/false, short answer): placeholders for escaped characters, `::name::`, the answer set between the first
    `{` and the first `}`, the general feedback after the last `####`, then the type and its answers."""
    text = escapedchar_pre(source.strip())
    name = ""
    if text.startswith("::"):
        text = text[2:]
        end = text.find("::")
        name = escapedchar_post(text[:end])
        text = text[end + 2:].strip()
    start, finish = text.find("{"), text.find("}")
    assert start >= 0 and finish > start, f"brace error in {source[:80]!r}"
    answertext = text[start + 1:finish].strip()
    question = text[:start] + ("" if text.endswith("}") else "_____") + text[finish + 1:]
    gf = answertext.rfind("####")
    if gf >= 0:
        answertext = answertext[:gf].strip()
    if answertext == "":
        return GiftQuestion(name, "essay", [], [], question)
    if answertext[0] == "#":
        out = []
        for ans in [a.strip() for a in answertext[1:].split("=")]:
            if not ans:
                continue
            fraction, ans = _weight(ans)
            ans = _text_with_format(ans.split("#", 1)[0])
            if ".." in ans:
                lo, hi = (float(x) for x in ans.split(".."))
                out.append(((lo + hi) / 2, (hi - lo) / 2, fraction))
            elif ":" in ans[1:]:
                v, t = ans.split(":", 1)
                out.append((float(v), float(t), fraction))
            else:
                out.append((float(ans), 0.0, fraction))
        return GiftQuestion(name, "numerical", [], out, question)
    if "~" in answertext:
        # multichoice: `=` marks a right answer (fraction 1), `~` others (their weight, else 0); with no `=` at all
        # the question takes several answers (`single` 0: check boxes)
        choices = []
        for ans in [a.strip() for a in answertext.replace("=", "~=").split("~")]:
            if not ans:
                continue
            if ans[0] == "=":
                fraction, ans = 1.0, ans[1:]
            else:
                fraction, ans = _weight(ans, 0.0)
            choices.append((_text_with_format(ans.split("#", 1)[0]), fraction))
        return GiftQuestion(name, "multichoice", choices, [], question, single="=" in answertext)
    check = answertext.split("#", 1)[0].strip() if answertext.find("#") > 0 else answertext
    if check in ("T", "TRUE", "F", "FALSE"):
        return GiftQuestion(name, "truefalse", [], [], question)
    answers = []
    for ans in [a.strip() for a in answertext.split("=")]:
        if not ans:
            continue
        fraction, ans = _weight(ans)
        answers.append((_text_with_format(ans.split("#", 1)[0]), fraction))
    return GiftQuestion(name, "shortanswer", answers, [], question)


def split_gift(data: str) -> list[str]:
    """`qformat_default::readquestions` for GIFT: questions are separated by blank lines; `//` lines are
    comments."""
    out, cur = [], []
    for line in data.splitlines():
        if line.strip() == "":
            if cur:
                out.append("\n".join(cur))
                cur = []
            continue
        if line.strip().startswith("//"):
            continue
        cur.append(line)
    if cur:
        out.append("\n".join(cur))
    return out
