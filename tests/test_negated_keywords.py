"""Key points marked `deny_negated`: a keyword a negation denies (不冻结, do not freeze; 不需要把预训练层冻结, the
rest of the negation's clause) is no evidence of the claim. Unmarked points keep matching it, since a negation often states their claim (不会梯度消失)."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from examgen.answer_parse import norm_text
from examgen.bank import find_item
from examgen.i18n import Bi
from examgen.keypoints import match_key_points, negated
from examgen.model import KeyPoint, RubricSpec
from tests.test_bank import SHORT_ITEM, lint_dir, write


def _spec(deny: bool, keywords=(("冻结", "freez", "frozen"),)) -> RubricSpec:
    return RubricSpec((KeyPoint(Bi("冻结", "freeze"), 1.0, keywords, (), deny),))


@pytest.mark.parametrize("text", [
    "不冻结预训练网络", "没冻结", "没有冻结卷积层", "未冻结", "无需冻结", "不需要冻结", "不应该冻结", "并不冻结",
    "do not freeze the layers", "we don't freeze", "the backbone should not be frozen", "never frozen",
    "train it without freezing", "it cannot be frozen", "you need not to be frozen", "NOT FREEZE",
])
def test_a_negated_keyword_is_no_evidence(text):
    assert match_key_points(text, _spec(True)) == [False]
    assert match_key_points(text, _spec(False)) == [True]  # unmarked: as before


@pytest.mark.parametrize("text", [
    "冻结预训练网络", "应冻结前几层", "不同的是：这里冻结卷积层",      # 不 of 不同 stands before 的, not 冻结
    "freeze the backbone", "the layers are frozen", "do not train them: freeze them",  # one plain occurrence is enough
    "不是微调，而是冻结", "knot freeze",                                  # 'knot' is not 'not'
])
def test_a_plain_keyword_still_counts(text):
    assert match_key_points(text, _spec(True)) == [True]


@pytest.mark.parametrize("text", [
    "不需要把预训练层冻结", "没有将卷积层全部冻结", "并不是先冻结", "do not ever freeze them", "we never really froze it",
])
def test_a_negation_denies_the_rest_of_its_clause(text):
    assert match_key_points(text, _spec(True, (("冻结", "freez", "froze"),))) == [False]


@pytest.mark.parametrize("text", [
    "不仅冻结了卷积层", "不同于微调：冻结卷积层", "在不改动结构的情况下冻结前几层", "不用改网络就能冻结", "不改结构，冻结前几层",
    "不改结构而是冻结前几层", "not only frozen but also pruned", "do not retrain; freeze", "no retraining: freeze it",
    "不改结构，同时冻结前几层", "不改动结构也冻结前几层",
])
def test_a_negation_reaches_no_further_than_its_clause_or_a_word_of_its_own(text):
    assert match_key_points(text, _spec(True)) == [True]


@pytest.mark.parametrize("text, keyword", [
    ("非极大值抑制去掉重复框", "极大值抑制"),   # bare 非 and 无 make terms: not negations
    ("引入非线性", "线性"), ("无监督预训练", "监督"),
])
def test_terms_made_with_bare_fei_and_wu_are_not_negations(text, keyword):
    assert match_key_points(text, _spec(True, ((keyword,),))) == [True]


def test_a_keyword_that_itself_says_the_negation_matches():
    assert match_key_points("输出不是以 0 为中心", _spec(True, (("不是以0",),))) == [True]


@given(st.text(alphabet="不没有未无需是非并而 notwhy'’-−．。，,.;：\tA-zé0-9冻结", max_size=40))
def test_the_text_matched_is_norm_text_without_fallback(text):
    s, after = negated(text)
    assert s == norm_text(text)
    assert all(0 <= i <= len(s) for i in after)


@given(st.sampled_from(["", "数据少时，", "With little data, ", "x "]),
       st.sampled_from(["不", "没有", "未", "无需", "不要", "并非", "not ", "never ", "don't ", "should not be "]),
       st.sampled_from(["冻结", "freeze", "共享权重"]))
def test_the_position_after_a_negation_is_marked(prefix, negation, keyword):
    s, after = negated(prefix + negation + keyword)
    assert s.endswith(norm_text(keyword)) and len(s) - len(norm_text(keyword)) in after


def test_the_shipped_item_denies_a_negated_freeze():
    spec = find_item("transfer-when-s1").parts[0].spec
    assert match_key_points("数据少且相似：冻结预训练网络，只训练分类器", spec)[0]
    assert not match_key_points("数据少且相似：不冻结，全部重新训练", spec)[0]
    assert not match_key_points("Small and similar data: do not freeze anything, retrain all", spec)[0]


def test_an_unmarked_point_keeps_a_negation_that_states_it():
    """ReLU's gradient 1 for x > 0 'mitigates vanishing gradients': 不会梯度弥散 says just that."""
    text = "ReLU 正区间导数为 1，不会梯度弥散"
    assert match_key_points(text, find_item("cnn-relu-s01").parts[0].spec)[1]


def test_deny_negated_must_be_a_boolean(tmp_path):
    body = SHORT_ITEM + """        deny_negated: "yes"
"""
    write(tmp_path, "cnn.yaml", body)
    msgs = lint_dir(tmp_path)
    assert any("item t-short-01: deny_negated must be true or false" in m for m in msgs), msgs
