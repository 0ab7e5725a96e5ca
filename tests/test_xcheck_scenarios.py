"""Cross-checks of the comprehensive scenarios against independent computations: numpy array views and weight
arrays for the CNN, OpenCV's NMS and the VOC devkit AP formula for detection, scipy/OpenCV filters for the image
pipeline, numpy recurrent cells for the sequence, numpy batch norm and finite-difference gradients for the training
step. Each part is checked on its own, and carry-forward is tested: a wrong earlier part with a later part that
follows from it earns the later part's credit, a later part that is wrong both ways earns nothing."""

from __future__ import annotations

import json
import math

import cv2
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view
from scipy.ndimage import correlate
from scipy.special import log_softmax

from examgen import registry
from examgen.errors import ParamError
from examgen.grading import grade

SEEDS = range(520)
KINDS = ("scenario-cnn-design", "scenario-detection", "scenario-image-pipeline", "scenario-sequence",
         "scenario-training-step")


def _kind(name):
    return registry.get(name)


def _by(verdict):
    return {pv.name: pv for pv in verdict.parts}


def _f(x):
    return repr(float(x))


def _vec(values):
    return ", ".join(repr(float(v)) for v in np.atleast_1d(values))


def _matrix(rows):
    return "; ".join(" ".join(repr(float(v)) for v in r) for r in np.atleast_2d(rows))


def _correct_texts(pr):
    from examgen.selftest import submissions

    return dict(submissions(pr).correct)


def _away(follow, key):
    """A number far from both the carried-forward value and the key: wrong whichever way it is graded."""
    for d in (1.3, -1.3, 2.7, -2.7):
        v = float(follow) + d
        if abs(v - float(key)) > 0.1 + 0.02 * abs(float(key)):
            return _f(v)
    raise AssertionError("no far value")


def _check_carry(pr, answers, part, follow_text, wrong_text):
    """`answers` (wrong earlier parts) + `part` = follow_text earns full credit for `part`; wrong_text earns none."""
    kind = _kind(pr.kind)
    carry = kind.carry(pr.params)
    by = _by(grade(pr, {**answers, part: follow_text}, carry))
    plain = _by(grade(pr, {**answers, part: follow_text}, None))
    assert by[part].score == 1.0, (pr.kind, pr.seed, part, by[part].to_json("en"))
    assert by[part].carried or plain[part].score == 1.0
    by = _by(grade(pr, {**answers, part: wrong_text}, carry))
    assert by[part].score == 0.0, (pr.kind, pr.seed, part, wrong_text, by[part].to_json("en"))


# ====================================================================== scenario-cnn-design
def np_cnn(params):
    """Shapes by running numpy window views through the layers; parameters by counting weight arrays;
    receptive field by back-projecting one output index to input indices (1-D, square kernels)."""
    x = np.zeros(tuple(params["input"]), dtype=np.float32)
    shapes, counts = {}, {}
    c_in = params["input"][2]
    layers = [("conv1", params["conv1"]), ("pool1", params["pool1"]), ("conv2", params["conv2"])]
    if params.get("pool2") is not None:
        layers.append(("pool2", params["pool2"]))
    for name, cfg in layers:
        if name.startswith("conv"):
            k_out, k, s, pad = cfg
            xp = np.pad(x, ((pad, pad), (pad, pad), (0, 0)))
            win = sliding_window_view(xp, (k, k), axis=(0, 1))[::s, ::s]
            weights = np.zeros((k_out, c_in, k, k), dtype=np.float32)
            bias = np.zeros(k_out, dtype=np.float32)
            x = np.tensordot(win, weights, axes=([2, 3, 4], [1, 2, 3])) + bias
            counts[name] = weights.size + bias.size
            c_in = k_out
        else:
            f, s = cfg
            x = sliding_window_view(x, (f, f), axis=(0, 1))[::s, ::s].max(axis=(-2, -1))
        shapes[name] = list(x.shape)
    flat = x.reshape(-1)
    fc_w = np.zeros((params["fc"], flat.size))
    fc_b = np.zeros(params["fc"])
    counts["fc"] = fc_w.size + fc_b.size
    # receptive field: the input indices one conv2 output index depends on
    idx = {0}
    for k, s, pad in ((params["conv2"][1], params["conv2"][2], params["conv2"][3]),
                      (params["pool1"][0], params["pool1"][1], 0),
                      (params["conv1"][1], params["conv1"][2], params["conv1"][3])):
        idx = {i * s - pad + u for i in idx for u in range(k)}
    return shapes, counts, max(idx) - min(idx) + 1


def test_cnn_design_against_numpy():
    kind = _kind("scenario-cnn-design")
    seen = set()
    for seed in SEEDS:
        pr = kind.generate(seed)
        p = pr.params
        shapes, counts, rf = np_cnn(p)
        a = pr.answer
        for name, shape in shapes.items():
            assert a[name] == shape, (seed, name)
        assert a["conv1_params"] == counts["conv1"] and a["conv2_params"] == counts["conv2"]
        assert a["fc_params"] == counts["fc"]
        assert a["total"] == counts["conv1"] + counts["conv2"] + counts["fc"]
        assert a["rf"] == rf
        seen.add("pool2" if "pool2" in p else "no-pool2")
        seen.add(f"C{p['input'][2]}")
        seen.add("stride2" if p["conv1"][2] == 2 else "stride1")
    assert {"pool2", "no-pool2", "C1", "C3", "stride1", "stride2"} <= seen


def test_cnn_design_carry_forward():
    kind = _kind("scenario-cnn-design")
    for seed in range(150):
        pr = kind.generate(seed)
        p = pr.params
        a = pr.answer
        f, s = p["pool1"]
        wrong_conv1 = [a["conv1"][0] + s, a["conv1"][1] + s, a["conv1"][2]]
        follow = [(wrong_conv1[0] - f) // s + 1, (wrong_conv1[1] - f) // s + 1, wrong_conv1[2]]
        far = [v + 7 if v + 7 != k else v + 9 for v, k in zip(follow, a["pool1"])]
        _check_carry(pr, {"conv1": "x".join(map(str, wrong_conv1))}, "pool1", "x".join(map(str, follow)),
                     "x".join(map(str, far)))
        # the FC layer from a wrong last shape
        last = "pool2" if "pool2" in p else "conv2"
        wrong_last = [a[last][0] + 1, a[last][1] + 1, a[last][2]]
        fc_follow = int(np.prod(wrong_last)) * p["fc"] + p["fc"]
        _check_carry(pr, {last: "x".join(map(str, wrong_last))}, "fc_params", str(fc_follow), str(fc_follow + 3))
        # the total from wrong per-layer counts
        wrong = {"conv1_params": str(a["conv1_params"] + 10), "conv2_params": str(a["conv2_params"]),
                 "fc_params": str(a["fc_params"] + 1)}
        total = a["total"] + 11
        _check_carry(pr, wrong, "total", str(total), str(total + 5))


# ====================================================================== scenario-detection
def np_iou(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    wh = np.clip(rb - lt, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=1)
    return inter / (area_a[:, None] + area_b[None, :] - inter)


def devkit_ap(rec, prec):
    """VOC devkit (2010+) voc_ap with use_07_metric=False."""
    mrec = np.concatenate(([0.0], rec, [1.0]))
    mpre = np.concatenate(([0.0], prec, [0.0]))
    for i in range(mpre.size - 1, 0, -1):
        mpre[i - 1] = max(mpre[i - 1], mpre[i])
    i = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))


def ref_detection(p, ious=None, kept=None):
    preds, gts, scores = np.array(p["preds"]), np.array(p["gt"]), np.array(p["scores"])
    if ious is None:
        ious = np_iou(preds, gts)
    if kept is None:
        xywh = [[int(b[0]), int(b[1]), int(b[2] - b[0]), int(b[3] - b[1])] for b in preds]
        kept = [int(i) for i in np.array(cv2.dnn.NMSBoxes(xywh, scores.tolist(), 0.0, p["nms_threshold"])).ravel()]
    order = sorted(kept, key=lambda i: -scores[i])
    taken = np.zeros(len(gts), bool)
    tp = np.zeros(len(order))
    for r, i in enumerate(order):
        j = int(np.argmax(ious[i]))
        if ious[i, j] >= p["match_threshold"] and not taken[j]:
            tp[r], taken[j] = 1, True
    ctp = np.cumsum(tp)
    prec = ctp / np.arange(1, len(order) + 1)
    rec = ctp / len(gts)
    return {"ious": ious, "kept": set(kept), "tp": {order[r] for r in range(len(order)) if tp[r]},
            "precision": ctp[-1] / len(order), "recall": ctp[-1] / len(gts), "ap": devkit_ap(rec, prec)}


def test_detection_against_opencv_and_devkit():
    kind = _kind("scenario-detection")
    seen = set()
    for seed in SEEDS:
        pr = kind.generate(seed)
        p = pr.params
        ref = ref_detection(p)
        a = pr.answer
        iou = np.array(a["iou"], float)
        np.testing.assert_allclose(iou.reshape(ref["ious"].shape), ref["ious"], atol=1e-9)
        letters = "ABCDEFGHIJ"
        assert set(a["kept"]) == {letters[i] for i in ref["kept"]}, seed
        assert set(a["tp"]) == {letters[i] for i in ref["tp"]}, seed
        assert abs(a["precision"] - ref["precision"]) < 1e-9
        assert abs(a["recall"] - ref["recall"]) < 1e-9
        assert abs(a["ap"] - ref["ap"]) < 1e-9, (seed, a["ap"], ref["ap"])
        assert 0 < a["ap"] <= 1 and a["tp"] and len(a["kept"]) < len(p["preds"])
        # no IoU sits on a threshold, so rounding to 2 decimals cannot flip a decision
        assert np.all(np.abs(ref["ious"] - 0.5) >= 0.03)
        seen.add(len(p["gt"]))
        if a["ap"] < 1 and ref["recall"] < 1:
            seen.add("missed")
    assert {1, 2, "missed"} <= seen


_box = st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(3, 20), st.integers(3, 20)).map(
    lambda t: [t[0], t[1], t[0] + t[2], t[1] + t[3]])


@st.composite
def _det_case(draw):
    """Ground truths, and predictions that are mostly small shifts of them (as a detector's are)."""
    gts = draw(st.lists(_box, min_size=1, max_size=2))
    preds = []
    for _ in range(draw(st.integers(2, 6))):
        if draw(st.booleans()):
            preds.append(draw(_box))
        else:
            gt = draw(st.sampled_from(gts))
            d = draw(st.lists(st.integers(-2, 2), min_size=4, max_size=4))
            box = [v + dv for v, dv in zip(gt, d)]
            preds.append(box if box[2] > box[0] and box[3] > box[1] else list(gt))
    scores = draw(st.lists(st.integers(30, 99), min_size=len(preds), max_size=len(preds), unique=True))
    return gts, preds, [v / 100 for v in scores], draw(st.sampled_from([0.3, 0.4, 0.5, 0.6]))


@settings(max_examples=500, deadline=None)
@given(case=_det_case())
@example(case=([[0, 0, 10, 10]], [[0, 0, 10, 10], [0, 0, 10, 5], [20, 20, 30, 30]], [0.9, 0.8, 0.7], 0.5))  # IoU = thr
@example(case=([[0, 0, 10, 10], [20, 20, 30, 30]], [[0, 0, 10, 10], [20, 20, 30, 30], [0, 0, 10, 9]],
               [0.9, 0.8, 0.7], 0.5))  # perfect precision and recall
def test_detection_sampler_filter_agrees_with_reference(case):
    """The sampler's quick test of an interesting problem (NMS removes some but not all, some TP, not perfect)
    decides as the classic py_cpu_nms loop and the devkit matching do. (Random boxes can sit exactly on a
    threshold, where OpenCV's float32 IoU may round either way, so the NMS here is the float64 reference loop.)"""
    from examgen.kinds.detection.scenario_detection import _det_interesting

    gts, preds, scores, thr = case
    params = {"gt": gts, "preds": preds, "scores": scores, "nms_threshold": thr, "match_threshold": 0.5}
    boxes, order, kept = np.array(preds, float), np.argsort(-np.array(scores)), []
    while order.size:
        kept.append(int(order[0]))
        order = order[1:][np_iou(boxes[[order[0]]], boxes[order[1:]])[0] <= thr]
    ref = ref_detection(params, kept=kept)
    expected = (1 < len(ref["kept"]) < len(preds) and bool(ref["tp"])
                and not (ref["precision"] == 1 and ref["recall"] == 1))
    assert _det_interesting(gts, preds, scores, thr) == expected


def test_detection_carry_forward():
    kind = _kind("scenario-detection")
    letters = "ABCDEFGHIJ"
    checked = 0
    for seed in range(200):
        pr = kind.generate(seed)
        p = pr.params
        a = pr.answer
        ious = np.array(a["iou"], float).reshape(len(p["preds"]), len(p["gt"]))
        kept_idx = [letters.index(x) for x in a["kept"]]
        fps = [i for i in kept_idx if letters[i] not in a["tp"]]
        wrong = ious.copy()
        if fps and seed % 2 == 0:
            # the student over-estimates the IoU of a false positive
            i = max(fps, key=lambda k: p["scores"][k])
            wrong[i] = 0.0
            wrong[i, 0] = 0.8
        else:
            # the student under-estimates the IoU of the highest-scoring true positive
            first_tp = letters.index(sorted(a["tp"], key=lambda x: -p["scores"][letters.index(x)])[0])
            wrong[first_tp] = 0.3
        ref = ref_detection(p, ious=wrong, kept=kept_idx)
        iou_text = _vec(wrong[:, 0]) if len(p["gt"]) == 1 else _matrix(wrong)
        base = {"iou": iou_text, "kept": " ".join(a["kept"])}
        follow_tp = [letters[i] for i in sorted(ref["tp"])]
        if not follow_tp:
            continue
        cands = [list(letters[:len(p["preds"])]), [letters[0]], [letters[1]], [letters[0], letters[1]]]
        far = next(c for c in cands if set(c) != set(follow_tp) and set(c) != set(a["tp"]))
        _check_carry(pr, base, "tp", " ".join(follow_tp), " ".join(far))
        answers = {**base, "tp": " ".join(follow_tp)}
        _check_carry(pr, answers, "precision", _f(ref["precision"]), _away(ref["precision"], a["precision"]))
        _check_carry(pr, answers, "recall", _f(ref["recall"]), _away(ref["recall"], a["recall"]))
        _check_carry(pr, answers, "ap", _f(ref["ap"]), _away(ref["ap"], a["ap"]))
        checked += 1
    assert checked > 100


# ====================================================================== scenario-image-pipeline
KERNELS = {"mean": (np.ones((3, 3)), 9), "gaussian": (np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], float), 16)}


def ref_image(p, smooth=None):
    img = np.array(p["image"], float)
    kernel, div = KERNELS[p["smoothing"]]
    if smooth is None:
        smooth = np.floor(correlate(img, kernel, mode="constant")[1:-1, 1:-1] / div + 0.5)
        if p["smoothing"] == "mean":  # OpenCV's box filter on 8-bit images rounds the same way
            assert np.array_equal(cv2.blur(img.astype(np.uint8), (3, 3))[1:-1, 1:-1], smooth)
    smooth = np.asarray(smooth, float)
    gx = cv2.Sobel(smooth, cv2.CV_64F, 1, 0, ksize=3)[1:-1, 1:-1]
    gy = cv2.Sobel(smooth, cv2.CV_64F, 0, 1, ksize=3)[1:-1, 1:-1]
    mag = np.hypot(gx, gy) if p["magnitude"] == "l2" else np.abs(gx) + np.abs(gy)
    return {"smooth": smooth, "gx": gx, "gy": gy, "magnitude": mag, "edges": (mag >= p["threshold"]).astype(int)}


def test_image_pipeline_against_scipy_and_opencv():
    kind = _kind("scenario-image-pipeline")
    seen = set()
    for seed in SEEDS:
        pr = kind.generate(seed)
        p = pr.params
        ref = ref_image(p)
        a = pr.answer
        for key in ("smooth", "gx", "gy", "magnitude", "edges"):
            np.testing.assert_allclose(np.array(a[key], float), ref[key], atol=1e-9, err_msg=f"{seed} {key}")
        # the threshold is at least 1 away from every magnitude
        assert np.all(np.abs(ref["magnitude"] - p["threshold"]) >= 1 - 1e-9)
        if ref["edges"].size > 1:
            assert 0 < ref["edges"].sum() < ref["edges"].size, "the edge map shows both classes"
        seen.update({p["smoothing"], p["magnitude"], ref["edges"].shape})
    assert {"mean", "gaussian", "l1", "l2", (1, 1), (1, 2), (2, 1)} <= seen


def test_image_pipeline_carry_forward():
    kind = _kind("scenario-image-pipeline")
    for seed in range(150):
        pr = kind.generate(seed)
        p = pr.params
        a = pr.answer
        wrong_s = np.array(a["smooth"], float)
        wrong_s[1, 1] += 2
        ref = ref_image(p, smooth=wrong_s)
        base = {"smooth": _matrix(wrong_s)}
        for part in ("gx", "gy"):
            key = np.array(a[part], float)
            far = ref[part] + np.where(ref[part] + 50 == key, 60, 50)
            _check_carry(pr, base, part, _matrix(ref[part]), _matrix(far))
        wrong_g = {"gx": _matrix(ref["gx"]), "gy": _matrix(ref["gy"])}
        key = np.array(a["magnitude"], float)
        far = ref["magnitude"] + np.where(np.abs(ref["magnitude"] + 40 - key) < 1, 55, 40)
        _check_carry(pr, {**base, **wrong_g}, "magnitude", _matrix(ref["magnitude"]), _matrix(far))
        # the edge map from a (wrong) magnitude map: everything above the threshold
        wrong_mag = np.array(a["magnitude"], float) * 0 + p["threshold"] + 5
        edges_follow = np.ones_like(wrong_mag, int)
        answers = {**base, **wrong_g, "magnitude": _matrix(wrong_mag)}
        by = _by(grade(pr, {**answers, "edges": _matrix(edges_follow)}, kind.carry(p)))
        assert by["edges"].score == 1.0


# ====================================================================== scenario-sequence
def _sig(x):
    return 1 / (1 + np.exp(-x))


def np_lstm(p, x, h, c):
    v = np.concatenate([h, x])
    f = _sig(np.array(p["W_f"]) @ v + p["b_f"])
    i = _sig(np.array(p["W_i"]) @ v + p["b_i"])
    g = np.tanh(np.array(p["W_c"]) @ v + p["b_c"])
    o = _sig(np.array(p["W_o"]) @ v + p["b_o"])
    c = f * c + i * g
    return o * np.tanh(c), c, o


def np_gru_pytorch(p, x, h):
    """PyTorch's form h' = (1 − z') n + z' h with z' = 1 − z (the course's update-gate weights negated)."""
    v = np.concatenate([h, x])
    z_t = _sig(-(np.array(p["W_z"]) @ v + p["b_z"]))
    r = _sig(np.array(p["W_r"]) @ v + p["b_r"])
    n = np.tanh(np.array(p["W_h"]) @ np.concatenate([r * h, x]) + p["b_h"])
    return (1 - z_t) * n + z_t * h, 1 - z_t, n


def test_sequence_against_numpy():
    kind = _kind("scenario-sequence")
    seen = set()
    for seed in SEEDS:
        pr = kind.generate(seed)
        p = pr.params
        a = pr.answer
        xs = np.array(p["xs"], float)
        h = np.array(p["h0"], float)
        gates = {"lstm": 4, "gru": 3}[p["cell"]]
        if p["cell"] == "lstm":
            c = np.array(p["c0"], float)
            h1, c1, _ = np_lstm(p, xs[0], h, c)
            h2, c2, _ = np_lstm(p, xs[1], h1, c1)
            for key, ref in (("c1", c1), ("h1", h1), ("c2", c2), ("h2", h2)):
                np.testing.assert_allclose(a[key], ref, atol=1e-9, err_msg=f"{seed} {key}")
        else:
            h1, z1, n1 = np_gru_pytorch(p, xs[0], h)
            h2, _, _ = np_gru_pytorch(p, xs[1], h1)
            for key, ref in (("z1", z1), ("h_tilde1", n1), ("h1", h1), ("h2", h2)):
                np.testing.assert_allclose(a[key], ref, atol=1e-9, err_msg=f"{seed} {key}")
        hid, inp = p["deploy"]
        arrays = [np.zeros((hid, hid + inp)), np.zeros(hid)] * gates
        assert a["params"] == sum(x.size for x in arrays)
        seen.add((p["cell"], len(p["h0"]), len(p["xs"][0])))
    assert {("lstm", 1, 1), ("gru", 1, 1), ("lstm", 2, 2), ("gru", 2, 1)} <= seen


def test_sequence_carry_forward():
    kind = _kind("scenario-sequence")
    for seed in range(150):
        pr = kind.generate(seed)
        p = pr.params
        a = pr.answer
        xs = np.array(p["xs"], float)
        h0 = np.array(p["h0"], float)
        if p["cell"] == "lstm":
            wrong_c1 = np.array(a["c1"]) + 0.3
            _, _, o1 = np_lstm(p, xs[0], h0, np.array(p["c0"], float))
            h1_follow = o1 * np.tanh(wrong_c1)
            _check_carry(pr, {"c1": _vec(wrong_c1)}, "h1", _vec(h1_follow), _vec(h1_follow + 0.9))
            h2_follow, c2_follow, _ = np_lstm(p, xs[1], h1_follow, wrong_c1)
            base = {"c1": _vec(wrong_c1), "h1": _vec(h1_follow)}
            _check_carry(pr, base, "c2", _vec(c2_follow), _vec(c2_follow + 0.9))
            _check_carry(pr, {**base, "c2": _vec(c2_follow)}, "h2", _vec(h2_follow), _vec(h2_follow + 0.9))
        else:
            wrong_z = np.array(a["z1"]) + 0.2
            h1_follow = (1 - wrong_z) * h0 + wrong_z * np.array(a["h_tilde1"])
            base = {"z1": _vec(wrong_z), "h_tilde1": _vec(a["h_tilde1"])}
            _check_carry(pr, base, "h1", _vec(h1_follow), _vec(h1_follow + 0.9))
            h2_follow, _, _ = np_gru_pytorch(p, xs[1], h1_follow)
            _check_carry(pr, {**base, "h1": _vec(h1_follow)}, "h2", _vec(h2_follow), _vec(h2_follow + 0.9))


# ====================================================================== scenario-training-step
def ref_training(p, bn=None, d=None):
    a = np.array(p["a"], float)
    if bn is None:
        bn = p["gamma"] * (a - a.mean()) / np.sqrt(a.var()) + p["beta"]
    if d is None:
        d = np.array(p["mask"]) * bn / p["keep"]
    w0 = np.array(p["w"], float)
    b = np.array(p["b"], float)
    out = {"bn": bn, "dropout": d}
    if p["loss"] == "mse":
        t = np.array(p["targets"], float)

        def loss(w):
            return float(np.mean((w * d + b[0] - t) ** 2))

        j = 0
    else:
        s, c, j = p["sample"] - 1, p["label"] - 1, p["update"] - 1
        out["probs"] = np.exp(log_softmax(w0 * d[s] + b))

        def loss(w):
            ww = w0.copy()
            ww[j] = w
            return float(-log_softmax(ww * d[s] + b)[c])

    eps = 1e-6
    out["loss"] = loss(w0[j])
    out["grad"] = (loss(w0[j] + eps) - loss(w0[j] - eps)) / (2 * eps)
    g, lr = out["grad"], p["lr"]
    if p["optimizer"] == "sgd":
        out["w_new"] = w0[j] - lr * g
    elif p["momentum_form"] == "add-grad":
        out["w_new"] = w0[j] - lr * (p["momentum"] * p["velocity"] + g)
    else:
        out["w_new"] = w0[j] + p["momentum"] * p["velocity"] - lr * g
    return out


def test_training_step_against_numpy_and_finite_differences():
    kind = _kind("scenario-training-step")
    seen = set()
    for seed in SEEDS:
        pr = kind.generate(seed)
        p = pr.params
        ref = ref_training(p)
        a = pr.answer
        np.testing.assert_allclose(a["bn"], ref["bn"], atol=1e-9)
        np.testing.assert_allclose(a["dropout"], ref["dropout"], atol=1e-9)
        if p["loss"] == "ce":
            np.testing.assert_allclose(a["probs"], ref["probs"], atol=1e-9)
        assert abs(a["loss"] - ref["loss"]) < 1e-9
        assert abs(a["grad"] - ref["grad"]) < 1e-6, (seed, a["grad"], ref["grad"])
        assert abs(a["w_new"] - ref["w_new"]) < 1e-6
        assert abs(a["grad"]) >= 0.01
        seen.update({p["loss"], p["optimizer"], p.get("momentum_form")})
    assert {"mse", "ce", "sgd", "momentum", "add-grad", "sub-lr"} <= seen


def test_training_step_carry_forward():
    kind = _kind("scenario-training-step")
    for seed in range(150):
        pr = kind.generate(seed)
        p = pr.params
        a = pr.answer
        wrong_bn = np.array(a["bn"]) + 0.5
        ref = ref_training(p, bn=wrong_bn)
        _check_carry(pr, {"bn": _vec(wrong_bn)}, "dropout", _vec(ref["dropout"]), _vec(ref["dropout"] + 2.5))
        wrong_d = np.array(a["dropout"]) * 1.5 + 0.2
        ref = ref_training(p, d=wrong_d)
        base = {"bn": _vec(a["bn"]), "dropout": _vec(wrong_d)}
        if p["loss"] == "mse":
            _check_carry(pr, base, "loss", _f(ref["loss"]), _away(ref["loss"], a["loss"]))
            _check_carry(pr, base, "grad", _f(ref["grad"]), _away(ref["grad"], a["grad"]))
        else:
            probs = ref["probs"]
            _check_carry(pr, base, "probs", _vec(probs), _vec(probs + 0.5))
            wrong_p = np.array(a["probs"]) * 0.5 + 0.1
            pb = {**base, "probs": _vec(wrong_p)}
            c, j, s = p["label"] - 1, p["update"] - 1, p["sample"] - 1
            _check_carry(pr, pb, "loss", _f(-math.log(wrong_p[c])), _away(-math.log(wrong_p[c]), a["loss"]))
            g = (wrong_p[j] - (j == c)) * wrong_d[s]
            _check_carry(pr, pb, "grad", _f(g), _away(g, a["grad"]))
        wrong_g = a["grad"] + 0.7
        j = p["update"] - 1 if p["loss"] == "ce" else 0
        w0 = p["w"][j]
        if p["optimizer"] == "sgd":
            follow = w0 - p["lr"] * wrong_g
        elif p["momentum_form"] == "add-grad":
            follow = w0 - p["lr"] * (p["momentum"] * p["velocity"] + wrong_g)
        else:
            follow = w0 + p["momentum"] * p["velocity"] - p["lr"] * wrong_g
        _check_carry(pr, {"grad": _f(wrong_g)}, "w_new", _f(follow), _away(follow, a["w_new"]))


# ====================================================================== shared properties
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**63 - 1), name=st.sampled_from(KINDS))
def test_deterministic_schema_stable_and_comprehensive(seed, name):
    kind = _kind(name)
    a, b = kind.generate(seed), kind.generate(seed)
    assert a.to_json() == b.to_json()
    params = json.loads(json.dumps(a.params))
    assert kind.schema.validate(params) == params
    assert kind.from_params(params).answer == a.answer
    assert a.section == "comprehensive" and 10 <= a.points <= 15 and len(a.parts) >= 4
    assert all(step.part in {p.name for p in a.parts} for step in a.steps), "every step names its part"
    assert any(p.depends_on for p in a.parts)
    # the full correct submission gets full marks, also with carry-forward switched on
    assert grade(a, _correct_texts(a), kind.carry(a.params)).score == 1.0


@pytest.mark.parametrize("name", KINDS)
def test_example_solves(name):
    kind = _kind(name)
    pr = kind.from_params(dict(kind.example))
    assert pr.parts and pr.steps


@pytest.mark.parametrize("name,params", [
    ("scenario-cnn-design", {"input": [8, 8, 3], "conv1": [6, 7, 1, 0], "pool1": [2, 2], "conv2": [16, 5, 1, 0],
                             "fc": 10}),
    ("scenario-detection", {"gt": [[0, 0, 10, 10]], "preds": [[0, 0, 10, 10], [1, 1, 9, 9]], "scores": [0.5, 0.5],
                            "nms_threshold": 0.5, "match_threshold": 0.5}),
    ("scenario-detection", {"gt": [[0, 0, 10, 10]], "preds": [[5, 5, 2, 9], [1, 1, 9, 9]], "scores": [0.5, 0.4],
                            "nms_threshold": 0.5, "match_threshold": 0.5}),
    ("scenario-image-pipeline", {"image": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "smoothing": "mean",
                                 "magnitude": "l2", "threshold": 3}),
    ("scenario-sequence", {"cell": "gru", "xs": [[1.0], [0.5]], "h0": [0.0], "W_z": [[0.5, 0.4]],
                           "W_r": [[0.3, 0.8]], "b_z": [0.1], "b_r": [0.0], "b_h": [0.0], "deploy": [8, 4]}),
    ("scenario-training-step", {"a": [1.0, 1.0, 1.0, 1.0], "gamma": 1.0, "beta": 0.0, "keep": 0.8,
                                "mask": [1, 0, 1, 1], "loss": "mse", "w": [0.5], "b": [0.1],
                                "targets": [0.0, 1.0, 1.0, 2.0], "optimizer": "sgd", "lr": 0.1}),
    ("scenario-training-step", {"a": [1.0, 2.0, 3.0, 4.0], "gamma": 1.0, "beta": 0.0, "keep": 0.8,
                                "mask": [1, 0, 1, 1], "loss": "ce", "w": [0.5, 0.1], "b": [0.1, 0.0],
                                "sample": 1, "label": 3, "update": 1, "optimizer": "sgd", "lr": 0.1}),
])
def test_bad_params_are_one_line_param_errors(name, params):
    with pytest.raises(ParamError) as exc:
        _kind(name).from_params(params)
    assert "\n" not in str(exc.value)
