"""Cross-checks of the kind `scenario-cnn-design` (Comprehensive: designing a small CNN).

The notes on the references, shared with the kinds it was first checked with:
Cross-checks of the comprehensive scenarios against independent computations: numpy array views and weight
arrays for the CNN, OpenCV's NMS and the VOC devkit AP formula for detection, scipy/OpenCV filters for the image
pipeline, numpy recurrent cells for the sequence, numpy batch norm and finite-difference gradients for the training
step. Each part is checked on its own, and carry-forward is tested: a wrong earlier part with a later part that
follows from it earns the later part's credit, a later part that is wrong both ways earns nothing."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from tests.kinds._refs import _check_carry, _kind, example_solves, one_line_param_error, scenario_properties


SEEDS = range(520)


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
        # conv2's parameters from a wrong channel count of pool1 (its input): (k² C + 1) K, written here
        n2, k2 = p["conv2"][0], p["conv2"][1]
        wrong_pool1 = [a["pool1"][0], a["pool1"][1], a["pool1"][2] * 2]
        conv2_follow = (k2 * k2 * wrong_pool1[2] + 1) * n2
        _check_carry(pr, {"pool1": "x".join(map(str, wrong_pool1))}, "conv2_params", str(conv2_follow),
                     str(conv2_follow + n2))
        # the total from wrong per-layer counts
        wrong = {"conv1_params": str(a["conv1_params"] + 10), "conv2_params": str(a["conv2_params"]),
                 "fc_params": str(a["fc_params"] + 1)}
        total = a["total"] + 11
        _check_carry(pr, wrong, "total", str(total), str(total + 5))


BAD_PARAMS = [
    {"input": [8, 8, 3], "conv1": [6, 7, 1, 0], "pool1": [2, 2], "conv2": [16, 5, 1, 0],
                                 "fc": 10},
]


@pytest.mark.parametrize("raw", BAD_PARAMS)
def test_bad_params_are_one_line_param_errors(raw):
    one_line_param_error("scenario-cnn-design", raw)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_deterministic_schema_stable_and_comprehensive(seed):
    scenario_properties("scenario-cnn-design", seed)


def test_example_solves():
    example_solves("scenario-cnn-design")


def test_a_carried_part_shows_what_was_typed_not_the_key():
    """'✓ pool1: 16×16×4' next to a typed 16x16x8 read as if the key had been typed: the line shows the answer."""
    from examgen.grading import grade
    from examgen.ui.render import verdict_view
    from rich.console import Console

    kind = _kind("scenario-cnn-design")
    pr = kind.generate(1)
    a, (f, s) = pr.answer, pr.params["pool1"]
    conv1 = [a["conv1"][0], a["conv1"][1], a["conv1"][2] * 2]
    pool1 = f"{(conv1[0] - f) // s + 1}x{(conv1[1] - f) // s + 1}x{conv1[2]}"
    v = grade(pr, {"conv1": "x".join(map(str, conv1)), "pool1": pool1}, kind.carry(pr.params))
    con = Console(width=100, record=True, color_system=None)
    con.print(verdict_view(v, pr, "en"))
    line = next(ln for ln in con.export_text().splitlines() if "pool1:" in ln)
    assert line.strip() == f"✓ pool1: {pool1}"
