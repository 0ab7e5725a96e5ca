"""Mistakes of the detection and image-processing kinds (issue 12 item 2) against independent statements of each
misconception: OpenCV, scipy, scikit-image and scikit-learn computing the wrong method, or hand-worked examples with
the arithmetic in a comment. (`precision-recall-swapped` and `weak-edges-all-kept` are the statement itself.)"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from examgen import registry
from examgen.grading import grade
from examgen.mistakes import mistake_values
from tests.test_mistakes import _answers, _flat, _near

SEEDS = range(200)


def _mistakes(name: str) -> dict:
    return {m.id: m for m in registry.get(name).mistakes}


def _problems(name: str):
    kind = registry.get(name)
    for seed in SEEDS:
        pr = kind.generate(seed)
        yield pr.params, {p.name: p.answer for p in pr.parts}


def _corners(box, fmt):
    a, b, c, d = box
    return {"xyxy": (a, b, c, d), "xywh": (a, b, a + c, b + d),
            "cxcywh": (a - c / 2, b - d / 2, a + c / 2, b + d / 2)}[fmt]


# ---------------------------------------------------------------- nms
def test_nms_mistakes_against_opencv():
    """OpenCV's NMSBoxes run with the scores in the table's order (A first) is NMS without sorting by score; the
    single round keeps the best box and whatever it alone does not suppress."""
    import cv2

    by_id = _mistakes("nms")
    for p, key in _problems("nms"):
        c = [_corners(b, p["box_format"]) for b in p["boxes"]]
        rects = [[x1, y1, x2 - x1, y2 - y1] for x1, y1, x2, y2 in c]
        n, thr = len(rects), p["iou_threshold"]
        keep = [int(i) for i in np.array(cv2.dnn.NMSBoxes(rects, p["scores"], 0.0, thr)).ravel()]
        assert ["ABCDEF"[i] for i in keep] == key["kept"]  # the key itself, as OpenCV does it
        unsorted = [int(i) for i in np.array(cv2.dnn.NMSBoxes(rects, [1.0 - i / 10 for i in range(n)], 0.0,
                                                              thr)).ravel()]
        got = by_id["not-sorted-by-score"].wrong(p)
        assert (got is None and unsorted == keep) or got["kept"] == ["ABCDEF"[i] for i in unsorted]
        best = max(range(n), key=lambda i: p["scores"][i])
        once = [best] + [j for j in sorted(range(n), key=lambda i: -p["scores"][i])
                         if j != best and _iou_np(c[best], c[j]) <= thr]
        got = by_id["single-round"].wrong(p)
        assert (got is None and once == keep) or got["kept"] == ["ABCDEF"[i] for i in once]


def _iou_np(a, b) -> float:
    """IoU by rasterizing both boxes on a grid of unit cells (integer corners)."""
    size = int(max(a[2], b[2])) + 1, int(max(a[3], b[3])) + 1
    ma, mb = np.zeros(size, bool), np.zeros(size, bool)
    ma[int(a[0]):int(a[2]), int(a[1]):int(a[3])] = True
    mb[int(b[0]):int(b[2]), int(b[1]):int(b[3])] = True
    return (ma & mb).sum() / (ma | mb).sum()


# ---------------------------------------------------------------- yolo-cell
def test_yolo_cell_mistakes_hand_worked():
    # 448×448 image, S = 7: cells 64×64. Centre (200, 150), box 120×80.
    # key: column floor(200/64) = 3, row floor(150/64) = 2, offset (200/64 − 3, 150/64 − 2) = (0.125, 0.34375),
    # size (120/448, 80/448). Swapped: (3, 2). From 1: (3, 4). Offset by the image: (200/448, 150/448) =
    # (0.44643, 0.33482). Size by the cell: (120/64, 80/64) = (1.875, 1.25).
    kind = registry.get("yolo-cell")
    p = kind.schema.validate({"image_wh": [448, 448], "grid": 7, "box": [200, 150, 120, 80], "box_format": "cxcywh",
                              "index_base": 0})
    assert [pt.answer for pt in kind.build(p).parts][0] == [2, 3]
    by_id = _mistakes("yolo-cell")
    assert by_id["row-column-swapped"].wrong(p) == {"cell": [3, 2]}
    assert by_id["wrong-index-base"].wrong(p) == {"cell": [3, 4]}
    assert by_id["offset-by-image"].wrong(p)["offset"] == pytest.approx([0.44643, 0.33482], abs=1e-5)
    assert by_id["size-by-cell"].wrong(p)["size"] == pytest.approx([1.875, 1.25])
    # a centre on the diagonal of the grid: row = column, so swapping them is no mistake
    q = kind.schema.validate({**p, "box": [200, 200, 120, 80]})
    assert by_id["row-column-swapped"].wrong(q) is None


# ---------------------------------------------------------------- average-precision and scenario-detection
def _raw_ap_sklearn(flags_by_score: list[int], num_gt: int) -> float:
    """AP without interpolation: scikit-learn's average_precision_score (Σ (R_n − R_(n−1)) P_n, no envelope) takes
    recall over the positives it sees; missed ground truths scale every ΔR by n_TP / N_GT."""
    from sklearn.metrics import average_precision_score

    n = len(flags_by_score)
    ntp = sum(flags_by_score)
    if ntp == 0:
        return 0.0
    return average_precision_score(flags_by_score, [n - k for k in range(n)]) * ntp / num_gt


def test_ap_without_interpolation_against_sklearn():
    by_id = _mistakes("average-precision")
    kind = registry.get("average-precision")
    from examgen.kinds.detection.average_precision import match_detections

    checked = 0
    for seed in SEEDS:
        p = kind.generate(seed).params
        got = by_id["ap-without-interpolation"].wrong(p)
        if got is None:
            continue
        flags, scores, classes = match_detections(p), p["scores"], p.get("classes")
        groups = [[i for i in range(len(scores)) if classes[i] == c] for c in (1, 2)] if classes else \
            [list(range(len(scores)))]
        want = [_raw_ap_sklearn([flags[i] for i in sorted(g, key=lambda i: -scores[i])], ngt)
                for g, ngt in zip(groups, p["num_gt"])]
        assert got["ap"] == pytest.approx(want if classes else want[0], abs=1e-12)
        checked += 1
    assert checked >= 20


def test_ap_duplicates_as_tp_hand_worked():
    # 3 ground truths; D1..D4 by descending score, IoU 0.8 (G1), 0.7 (G1), 0.3 (G2), 0.9 (G2), threshold 0.5.
    # Right: TP, FP (duplicate of G1), FP, TP. Counting the duplicate: TP, TP, FP, TP:
    # P = 1, 1, 2/3, 3/4; R = 1/3, 2/3, 2/3, 1; envelope at the TPs 1, 1, 3/4 → AP = (1 + 1 + 0.75)/3 = 0.91667;
    # the table shows those P and R.
    kind = registry.get("average-precision")
    p = kind.schema.validate({"scores": [0.9, 0.8, 0.7, 0.6], "num_gt": [3], "ious": [0.8, 0.7, 0.3, 0.9],
                              "gt_ids": [1, 1, 2, 2], "iou_threshold": 0.5, "ask": "table"})
    got = _mistakes("average-precision")["duplicates-as-tp"].wrong(p)
    assert got["ap"] == pytest.approx(2.75 / 3)
    assert got["precision"] == pytest.approx([1, 1, 2 / 3, 3 / 4])
    assert got["recall"] == pytest.approx([1 / 3, 2 / 3, 2 / 3, 1])
    # without a duplicate the mistake does not apply
    q = kind.schema.validate({**p, "gt_ids": [1, 3, 2, 2], "ious": [0.8, 0.7, 0.3, 0.4]})
    assert _mistakes("average-precision")["duplicates-as-tp"].wrong(q) is None


def test_scenario_detection_mistakes_against_independent_code():
    """The union without the minus is the iou kind's own wrong method; a duplicate counted as TP is every kept box
    whose best IoU (rasterized) reaches the threshold; raw AP from scikit-learn."""
    iou_mistake = _mistakes("iou")["union-keeps-intersection"]
    by_id = _mistakes("scenario-detection")
    applied = {"duplicates-as-tp": 0, "ap-without-interpolation": 0}
    for p, key in _problems("scenario-detection"):
        rows = [[iou_mistake.wrong({"box_a": pb, "box_b": gb, "box_format": "xyxy"}) for gb in p["gt"]]
                for pb in p["preds"]]
        want = [r[0] for r in rows] if len(p["gt"]) == 1 else rows
        assert np.allclose(by_id["union-keeps-intersection"].wrong(p)["iou"], want)
        index = {c: i for i, c in enumerate("ABCDEFGHIJ")}
        kept = [index[c] for c in key["kept"]]
        loose = sorted(c for c in key["kept"]
                       if max(_iou_np(p["preds"][index[c]], g) for g in p["gt"]) >= p["match_threshold"])
        got = by_id["duplicates-as-tp"].wrong(p)
        assert (got is None and loose == sorted(key["tp"])) or sorted(got["tp"]) == loose
        order = sorted(kept, key=lambda i: -p["scores"][i])
        raw = _raw_ap_sklearn([1 if "ABCDEFGHIJ"[i] in key["tp"] else 0 for i in order], len(p["gt"]))
        got_ap = by_id["ap-without-interpolation"].wrong(p)
        assert (got_ap is None and abs(raw - key["ap"]) < 1e-3) or got_ap["ap"] == pytest.approx(raw, abs=1e-12)
        for name, g in (("duplicates-as-tp", got), ("ap-without-interpolation", got_ap)):
            applied[name] += g is not None
    # the sampler redraws when AP equals the precision (issue 13), so raw AP differs from the key on few seeds
    assert min(applied.values()) >= 5, applied


# ---------------------------------------------------------------- morphology
def test_morphology_mistakes_against_scipy_and_opencv():
    """Swapped operations from scipy.ndimage; erosion with the outside counted as 1 is scipy's border_value=1 and
    OpenCV's default border for erode."""
    import cv2
    from scipy import ndimage as ndi

    from examgen.kinds.image_processing.morphology import ELEMENTS

    by_id = _mistakes("morphology")
    for p, key in _problems("morphology"):
        img = np.array(p["image"], bool)
        se = np.array(ELEMENTS[p["element"]], bool)
        ero = lambda a, b=0: ndi.binary_erosion(a, se, border_value=b)  # noqa: E731
        dil = lambda a: ndi.binary_dilation(a, se)  # noqa: E731
        op = p["operation"]
        got = by_id["erosion-dilation-swapped"].wrong(p)
        if op in ("erosion", "dilation"):
            assert np.array_equal(got[""], dil(img) if op == "erosion" else ero(img))
        elif op == "opening":
            assert np.array_equal(got["eroded"], dil(img)) and np.array_equal(got["result"], ero(dil(img)))
        else:
            assert np.array_equal(got["dilated"], ero(img)) and np.array_equal(got["result"], dil(ero(img)))
        before = dil(img) if op == "closing" else img
        one = ero(before, 1)
        assert np.array_equal(one, cv2.erode(before.astype(np.uint8), se.astype(np.uint8)).astype(bool))
        got = by_id["outside-counts-as-one"].wrong(p)
        if got is None:
            assert op == "dilation" or np.array_equal(one, ero(before))
        elif op == "erosion":
            assert np.array_equal(got[""], one)
        elif op == "opening":
            assert np.array_equal(got["eroded"], one) and np.array_equal(got["result"], dil(one))
        else:
            assert np.array_equal(got["result"], one)


# ---------------------------------------------------------------- smoothing-filter
def test_smoothing_mistakes_against_scipy():
    """Gaussian sum / 9 from scipy's correlate; the 5th value unsorted is the window's centre pixel."""
    from numpy.lib.stride_tricks import sliding_window_view
    from scipy.signal import correlate2d

    by_id = _mistakes("smoothing-filter")
    for p, _ in _problems("smoothing-filter"):
        img = np.array(p["image"], float)
        at = p.get("at")
        pick = (lambda a: float(a[at[0] - 1, at[1] - 1])) if at is not None else (lambda a: a.tolist())
        got = by_id["gaussian-divided-by-9"].wrong(p)
        if p["filter"] == "gaussian":
            assert np.allclose(got, pick(correlate2d(img, np.array(p["kernel"], float), mode="valid") / 9))
        else:
            assert got is None
        got = by_id["median-without-sorting"].wrong(p)
        fifth = sliding_window_view(img, (3, 3)).reshape(len(img) - 2, len(img[0]) - 2, 9)[:, :, 4]
        if p["filter"] == "compare":
            assert got["median"] == pick(fifth) == img[at[0], at[1]]
        elif p["filter"] == "median":
            assert np.allclose(got, pick(fifth))
        else:
            assert got is None


# ---------------------------------------------------------------- canny-steps
def _canny_key_stages(p):
    from examgen.kinds.image_processing.canny_steps import canny_nms, classify, quantize

    if p["ask"] == "threshold":
        return None, np.array(classify(p["magnitude"], p["low"], p["high"]))
    dirs = [[quantize(a) for a in row] for row in p["direction"]]
    return dirs, np.array(classify(canny_nms(p["magnitude"], dirs), p["low"], p["high"]))


def test_canny_hysteresis_mistakes_against_skimage():
    """scikit-image's apply_hysteresis_threshold links through ndimage.label's default 4-connectivity: the
    4-connected mistake. With an 8-connected structure, scipy gives the key."""
    from scipy import ndimage as ndi
    from skimage.filters import apply_hysteresis_threshold

    by_id = _mistakes("canny-steps")
    for p, key in _problems("canny-steps"):
        _, codes = _canny_key_stages(p)
        m = codes.astype(float)  # 2 strong, 1 weak, 0: thresholds between the codes
        four = apply_hysteresis_threshold(m, 0.5, 1.5).astype(int)
        labels, k = ndi.label(codes > 0, structure=np.ones((3, 3)))
        strong = set(np.unique(labels[codes == 2]))
        assert np.array_equal(np.isin(labels, list(strong - {0})).astype(int), key["edges"])
        got = by_id["hysteresis-4-connected"].wrong(p)
        assert (got is None and np.array_equal(four, key["edges"])) or np.array_equal(got["edges"], four)
        got = by_id["weak-edges-all-kept"].wrong(p)
        assert got is None or np.array_equal(got["edges"], (codes > 0).astype(int))


def test_canny_diagonals_y_down_against_a_direction_vector():
    """With y pointing down, the gradient at θ points to (row, column) offset (sin θ, cos θ) rounded: 45° compares
    lower right and upper left. NMS written from that vector, not from the kind's neighbour table."""
    by_id = _mistakes("canny-steps")
    checked = 0
    for p, key in _problems("canny-steps"):
        dirs, _ = _canny_key_stages(p)
        got = by_id["diagonals-y-down"].wrong(p)
        if dirs is None:
            assert got is None
            continue
        mag = np.array(p["magnitude"], float)
        pad = np.pad(mag, 1)
        out = np.zeros_like(mag)
        for i in range(mag.shape[0]):
            for j in range(mag.shape[1]):
                t = np.radians(dirs[i][j])
                di, dj = int(round(np.sin(t))), int(round(np.cos(t)))
                if mag[i, j] >= pad[i + 1 + di, j + 1 + dj] and mag[i, j] >= pad[i + 1 - di, j + 1 - dj]:
                    out[i, j] = mag[i, j]
        if got is None:
            assert np.array_equal(out, key["nms"])
        else:
            assert np.array_equal(got["nms"], out)
            checked += 1
    assert checked >= 10


# ---------------------------------------------------------------- scenario-image-pipeline
def test_image_pipeline_mistakes_against_scipy():
    """Sobel as convolution from scipy's convolve2d on the smoothed image; the truncated smoothing is the floor of
    scipy's weighted sums over the divisor; |G_x| + |G_y| from scipy's correlations."""
    from scipy.signal import convolve2d, correlate2d

    from examgen.kinds.image_processing._shared import OPERATORS
    from examgen.kinds.image_processing.scenario_image_pipeline import SMOOTHERS

    by_id = _mistakes("scenario-image-pipeline")
    kx, ky = (np.array(k, float) for k in OPERATORS["sobel"])
    for p, key in _problems("scenario-image-pipeline"):
        kernel, div = SMOOTHERS[p["smoothing"]]
        sums = correlate2d(np.array(p["image"], float), np.array(kernel, float), mode="valid")
        smooth = np.array(key["smooth"], float)
        got = by_id["sobel-as-convolution"].wrong(p)
        assert np.array_equal(got["gx"], convolve2d(smooth, kx, mode="valid"))
        assert np.array_equal(got["gy"], convolve2d(smooth, ky, mode="valid"))
        got = by_id["smoothing-truncated"].wrong(p)
        cut = np.floor(sums / div)
        assert (got is None and np.array_equal(cut, smooth)) or np.array_equal(got["smooth"], cut)
        got = by_id["l1-for-l2"].wrong(p)
        gx, gy = correlate2d(smooth, kx, mode="valid"), correlate2d(smooth, ky, mode="valid")
        if p["magnitude"] == "l2" and (gx * gy != 0).any():
            assert np.array_equal(got["magnitude"], np.abs(gx) + np.abs(gy))
        else:
            assert got is None


# ---------------------------------------------------------------- no diagnosis for other wrong values
@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 10_000), name=st.sampled_from(["yolo-cell", "scenario-image-pipeline", "nms"]),
       data=st.data())
def test_no_diagnosis_for_random_wrong_values(seed, name, data):
    """Random values of the key's own size and form: when none is near a mistake's value, no diagnosis."""
    kind = registry.get(name)
    pr = kind.generate(seed)

    def draw(v):
        if isinstance(v, list):
            return [draw(x) for x in v]
        if isinstance(v, str):
            return data.draw(st.sampled_from("ABCDEF"[:len(pr.params.get("boxes", "ABCDEF"))]))
        if isinstance(v, int) or float(v).is_integer():
            return int(v) + data.draw(st.integers(-6, 6))
        return float(v) * data.draw(st.floats(0.3, 1.7)) + data.draw(st.floats(-0.2, 0.2))

    wrong = {p.name: draw(p.answer) for p in pr.parts}
    if not any(_close_to(pr, n, v, wrong[n]) for _, vals in mistake_values(kind, pr.params) for n, v in vals.items()):
        text, _ = _answers(pr, wrong)
        assert grade(pr, text).to_json("en")["diagnosis"] == []


def _close_to(pr, name, mistake, given) -> bool:
    """Is the drawn answer the mistake's labels, or near its numbers (where the grader may rightly name it)?"""
    mistake, given = (mistake, given) if isinstance(mistake, list) else ([mistake], [given])
    if all(isinstance(x, str) for x in mistake):
        return mistake == given
    spec = next(p.spec for p in pr.parts if p.name == name)
    flat_m, flat_g = _flat(mistake), _flat(given)
    return len(flat_m) == len(flat_g) and all(_near(spec, g, m) for g, m in zip(flat_g, flat_m))
