"""Cross-checks of the kind `average-precision` (Average precision and mAP).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of confusion-matrix and average-precision against independent references.

confusion-matrix: scikit-learn (precision_recall_fscore_support, accuracy_score) on label arrays rebuilt from the
matrix. average-precision: the VOC `voc_ap` (use_07_metric=False) algorithm and VOC matching written here with
numpy; scikit-learn's (non-interpolated) average_precision_score as a lower bound."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.metrics import average_precision_score

from examgen import registry
from examgen.errors import ParamError
from examgen.grading import grade

from tests.kinds._refs import self_consistent


SEEDS = range(600)
AP = registry.get("average-precision")


def voc_ap(rec: np.ndarray, prec: np.ndarray) -> float:
    """`voc_ap(rec, prec, use_07_metric=False)` of the PASCAL VOC devkit / py-faster-rcnn."""
    mrec = np.concatenate(([0.0], rec, [1.0]))
    mpre = np.concatenate(([0.0], prec, [0.0]))
    for i in range(mpre.size - 1, 0, -1):
        mpre[i - 1] = np.maximum(mpre[i - 1], mpre[i])
    i = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))


def voc_eval(scores: np.ndarray, tp_flags: np.ndarray, npos: int) -> tuple[np.ndarray, np.ndarray, float]:
    order = np.argsort(-scores, kind="stable")
    tp = tp_flags[order].astype(float)
    fp = 1.0 - tp
    tp, fp = np.cumsum(tp), np.cumsum(fp)
    rec = tp / float(npos)
    prec = tp / np.maximum(tp + fp, np.finfo(np.float64).eps)
    return prec, rec, voc_ap(rec, prec)


def voc_match(scores: np.ndarray, ious: np.ndarray, gt_ids: np.ndarray, thr: float, npos: int) -> np.ndarray:
    """VOC matching: by descending score, a TP needs overlap above the threshold and an unclaimed ground truth."""
    det = np.zeros(npos + 1, dtype=bool)
    flags = np.zeros(len(scores), dtype=int)
    for d in np.argsort(-scores, kind="stable"):
        if ious[d] > thr:  # the devkit's `ovmax > ovthresh`; no IoU equals the threshold in these problems
            if not det[gt_ids[d]]:
                flags[d] = 1
                det[gt_ids[d]] = True
    return flags


@st.composite
def ap_params(draw):
    n = draw(st.integers(1, 10))
    scores = [v / 100 for v in draw(st.lists(st.integers(1, 100), min_size=n, max_size=n, unique=True))]
    if draw(st.booleans()):
        tp = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
        return {"scores": scores, "tp": tp, "num_gt": [max(1, sum(tp) + draw(st.integers(0, 3)))]}
    ngt = draw(st.integers(1, 4))
    return {"scores": scores, "num_gt": [ngt], "iou_threshold": draw(st.sampled_from([0.3, 0.5, 0.7])),
            "ious": [v / 100 for v in draw(st.lists(st.integers(0, 100), min_size=n, max_size=n))],
            "gt_ids": draw(st.lists(st.integers(1, ngt), min_size=n, max_size=n))}


def test_average_precision_matches_voc():
    seen = set()
    for seed in SEEDS:
        pr = AP.generate(seed)
        p = pr.params
        scores = np.array(p["scores"])
        if p.get("classes") is not None:
            seen.add("map")
            classes = np.array(p["classes"])
            aps = []
            for c, npos in zip((1, 2), p["num_gt"]):
                sel = classes == c
                aps.append(voc_eval(scores[sel], np.array(p["tp"])[sel], npos)[2])
            assert pr.answer["ap"] == pytest.approx(aps, abs=1e-9)
            assert pr.answer["map"] == pytest.approx(np.mean(aps), abs=1e-9)
            continue
        npos = p["num_gt"][0]
        if p.get("ious") is not None:
            seen.add("iou")
            ious, thr = np.array(p["ious"]), p["iou_threshold"]
            assert not np.isclose(ious, thr).any()
            flags = voc_match(scores, ious, np.array(p["gt_ids"]), thr, npos)
        else:
            seen.add("shuffled" if list(scores) != sorted(scores, reverse=True) else "ranked")
            flags = np.array(p["tp"])
        prec, rec, ap = voc_eval(scores, flags, npos)
        ans = pr.answer if isinstance(pr.answer, dict) else {"ap": pr.answer}
        assert ans["ap"] == pytest.approx(ap, abs=1e-9), seed
        if p["ask"] == "table":
            seen.add("table")
            assert ans["precision"] == pytest.approx(list(prec), abs=1e-9)
            assert ans["recall"] == pytest.approx(list(rec), abs=1e-9)
        # the interpolated AP is never below the non-interpolated one (sklearn) when every object is found
        if flags.sum() == npos:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                assert ap >= average_precision_score(flags, scores) - 1e-12
    assert seen == {"map", "iou", "ranked", "shuffled", "table"}


def test_average_precision_problems_are_not_degenerate():
    for seed in SEEDS:
        p = AP.generate(seed).params
        scores = p["scores"]
        assert len(set(scores)) == len(scores), "no score ties"
        if p.get("classes") is not None:
            for c, npos in zip((1, 2), p["num_gt"]):
                idx = [i for i in range(len(scores)) if p["classes"][i] == c]
                assert 3 <= len(idx) <= 5 and 1 <= sum(p["tp"][i] for i in idx) <= npos
            continue
        assert 5 <= len(scores) <= 8
        if p.get("ious") is not None:
            flags = voc_match(np.array(scores), np.array(p["ious"]), np.array(p["gt_ids"]), p["iou_threshold"],
                              p["num_gt"][0])
        else:
            flags = np.array(p["tp"])
        assert 2 <= flags.sum() < len(flags) and flags.sum() <= p["num_gt"][0]


def test_average_precision_prompt_states_interpolation_and_table():
    for seed in range(200):
        pr = AP.generate(seed)
        assert "all-point interpolated" in pr.prompt.en and "全点插值" in pr.prompt.zh
        assert "3 decimals" in pr.prompt.en
        rows = pr.figures[0].rows
        p = pr.params
        assert [r[0] for r in rows] == [f"D{i + 1}" for i in range(len(p["scores"]))]
        if p.get("classes") is not None:
            assert [int(r[1]) for r in rows] == p["classes"] and [float(r[2]) for r in rows] == p["scores"]
        else:
            assert [float(r[1]) for r in rows] == p["scores"]
        if p.get("tp") is not None:
            assert [r[-1] for r in rows] == ["TP" if f else "FP" for f in p["tp"]]
        else:
            assert [r[2] for r in rows] == [f"G{g}" for g in p["gt_ids"]]
            assert [float(r[3]) for r in rows] == p["ious"]


def test_average_precision_carry_forward():
    for seed in range(300):
        pr = AP.generate(seed)
        if pr.params.get("classes") is not None:
            aps = [0.8 * a for a in pr.answer["ap"]]  # wrong, still in [0, 1]
            v = grade(pr, {"ap": ", ".join(map(repr, aps)), "map": repr(sum(aps) / 2)}, AP.carry(pr.params))
            parts = {pv.name: pv for pv in v.parts}
            assert parts["map"].correct and parts["map"].carried


def test_average_precision_example_and_bad_params():
    pr = AP.from_params(AP.example)
    prec, rec, ap = voc_eval(np.array(AP.example["scores"]), np.array(AP.example["tp"]), AP.example["num_gt"][0])
    assert pr.answer["ap"] == pytest.approx(ap, abs=1e-9)
    base = {"scores": [0.9, 0.8, 0.7], "tp": [1, 0, 1], "num_gt": [2]}
    ref = voc_eval(np.array([0.9, 0.8, 0.7]), np.array([1, 0, 1]), 2)[2]
    assert AP.from_params(base).answer["ap"] == pytest.approx(ref)
    for bad in ({**base, "scores": [0.9, 0.9, 0.7]}, {**base, "num_gt": [1]}, {**base, "tp": [1, 0]},
                {**base, "tp": [1, 2, 0]}, {"scores": [0.9, 0.8], "ious": [0.6, 0.4], "num_gt": [2]},
                {**base, "classes": [1, 1, 2]}, {**base, "scores": [1.5, 0.8, 0.7]}):
        with pytest.raises(ParamError) as exc:
            AP.from_params(bad)
        assert "\n" not in str(exc.value)


@settings(max_examples=150, deadline=None)
@given(ap_params())
def test_average_precision_any_valid_list_matches_voc(params):
    scores = np.array(params["scores"])
    npos = params["num_gt"][0]
    if "tp" in params:
        flags = np.array(params["tp"])
    else:
        ious = np.array(params["ious"])
        # the prompt's rule is IoU ≥ t; the devkit's is IoU > t: they agree once no IoU equals t
        flags = voc_match(scores, ious + np.where(np.isclose(ious, params["iou_threshold"]), 1e-9, 0),
                          np.array(params["gt_ids"]), params["iou_threshold"], npos)
    assert AP.from_params(params).answer["ap"] == pytest.approx(voc_eval(scores, flags, npos)[2], abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**40))
def test_deterministic_valid_and_self_consistent(seed):
    self_consistent("average-precision", seed)


def test_no_follow_through_from_an_impossible_ap():
    """An AP above 1 is no value AP can take: the mAP computed from it is not carried."""
    from tests.kinds._refs import no_follow_through

    pr = next(p for p in (AP.generate(s) for s in range(300)) if p.params.get("classes") is not None)
    no_follow_through(pr, {"ap": "1.2, 1.4"}, "map", "1.3")
