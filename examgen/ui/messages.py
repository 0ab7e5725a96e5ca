"""Bilingual strings of the exam screen, the report, history, stats and practice (`{name}` fields: str.format)."""

from __future__ import annotations

import re

from examgen.i18n import Bi

M: dict[str, Bi] = {
    # ---------------------------------------------------------------- start page
    "start.title": Bi("模拟考试", "Mock exam"),
    "start.sections": Bi("题型", "Section"),
    "start.items": Bi("题数", "Items"),
    "start.points": Bi("分值", "Points"),
    "start.total": Bi("合计", "Total"),
    "start.open_exam": Bi("注意：考试 #{id} 尚未完成（examgen resume {id} 可继续）；现在开始的是一场新考试。",
                          "Note: exam #{id} is still open (examgen resume {id} continues it); this starts a new one."),
    "start.seed": Bi("种子 {seed}", "seed {seed}"),
    "start.duration": Bi("时长 {d}；计时从你按回车开始，时间到自动交卷。",
                         "Duration {d}; the clock starts when you press Enter and the exam is submitted when time is "
                         "up."),
    "dur.minutes": Bi("{n} 分钟", "{n} minutes"),
    "dur.minute": Bi("{n} 分钟", "{n} minute"),
    "dur.min_sec": Bi("{m} 分 {s} 秒", "{m} min {s} s"),
    "dur.seconds": Bi("{n} 秒", "{n} seconds"),
    "dur.second": Bi("{n} 秒", "{n} second"),
    "start.resume": Bi("继续考试 #{id}：已答 {answered}/{n} 题，标记 {flagged} 题，剩余 {left}。",
                       "Resuming exam #{id}: {answered}/{n} answered, {flagged} flagged, {left} left."),
    "start.rules": Bi("考试中不显示对错，交卷后统一判分。答案在按回车或切换到其他小问、其他题时保存；Ctrl-C 可保存并离开，"
                      "之后用 examgen resume 继续。",
                      "No verdicts during the exam: everything is graded when you submit. An answer is saved when you "
                      "press Enter or move to another part or question; Ctrl-C saves and leaves, examgen resume "
                      "continues."),
    "start.press": Bi("按回车开始计时（:q 离开）› ", "Press Enter to start the clock (:q to leave) › "),
    "start.press_resume": Bi("按回车继续计时（:q 离开）› ", "Press Enter to restart the clock (:q to leave) › "),
    "start.piped": Bi("（非交互模式：每行一个答案，多小问的题每小问一行，输入结束即交卷）",
                      "(non-interactive: one answer per line, one line per part, end of input submits)"),
    # ---------------------------------------------------------------- keys
    "keys.title": Bi("操作", "Keys"),
    "keys.answer": Bi("直接输入答案并回车；多小问的题逐小问作答；空行跳过（保留原答案）",
                      "Type the answer and press Enter; multi-part questions are asked part by part; an empty line "
                      "skips (keeps any earlier answer)"),
    "keys.answer_full": Bi("输入答案并回车保存；已保存的答案显示在输入行，直接输入即替换，←→ 可修改；空行不跳过",
                           "Type the answer and press Enter to save it; a saved answer is shown on the answer line: "
                           "typing replaces it, ← → edit it; an empty line does not skip"),
    "keys.move": Bi("在小问之间移动（到头则换题），输入的答案随之保存", "move between parts (and on to the next or "
                    "previous question); what you typed is saved"),
    "keys.scroll": Bi("翻页（长题目）", "scroll a long question"),
    "keys.esc": Bi("关闭列表或帮助", "close the list or the help"),
    "keys.next": Bi("下一题", "next question"),
    "keys.prev": Bi("上一题", "previous question"),
    "keys.goto": Bi("跳到第 N 题", "go to question N"),
    "keys.flag": Bi("标记 / 取消标记本题", "flag / unflag this question"),
    "keys.list": Bi("列出已答、已标记、未答的题", "list answered, flagged and blank questions"),
    "keys.clear": Bi("清除本小问的答案", "clear this part's answer"),
    "keys.help": Bi("显示帮助", "show this help"),
    "keys.submit": Bi("交卷", "submit the exam"),
    "keys.quit": Bi("保存并离开（稍后 examgen resume）", "save and leave (examgen resume later)"),
    # ---------------------------------------------------------------- header and questions
    "hdr.question": Bi("第 {n}/{total} 题", "Question {n}/{total}"),
    "hdr.points": Bi("{p} 分", "{p} pts"),
    "hdr.points_after": Bi("（{p} 分）", " ({p} pts)"),
    "hdr.left": Bi("剩余 {t}", "{t} left"),
    "hdr.flagged": Bi("⚑ 已标记", "⚑ flagged"),
    "q.your_answer": Bi("你的答案：", "Your answer:"),
    "q.part_prompt": Bi("{name}（{label}，{p} 分）› ", "{name} ({label}, {p} pts) › "),
    "q.prompt": Bi("答案 › ", "Answer › "),
    "q.end_prompt": Bi("命令 › ", "Command › "),
    "q.blank": Bi("未作答：请输入答案，或输入 :n 跳过（↓ 到下一小问）。",
                  "No answer: type one, or :n to skip (↓ for the next part)."),
    "q.blank_keeps": Bi("空行不会清除已保存的答案：:c 清除，:n 跳过，↓ 到下一小问。",
                        "An empty line keeps the saved answer: :c clears it, :n skips, ↓ goes to the next part."),
    "q.format_retry": Bi("（格式错误不扣分，请重新输入）", " (a format error costs nothing: type it again)"),
    "q.cleared": Bi("已清除第 {n} 题 {part} 的答案。", "Cleared the answer to question {n} {part}."),
    "q.flag_on": Bi("已标记第 {n} 题。", "Flagged question {n}."),
    "q.flag_off": Bi("已取消标记第 {n} 题。", "Unflagged question {n}."),
    "q.bad_goto": Bi("没有第 {n} 题（1–{total}）。", "There is no question {n} (1–{total})."),
    "q.goto_needs_n": Bi(":{cmd} 后面要写题号，例如 :{cmd} {example}（1–{total}）。",
                         ":{cmd} needs a question number, e.g. :{cmd} {example} (1–{total})."),
    "q.unknown_cmd": Bi("未知命令 :{cmd}；输入 :help 查看命令。", "Unknown command :{cmd}; type :help for the commands."),
    "q.end": Bi("已到最后一题之后。:submit 交卷，:goto N 返回第 N 题，:list 查看未答的题。",
                "You are past the last question. :submit to hand in, :goto N to go back, :list to see the blanks."),
    "q.end_not_answer": Bi("这里不能作答：先用 :goto N 回到某一题。", "Not a question: use :goto N to go back to one first."),
    "q.store_failed": Bi("无法写入数据库（{error}）；答案改存到 {file}。",
                         "Cannot write the database ({error}); answers are now saved to {file}."),
    # ---------------------------------------------------------------- list
    "list.section": Bi("题型", "Section"),
    "list.answered": Bi("已答", "Answered"),
    "list.partial": Bi("部分作答", "Partly answered"),
    "list.flagged": Bi("已标记", "Flagged"),
    "list.blank": Bi("未答", "Blank"),
    "list.none": Bi("—", "—"),
    # ---------------------------------------------------------------- submit, leave, deadline
    "submit.confirm": Bi("还有 {n} 题未答（{which}）。确定交卷吗？[y/N] › ",
                         "{n} question(s) still blank ({which}). Submit anyway? [y/N] › "),
    "submit.cancelled": Bi("继续作答。", "Back to the exam."),
    "leave.confirm": Bi("保存并离开？[Y/n]（n = 继续考试）› ", "Save and leave? [Y/n] (n = go on) › "),
    "leave.done": Bi("已保存考试 #{id}（剩余 {left}）。继续：examgen resume {id}",
                     "Exam #{id} saved ({left} left). Continue with: examgen resume {id}"),
    "time.up": Bi("时间到，已自动交卷。截止后输入的内容不计分。",
                  "Time is up: the exam was submitted. Anything typed after the deadline does not count."),
    "time.up_resume": Bi("考试 #{id} 的时间已用完，直接交卷。", "Exam #{id} has no time left: it is submitted now."),
    "eof.submit": Bi("输入结束，交卷。", "End of input: submitting."),
    # ---------------------------------------------------------------- report
    "rep.title": Bi("成绩报告", "Grading report"),
    "rep.exam": Bi("考试 #{id}", "exam #{id}"),
    "rep.score": Bi("总分 {got} / {max}", "Score {got} / {max}"),
    "rep.time": Bi("用时 {used} / {limit}", "time used {used} / {limit}"),
    "rep.reason.time": Bi("时间到自动交卷", "submitted when time ran out"),
    "rep.reason.eof": Bi("输入结束时交卷", "submitted at end of input"),
    "rep.reason.student": Bi("主动交卷", "submitted"),
    "rep.reason.sheet": Bi("答题卡判分", "graded from an answer sheet"),
    "rep.sections": Bi("各题型得分", "Score per section"),
    "rep.chapters": Bi("各章得分", "Score per chapter"),
    "rep.col.section": Bi("题型", "Section"),
    "rep.col.chapter": Bi("章节", "Chapter"),
    "rep.col.items": Bi("题数", "Items"),
    "rep.col.got": Bi("得分", "Got"),
    "rep.col.max": Bi("满分", "Max"),
    "rep.col.rate": Bi("得分率", "Rate"),
    "rep.details": Bi("未得满分的题", "Items not fully correct"),
    "rep.all_correct": Bi("全部正确！", "Everything correct!"),
    "rep.item": Bi("第 {n} 题 · {section} · {got}/{max} 分", "Question {n} · {section} · {got}/{max} pts"),
    "rep.given": Bi("你的答案：", "Your answer:"),
    "rep.blank": Bi("（未作答）", "(blank)"),
    "rep.expected": Bi("正确答案：", "Correct answer:"),
    "rep.format": Bi("无法识别：", "Could not be read:"),
    "rep.key_points": Bi("要点", "Key points"),
    "rep.auto": Bi("自动估计", "automatic estimate"),
    "rep.self": Bi("已自评", "self-marked"),
    "rep.auto_note": Bi("标注“自动估计”的简答题得分按关键词估计，可用 examgen review {id} --self-mark 自评。",
                        "Scores marked “automatic estimate” come from key words; self-mark them with "
                        "examgen review {id} --self-mark."),
    "rep.explanation": Bi("解析：", "Explanation: "),
    "rep.carried": Bi("后续正确给分", "follow-through credit"),
    "rep.carried_items": Bi("后续正确给分（按你前一问的答案继续算对）：第 {which} 题。",
                            "Follow-through credit (right from your own earlier answer): question(s) {which}."),
    "rep.self_items": Bi("简答题已自评：第 {which} 题。", "Self-marked short answers: question(s) {which}."),
    "rep.auto_items": Bi("简答题得分为自动估计：第 {which} 题。",
                         "Short-answer scores that are automatic estimates: question(s) {which}."),
    "rep.reference": Bi("参考答案：", "Reference answer:"),
    "rep.review": Bi("再次查看：examgen review {id}", "See it again: examgen review {id}"),
    # ---------------------------------------------------------------- self-marking
    "self.offer": Bi("现在自评简答题吗？[y/N] › ", "Self-mark the short answers now? [y/N] › "),
    "self.item": Bi("第 {n} 题的要点", "Key points of question {n}"),
    "self.ask": Bi("要点 {i}：{text}\n  自动判定：{auto}。答到了吗？[y/n，回车保持] › ",
                   "Key point {i}: {text}\n  automatic: {auto}. Found? [y/n, Enter keeps] › "),
    "self.ask_again": Bi("要点 {i}：{text}\n  你上次的自评：{auto}。答到了吗？[y/n，回车保持] › ",
                         "Key point {i}: {text}\n  your earlier mark: {auto}. Found? [y/n, Enter keeps] › "),
    "self.bad_reply": Bi("请输入 y（答到）、n（未答到），或直接回车保持。", "Type y (found), n (missed), or Enter to keep it."),
    "self.again_short": Bi("要点 {i}：答到了吗？[y/n，回车保持] › ", "Key point {i}: found? [y/n, Enter keeps] › "),
    "self.found": Bi("答到", "found"),
    "self.missed": Bi("未答到", "missed"),
    "self.none": Bi("没有可自评的简答题。", "No short answers to mark."),
    "self.saved": Bi("自评已保存：总分 {got} / {max}。", "Self-marks saved: score {got} / {max}."),
    # ---------------------------------------------------------------- history and stats
    "hist.title": Bi("考试记录", "Exam history"),
    "hist.empty": Bi("还没有考试记录。开始一次：examgen exam", "No exams yet. Start one: examgen exam"),
    "hist.col.id": Bi("编号", "ID"),
    "hist.col.date": Bi("日期", "Date"),
    "hist.col.seed": Bi("种子", "Seed"),
    "hist.col.mode": Bi("方式", "Mode"),
    "hist.col.score": Bi("得分", "Score"),
    "hist.col.time": Bi("用时", "Time"),
    "hist.col.status": Bi("状态", "Status"),
    "hist.status.submitted": Bi("已交卷", "graded"),
    "hist.mode.interactive": Bi("终端", "terminal"),
    "hist.mode.piped": Bi("管道", "piped"),
    "hist.mode.sheet": Bi("答题卡", "sheet"),
    "stats.bank.single": Bi("题库·单选", "bank-single"),
    "stats.bank.multiple": Bi("题库·多选", "bank-multiple"),
    "stats.bank.tf": Bi("题库·判断", "bank-tf"),
    "stats.bank.fill": Bi("题库·填空", "bank-fill"),
    "stats.bank.short": Bi("题库·简答", "bank-short"),
    # ---------------------------------------------------------------- bank stats
    "bank.summary": Bi("共 {items} 题 · 客观题 {objective} · 简答题 {short} · 知识点 {concepts}",
                       "{items} items · {objective} objective · {short} short · {concepts} concepts"),
    "bank.col.chapter": Bi("章节", "chapter"),
    "bank.col.total": Bi("合计", "total"),
    "bank.type.single": Bi("单选", "single"),
    "bank.type.multiple": Bi("多选", "multiple"),
    "bank.type.tf": Bi("判断", "tf"),
    "bank.type.fill": Bi("填空", "fill"),
    "bank.type.short": Bi("简答", "short"),
    "bank.concepts": Bi("知识点", "concepts"),
    "bank.col.concept": Bi("知识点", "concept"),
    "bank.col.objective": Bi("客观题", "objective"),
    "bank.col.short": Bi("简答题", "short"),
    # a concept the notes mark 记忆 (concepts.yaml `memorize: true`): to learn by heart, not FSRS recall
    "bank.col.memorize": Bi("需背诵", "memorize"),
    "hist.status.running": Bi("未完成", "open"),
    "hist.status.new": Bi("未开始", "not started"),
    "hist.trend": Bi("趋势：{spark}  最近 {last}，平均 {mean}，较上次 {delta}",
                     "Trend: {spark}  last {last}, mean {mean}, change {delta}"),
    "hist.resume": Bi("未完成的考试可用 examgen resume ID 继续。", "Continue an open exam with examgen resume ID."),
    "stats.title.chapter": Bi("各章正确率", "Accuracy per chapter"),
    "stats.title.kind": Bi("各题型正确率", "Accuracy per kind"),
    "stats.empty": Bi("还没有作答记录。先做一次模拟考试或练习：examgen exam / examgen practice",
                      "Nothing graded yet. Sit an exam or practise first: examgen exam / examgen practice"),
    "stats.col.attempts": Bi("次数", "Tries"),
    "stats.col.accuracy": Bi("正确率", "Accuracy"),
    "stats.col.kind": Bi("题型", "Kind"),
    "stats.title.mistakes": Bi("你犯过的典型错误", "Your typical mistakes"),
    "stats.col.mistake": Bi("错误", "Mistake"),
    "stats.col.times": Bi("次数", "Times"),
    "stats.due": Bi("到期待复习：{n} 项。examgen practice --weak", "Due for review: {n}. examgen practice --weak"),
    # ---------------------------------------------------------------- practice
    "pr.title": Bi("练习 {i}/{n} · {what}", "Practice {i}/{n} · {what}"),
    "pr.keys": Bi("作答后立即判分，每题只记第一次判分的得分。:hint 提示（公式 → 代入数值 → 完整解答；看提示会降低本题的"
                  "得分上限），:new 换一道同类题，:solution 看解答（本题记 0 分），:skip 跳过，:q 结束。",
                  "Each answer is graded at once; the first graded answer of a problem is the one recorded. :hint "
                  "gives a hint (formula → numbers substituted → full solution; each lowers what the problem can "
                  "still earn), :new a fresh variant, :solution the worked solution (the problem then scores 0), "
                  ":skip skips, :q quits."),
    "pr.after": Bi("回车下一题 · :new 换一道 · :solution 看解答 › ", "Enter: next · :new · :solution › "),
    "pr.after_wrong": Bi("还没显示答案：:retry 再试 · :hint 提示 · :solution 看解答 · 回车显示答案并进入下一题 › ",
                         "The answer is not shown yet: :retry · :hint · :solution · Enter shows it and goes on › "),
    "pr.cost.hint": Bi("看提示 {level} 后本题最多得 {cap} 分（满分 {max} 分）；看解答本题记 0 分。",
                       "After hint {level} this problem can earn at most {cap} of {max} points; the solution "
                       "makes it 0."),
    "pr.cost.hint_zero": Bi("提示 {level} 会给出答案：看过后本题记 0 分（满分 {max} 分）。",
                            "Hint {level} gives the answer away: after it this problem scores 0 (of {max})."),
    "pr.cost.none": Bi("已看过解答：本题记 0 分，并会很快安排复习。",
                       "The solution was shown: this problem scores 0 and comes back for review soon."),
    "pr.cost.now": Bi("看过提示后本题最多得 {cap} 分（满分 {max} 分）。",
                      "Having seen this hint, the problem can earn at most {cap} of {max} points."),
    "pr.recorded": Bi("已记录：{got}/{max} 分。", "Recorded: {got}/{max} points."),
    "pr.recorded_capped": Bi("已记录：{got}/{max} 分（答对 {earned} 分，因看过提示最多记 {got} 分）。",
                             "Recorded: {got}/{max} points (answered {earned}; the hints seen cap it at {got})."),
    "pr.retry_note": Bi("再试不改变已记录的得分（{got}/{max} 分）。",
                        "A retry does not change the score recorded ({got}/{max})."),
    "pr.retry_done": Bi("本题已答对。回车下一题，:new 换一道。", "Already correct. Enter for the next, :new for another."),
    "pr.quit_revealed": Bi("已看过解答：本题记 0 分，稍后再练。", "The solution was seen: 0 points, it comes back soon."),
    "pr.skip_revealed": Bi("已看过解答：本题记 0 分，稍后再练。", "The solution was seen: 0 points, it comes back soon."),
    "pr.blank": Bi("未作答：请输入答案，或输入 :skip 跳过。", "No answer: type one, or :skip to skip."),
    "pr.self_mark": Bi("自评：逐条判断你的答案是否答到要点。", "Mark your answer yourself, key point by key point."),
    "pr.missed": Bi("未得满分的题及下次复习时间：", "Not fully right, and when each is due again:"),
    "pr.missed_item": Bi("{what}：{got}/{max} 分 · 下次复习：{due}", "{what}: {got}/{max} points · due {due}"),
    "pr.due.now": Bi("现在", "now"),
    "pr.due.hours": Bi("{n} 小时后", "in {n} h"),
    "pr.due.days": Bi("{n} 天后（{date}）", "in {n} days ({date})"),
    "pr.hint": Bi("提示 {level}/3", "Hint {level}/3"),
    "pr.hint.source": Bi("出处：{source}", "From the notes: {source}"),
    "pr.hint.points": Bi("答案应包含 {n} 个要点。", "A full answer has {n} key points."),
    "pr.hint.concepts": Bi("涉及的概念：{names}", "Concepts: {names}"),
    "pr.summary": Bi("本次练习：{n} 题，得分率 {rate}。", "This session: {n} problem(s), {rate} of the points."),
    "pr.weak_none": Bi("还没有记录：先按各章混合练习。", "No history yet: a mix from every chapter."),
    "pr.due": Bi("（到期复习）", "(due for review)"),
    "pr.context": Bi("上一题（本题接着它）：{stem}", "The previous question (this one continues it): {stem}"),
    "pr.new_variant": Bi("换一道同类题。", "A fresh variant."),
    "pr.no_variant": Bi("这一类没有其他题目了。", "No other problem of this kind."),
}


_ONE_PTS = re.compile(r"(?<![\d./])1 pts\b")     # "1 pts" → "1 pt" (not in "21 pts", "0.1 pts", "1/1 pts")


_COUNT_BEFORE = re.compile(r"\b(\d+) (\w+)\(s\)")        # "4 problem(s)" → 4 problems, 1 problem
_LIST_AFTER = re.compile(r"\b(\w+)\(s\) (\d+(?:, \d+)*)")   # "question(s) 16, 17" → questions 16, 17


def plural(text: str) -> str:
    """An English message's "word(s)" in the number the message gives it."""
    if "(s)" not in text:
        return text
    text = _COUNT_BEFORE.sub(lambda m: f"{m[1]} {m[2]}" + ("" if m[1] == "1" else "s"), text)
    return _LIST_AFTER.sub(lambda m: m[1] + ("s" if "," in m[2] else "") + " " + m[2], text)


def t(key: str, lang: str, **fields: object) -> str:
    text = M[key].get(lang)
    text = text.format(**fields) if fields else text
    return plural(_ONE_PTS.sub("1 pt", text)) if lang == "en" else text


def bi(key: str, **fields: object) -> Bi:
    msg = M[key]
    return Bi(msg.zh.format(**fields), msg.en.format(**fields))
