"""The typical mistakes of the RNN kinds and of skip-fusion-channels / spp-length (issue 12 item 2), each checked
against an independent statement of the wrong method: numpy / scipy forward passes done the wrong way,
parameter counts from the list of weight tensors (PyTorch's layout), real pyramid pooling of an array, or a
hand-worked example with the arithmetic in a comment. `tests/test_mistakes.py` checks the grader names them."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings, strategies as st
from scipy.special import expit, logit

from examgen import registry
from examgen.grading import grade
from test_mistakes import _answers, _flat, _near  # the helpers of the generic mistake tests

SEEDS = range(200)


def _by_id(name: str) -> dict:
    return {m.id: m for m in registry.get(name).mistakes}


def _close(a, b) -> bool:
    return np.allclose(np.array(a, float), np.array(b, float), rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- rnn-step
def _np_rnn(p: dict, act=np.tanh, bias: bool = True, recurrent: bool = True, out_act=None) -> dict:
    """A vanilla RNN in numpy, with the misconception switched on by the arguments."""
    whh, wxh, b = np.array(p["W_hh"]), np.array(p["W_xh"]), np.array(p["b"]) * bias
    h0 = h = np.array(p["h0"])
    out = {}
    for t, x in enumerate(np.array(p["xs"]), start=1):
        h = act(whh @ (h if recurrent else h0) + wxh @ x + b)
        out[f"h{t}"] = h
    if p.get("W_hy") is not None:
        y = np.array(p["W_hy"]) @ h + np.array(p["b_y"]) * bias
        out["y"] = out_act(y) if out_act else y
    return out


def _agree(mine: dict | None, theirs: dict) -> bool:
    return mine is not None and all(_close(v, theirs[k]) for k, v in mine.items())


def test_rnn_step_mistakes_against_numpy():
    by_id = _by_id("rnn-step")
    seen = set()
    for seed in SEEDS:
        p = registry.get("rnn-step").generate(seed).params
        assert _agree(by_id["sigmoid-for-tanh"].wrong(p), _np_rnn(p, act=expit))
        if any(p["b"]) or any(p.get("b_y") or ()):
            assert _agree(by_id["forgot-bias"].wrong(p), _np_rnn(p, bias=False))
        if len(p["xs"]) == 2:
            assert _agree(by_id["no-recurrence"].wrong(p), _np_rnn(p, recurrent=False))
            seen.add("no-recurrence")
        tanh_y = by_id["output-with-tanh"].wrong(p)
        if tanh_y is not None:
            assert _agree(tanh_y, {"y": _np_rnn(p, out_act=np.tanh)["y"]})
            seen.add("output-with-tanh")
    assert seen == {"no-recurrence", "output-with-tanh"}


def test_rnn_step_hand_worked():
    # W_hh = 0.5, W_xh = 1, b = 0.2, h0 = 0, x = (1, -0.5), W_hy = 2, b_y = -0.5:
    # no recurrence: h2 = tanh(1·(-0.5) + 0.2) = tanh(-0.3) = -0.291313; the key feeds h1 = tanh(1.2) = 0.833655
    # into h2 = tanh(0.5·0.833655 - 0.3) = tanh(0.116827) = 0.116298
    p = registry.get("rnn-step").example
    h2 = _by_id("rnn-step")["no-recurrence"].wrong(p)["h2"][0]
    assert round(h2, 6) == -0.291313
    assert round(registry.get("rnn-step").from_params(p).parts[1].answer[0], 4) == 0.1163


# ---------------------------------------------------------------- scenario-sequence
def _np_lstm(p: dict, x, h, c, rule: str | None = None, bias: bool = True):
    z = np.concatenate([h, x])
    g = {k: np.array(p[f"W_{k}"]) @ z + np.array(p[f"b_{k}"]) * bias for k in "fico"}
    f, i, o = expit(g["f"]), expit(g["i"]), expit(g["o"])
    cand = expit(g["c"]) if rule == "candidate-sigmoid" else np.tanh(g["c"])
    if rule == "gates-swapped":
        f, i = i, f
    c = f * c + i * cand
    return (o * c if rule == "hidden-without-tanh" else o * np.tanh(c)), c


def _np_gru(p: dict, x, h, rule: str | None = None, bias: bool = True):
    z_in = np.concatenate([h, x])
    z = expit(np.array(p["W_z"]) @ z_in + np.array(p["b_z"]) * bias)
    r = expit(np.array(p["W_r"]) @ z_in + np.array(p["b_r"]) * bias)
    if rule == "candidate-without-reset":
        r = np.ones_like(r)
    cand = np.tanh(np.array(p["W_h"]) @ np.concatenate([r * h, x]) + np.array(p["b_h"]) * bias)
    h_new = z * h + (1 - z) * cand if rule == "z-reversed" else (1 - z) * h + z * cand
    return z, cand, h_new


def _np_sequence(p: dict, rule: str | None = None, bias: bool = True) -> dict:
    x1, x2 = np.array(p["xs"])
    h0 = np.array(p["h0"])
    if p["cell"] == "lstm":
        h1, c1 = _np_lstm(p, x1, h0, np.array(p["c0"]), rule, bias)
        h2, c2 = _np_lstm(p, x2, h1, c1, rule, bias)
        return {"c1": c1, "h1": h1, "c2": c2, "h2": h2}
    z1, t1, h1 = _np_gru(p, x1, h0, rule, bias)
    return {"z1": z1, "h_tilde1": t1, "h1": h1, "h2": _np_gru(p, x2, h1, rule, bias)[2]}


def _tensor_count(shapes) -> int:
    return int(sum(np.prod(s) for s in shapes))


def test_scenario_sequence_mistakes_against_numpy():
    by_id = _by_id("scenario-sequence")
    lstm_rules = ("candidate-sigmoid", "gates-swapped", "hidden-without-tanh")
    for seed in SEEDS:
        p = registry.get("scenario-sequence").generate(seed).params
        lstm = p["cell"] == "lstm"
        for rule in lstm_rules + ("z-reversed", "candidate-without-reset"):
            mine = by_id[rule].wrong(p)
            if (rule in lstm_rules) != lstm:
                assert mine is None
            elif mine is not None:
                assert _agree(mine, _np_sequence(p, rule)), (seed, rule)
        assert _agree(by_id["forgot-bias"].wrong(p), _np_sequence(p, bias=False))
        # parameter counts from the weight tensors: W (G·h × x), U (G·h × h), one bias (G·h)
        hid, inp = p["deploy"]
        g = 4 if lstm else 3
        assert by_id["gates-only-count"].wrong(p)["params"] == _tensor_count(
            [((g - 1) * hid, inp), ((g - 1) * hid, hid), ((g - 1) * hid,)])
        assert by_id["forgot-recurrent-weights"].wrong(p)["params"] == _tensor_count([(g * hid, inp), (g * hid,)])


# ---------------------------------------------------------------- recurrent-params
def _layer_tensors(g: int, h: int, x: int, biases: int, recurrent: bool = True) -> list[tuple[int, ...]]:
    """PyTorch's weight_ih (G·h × x), weight_hh (G·h × h) and `biases` bias vectors (G·h) of one layer."""
    return [(g * h, x)] + ([(g * h, h)] if recurrent else []) + [(g * h,)] * biases


def _count(p: dict, g: dict, biases: int, recurrent: bool = True, fc_bias: bool = True, x2: int | None = None
           ) -> dict:
    h, x, ask = p["hidden"], p["input"], p["ask"]
    if ask == "layer":
        one = _tensor_count(_layer_tensors(1, h, x, biases, recurrent))
        return {"per_gate": one, "layer": _tensor_count(_layer_tensors(g[p["cell"]], h, x, biases, recurrent))}
    if ask == "compare":
        lstm, gru = (_tensor_count(_layer_tensors(g[c], h, x, biases, recurrent)) for c in ("lstm", "gru"))
        return {"lstm": lstm, "gru": gru, "difference": lstm - gru}
    first = _tensor_count(_layer_tensors(g[p["cell"]], h, x, biases, recurrent))
    if ask == "output":
        k = p["outputs"]
        out = _tensor_count([(k, h)] + [(k,)] * fc_bias)
        return {"layer": first, "output": out, "total": first + out}
    second = _tensor_count(_layer_tensors(g[p["cell"]], h, x2 or h, biases, recurrent))
    return {"layer1": first, "layer2": second, "total": first + second}


def test_recurrent_params_mistakes_against_tensor_lists():
    by_id = _by_id("recurrent-params")
    g, gates_only = {"rnn": 1, "gru": 3, "lstm": 4}, {"rnn": 1, "gru": 2, "lstm": 3}
    for seed in SEEDS:
        kind = registry.get("recurrent-params")
        pr = kind.generate(seed)
        p = pr.params
        nb = 2 if p["bias"] == "double" else 1
        assert {pt.name: pt.answer for pt in pr.parts} == _count(p, g, nb)  # the tensor lists give the key
        assert by_id["forgot-recurrent-weights"].wrong(p) == _count(p, g, nb, recurrent=False)
        assert by_id["forgot-bias"].wrong(p) == _count(p, g, 0, fc_bias=False)
        assert by_id["one-bias-not-two"].wrong(p) == (_count(p, g, 1) if nb == 2 else None)
        gates = by_id["gates-only"].wrong(p)
        assert gates == (None if p["cell"] == "rnn" and p["ask"] != "compare" else _count(p, gates_only, nb))
        layer2 = by_id["layer2-input-size"].wrong(p)
        if p["ask"] == "stacked" and p["input"] != p["hidden"]:
            assert layer2 == _count(p, g, nb, x2=p["input"])
        else:
            assert layer2 is None


# ---------------------------------------------------------------- bptt-gradient
def test_bptt_sigmoid_derivative_is_the_sigmoid_slope():
    """w·h(1 − h) is w times the slope of σ where σ(a) = h: a central difference of scipy's expit at logit(h)."""
    m = _by_id("bptt-gradient")["sigmoid-derivative"]
    checked = 0
    for seed in range(400):
        p = registry.get("bptt-gradient").generate(seed).params
        if p["mode"] != "given-h" or not all(0 < h < 1 for h in p["h"]):
            continue
        eps = 1e-6
        slopes = [(expit(logit(h) + eps) - expit(logit(h) - eps)) / (2 * eps) for h in p["h"]]
        got = m.wrong(p)
        assert np.allclose(got["factors"], [p["w"][0] * s for s in slopes], rtol=1e-6)
        assert math.isclose(got["product"], math.prod(got["factors"]), rel_tol=1e-12)
        checked += 1
    assert checked >= 5


def test_bptt_forgot_derivative_steps_by_search():
    """Steps mode without tanh': the smallest k with |w|^k past the threshold, found by trying k = 1, 2, …"""
    m = _by_id("bptt-gradient")["forgot-tanh-derivative"]
    checked = 0
    for seed in SEEDS:
        p = registry.get("bptt-gradient").generate(seed).params
        if p["mode"] != "steps":
            continue
        w, thr = abs(p["w"][0]), p["threshold"]
        ks = np.arange(1, 5000)
        with np.errstate(over="ignore"):
            past = w ** ks < thr if thr < 1 else w ** ks > thr
        got = m.wrong(p)
        assert got["factor"] == p["w"][0]
        assert got.get("steps") == (int(ks[np.argmax(past)]) if past.any() else None)
        checked += 1
    assert checked >= 20


def test_bptt_pre_activation_hand_worked():
    # w = 0.5, a = (1.0, -0.5): the mistake takes w(1 − a²) = 0.5·(1 − 1) = 0 and 0.5·(1 − 0.25) = 0.375,
    # product 0; the key uses h = tanh(a) = (0.761594, -0.462117): 0.5·(1 − 0.580026) = 0.209987 and
    # 0.5·(1 − 0.213552) = 0.393224, product 0.082572
    p = {"mode": "given-pre", "w": [0.5], "pre": [1.0, -0.5]}
    got = _by_id("bptt-gradient")["derivative-at-pre-activation"].wrong(p)
    assert got == {"factors": [0.0, 0.375], "product": 0.0}
    key = {pt.name: pt.answer for pt in registry.get("bptt-gradient").from_params(p).parts}
    assert np.allclose(key["factors"], [0.209987, 0.393224], atol=1e-6)
    assert math.isclose(key["product"], 0.082572, rel_tol=1e-4)
    assert _by_id("bptt-gradient")["derivative-at-pre-activation"].wrong(
        {"mode": "given-h", "w": [0.5], "h": [0.2, 0.3]}) is None


# ---------------------------------------------------------------- skip-fusion-channels
def test_skip_fusion_shapes_against_numpy():
    """Concatenating / adding arrays of the given channel counts (1×1 maps; height and width from the key)."""
    by_id = _by_id("skip-fusion-channels")
    for seed in SEEDS:
        pr = registry.get("skip-fusion-channels").generate(seed)
        p = pr.params
        hm, wm, cm = p["main_shape"]
        main = np.zeros((1, 1, cm))
        stacked = list(np.concatenate([main, main], axis=-1).shape[2:])
        kept = list((main + main).shape[2:])
        add = by_id["add-stacks-channels"].wrong(p)
        if p["arch"] in ("fcn", "resnet", "compare"):
            assert add["fused" if "fused" in add else "add"] == [hm, wm, *stacked]
        else:
            assert add is None
        keep = by_id["concat-keeps-channels"].wrong(p)
        if p["arch"] in ("unet", "compare"):
            assert keep["fused" if "fused" in keep else "concat"] == [hm, wm, *kept]
        else:
            assert keep is None


def test_skip_fusion_hand_worked():
    # the example: encoder 64×64×512, decoder 56×56×512, 512 kernels 3×3 with bias
    # concat keeping the channels: 56×56×512 and 3·3·512·512 + 512 = 2 359 808
    # uncropped: 64×64×(512 + 512) = 64×64×1024; without biases: 3·3·1024·512 = 4 718 592
    p = registry.get("skip-fusion-channels").example
    by_id = _by_id("skip-fusion-channels")
    assert by_id["concat-keeps-channels"].wrong(p) == {"fused": [56, 56, 512], "params": 2_359_808}
    assert by_id["skip-not-cropped"].wrong(p) == {"fused": [64, 64, 1024]}
    assert by_id["forgot-bias"].wrong(p) == {"params": 4_718_592}
    assert by_id["forgot-bias"].wrong({**p, "bias": False}) is None
    # ResNet identity 14×14×256, 128 kernels 3×3 without bias: stacking gives 14×14×512, 3·3·512·128 = 589 824
    q = {"arch": "resnet", "skip_shape": [14, 14, 256], "main_shape": [14, 14, 256], "conv_kernel": 3,
         "conv_out": 128, "bias": False}
    assert by_id["add-stacks-channels"].wrong(q) == {"fused": [14, 14, 512], "params": 589_824}


# ---------------------------------------------------------------- spp-length
def _pyramid_pool(x: np.ndarray, levels, per_channel: bool = True, square: bool = True) -> int:
    """Length of max pooling `x` (C×H×W) into n×n bins per level (or n strips when not `square`), flattened and
    concatenated; only channel 0 when not `per_channel`."""
    x = x if per_channel else x[:1]
    out = []
    for n in levels:
        for rows in np.array_split(x, n, axis=1):
            cols = np.array_split(rows, n, axis=2) if square else [rows]
            out += [c.max(axis=(1, 2)) for c in cols]
    return int(np.concatenate(out).size)


def test_spp_lengths_against_real_pooling():
    by_id = _by_id("spp-length")
    rng = np.random.default_rng(0)
    for seed in SEEDS:
        pr = registry.get("spp-length").generate(seed)
        p = pr.params
        x = rng.random((p["channels"], *p["input_hw"]))
        key = {pt.name: pt.answer for pt in pr.parts}
        assert key["length"] == _pyramid_pool(x, p["levels"])
        assert by_id["levels-not-squared"].wrong(p)["length"] == _pyramid_pool(x, p["levels"], square=False)
        assert by_id["forgot-channels"].wrong(p)["length"] == _pyramid_pool(x, p["levels"], per_channel=False)
        if p["ask"] == "fc":
            assert by_id["fc-without-bias"].wrong(p) == {"fc_params": key["length"] * p["fc_out"]}


def test_spp_window_swapped_hand_worked():
    # a = 13, levels 4, 2, 1: ceil/floor of 13/4 = 4/3, of 13/2 = 7/6, of 13/1 = 13/13;
    # swapped: windows (3, 6, 13), strides (4, 7, 13)
    p = registry.get("spp-length").example
    assert _by_id("spp-length")["floor-ceil-swapped"].wrong(p) == {"window": [3, 6, 13], "stride": [4, 7, 13]}
    # a = 12: every a/n is whole, floor and ceil agree: no such mistake to make
    assert _by_id("spp-length")["floor-ceil-swapped"].wrong({**p, "input_hw": [12, 12]}) is None


# ---------------------------------------------------------------- no diagnosis for unrelated wrong values
@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 10_000), name=st.sampled_from(["rnn-step", "scenario-sequence", "recurrent-params"]),
       data=st.data())
def test_no_diagnosis_for_random_wrong_values(seed, name, data):
    """Random values of the key's size (not far off) that are near no mistake's value get no diagnosis."""
    kind = registry.get(name)
    pr = kind.generate(seed)
    wrong = {}
    for part in pr.parts:
        key = np.asarray(part.answer, float).ravel()
        if getattr(part.spec, "integer", False):
            shift = data.draw(st.lists(st.integers(-50, 50), min_size=key.size, max_size=key.size))
            noisy = np.rint(key + np.array(shift)).astype(int)
        else:
            scale = data.draw(st.floats(0.5, 1.5))
            shift = data.draw(st.lists(st.floats(-0.2, 0.2), min_size=key.size, max_size=key.size))
            noisy = key * scale + np.array(shift)
        wrong[part.name] = noisy.tolist() if isinstance(part.answer, list) else noisy.item()
    parts = {p.name: p for p in pr.parts}
    for m in kind.mistakes:
        for n, v in m.values(pr.params).items():
            spec = parts[n].spec
            exact = getattr(spec, "integer", False)  # counts are graded exactly
            if (wrong[n] == v) if exact else _near(spec, _flat([wrong[n]]), _flat([v])):
                return  # near a mistake's value: the grader may rightly name it
    text, _ = _answers(pr, wrong)
    assert grade(pr, text).to_json("en")["diagnosis"] == []
