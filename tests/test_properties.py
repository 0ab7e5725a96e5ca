"""Hypothesis properties of the core solvers over arbitrary valid parameters (not only generated ones)."""

from __future__ import annotations

import json

from hypothesis import assume, given, strategies as st

from examgen import registry
from examgen.errors import ParamError

small = st.integers(min_value=1, max_value=64)


@given(h=small, w=small, k=st.integers(1, 7), s=st.integers(1, 4), p=st.integers(0, 3), d=st.integers(1, 3),
       c=st.integers(1, 512))
def test_conv_output_sizes_are_positive_integers(h, w, k, s, p, d, c):
    eff = k + (k - 1) * (d - 1)
    assume(h + 2 * p >= eff and w + 2 * p >= eff)
    kind = registry.get("conv-output")
    pr = kind.from_params({"input_hw": [h, w], "in_channels": 3, "kernel": k, "stride": s, "padding": p,
                           "dilation": d, "out_channels": c})
    ho, wo, co = pr.answer
    assert all(isinstance(v, int) and v >= 1 for v in (ho, wo, co)) and co == c
    assert (ho - 1) * s + eff <= h + 2 * p < ho * s + eff  # the last window fits, one more would not


coord = st.integers(min_value=-20, max_value=40)


@given(a=st.tuples(coord, coord, st.integers(1, 30), st.integers(1, 30)),
       b=st.tuples(coord, coord, st.integers(1, 30), st.integers(1, 30)))
def test_iou_is_in_unit_interval_and_symmetric(a, b):
    kind = registry.get("iou")
    pa = kind.from_params({"box_a": list(a), "box_b": list(b), "box_format": "xywh"}).answer
    pb = kind.from_params({"box_a": list(b), "box_b": list(a), "box_format": "xywh"}).answer
    assert 0.0 <= pa <= 1.0 and abs(pa - pb) < 1e-12
    same = kind.from_params({"box_a": list(a), "box_b": list(a), "box_format": "xywh"}).answer
    assert same == 1.0


@given(tp=st.integers(0, 500), fp=st.integers(0, 500), fn=st.integers(0, 500), tn=st.integers(0, 500))
def test_metrics_in_unit_interval_or_a_clear_param_error(tp, fp, fn, tn):
    kind = registry.get("precision-recall")
    try:
        ans = kind.from_params({"tp": tp, "fp": fp, "fn": fn, "tn": tn}).answer
    except ParamError as exc:
        assert tp + fp == 0 or tp + fn == 0
        assert "undefined" in exc.message
        return
    assert all(0.0 <= v <= 1.0 for v in ans.values())
    assert min(ans["precision"], ans["recall"]) - 1e-12 <= ans["f1"] <= max(ans["precision"], ans["recall"]) + 1e-12


@given(counts=st.lists(st.integers(0, 20), min_size=2, max_size=12))
def test_otsu_threshold_splits_the_histogram(counts):
    assume(sum(1 for c in counts if c) >= 2)
    hist = [[lv, c] for lv, c in enumerate(counts)]
    ans = registry.get("otsu").from_params({"histogram": hist}).answer
    occupied = [lv for lv, c in hist if c]
    assert occupied[0] <= ans["threshold"] < occupied[-1]
    assert ans["variance"] >= 0


@given(img=st.lists(st.lists(st.integers(0, 255), min_size=4, max_size=4), min_size=4, max_size=4),
       op=st.sampled_from(["roberts", "prewitt", "sobel"]), mag=st.sampled_from(["l1", "l2"]))
def test_edge_magnitude_dominates_components(img, op, mag):
    from examgen.kinds.image_processing._shared import OPERATORS

    kx, ky = OPERATORS[op]
    ans = registry.get("edge-filter").from_params(
        {"operator": op, "image": img, "kernel_x": kx, "kernel_y": ky, "magnitude": mag}).answer
    for gx_row, gy_row, m_row in zip(ans["gx"], ans["gy"], ans["magnitude"]):
        for gx, gy, m in zip(gx_row, gy_row, m_row):
            assert m + 1e-9 >= max(abs(gx), abs(gy))
    # a constant image has no edges
    flat = registry.get("edge-filter").from_params(
        {"operator": op, "image": [[7] * 4] * 4, "kernel_x": kx, "kernel_y": ky, "magnitude": mag}).answer
    assert all(v == 0 for row in flat["magnitude"] for v in row)


@given(seed=st.integers(0, 2**63 - 1), name=st.sampled_from([k.name for k in registry.all_kinds()]))
def test_any_seed_gives_a_valid_reproducible_problem(seed, name):
    kind = registry.get(name)
    a = kind.generate(seed)
    b = kind.generate(seed)
    assert json.dumps(a.to_json(), sort_keys=True) == json.dumps(b.to_json(), sort_keys=True)
    assert kind.schema.validate(json.loads(json.dumps(a.params))) == json.loads(json.dumps(a.params))


@given(x=st.lists(st.floats(-3, 3, allow_nan=False), min_size=1, max_size=2))
def test_lstm_gates_stay_in_range(x):
    n = len(x)
    w = [[0.5] * (n + n)] * n
    params = {"x": x, "h_prev": [0.1] * n, "c_prev": [0.2] * n, "W_f": w, "W_i": w, "W_c": w, "W_o": w,
              "b_f": [0.0] * n, "b_i": [0.0] * n, "b_c": [0.0] * n, "b_o": [0.0] * n}
    ans = registry.get("lstm-step").from_params(params).answer
    for gate in ("f", "i", "o"):
        assert all(0 < v < 1 for v in ans[gate])
    assert all(-1 < v < 1 for v in ans["c_tilde"] + ans["h"])
