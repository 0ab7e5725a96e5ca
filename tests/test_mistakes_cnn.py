"""The typical mistakes of the cnn kinds (issue 12 item 2; conv-output is in tests/test_mistakes.py), each checked
over 200 seeds against an independent statement of the wrong method: scipy's convolve2d for the flipped kernel,
numpy windows for pooling, weight tensors laid out as a framework allocates them for the parameter counts, the
set of input pixels a unit depends on for the receptive field, scipy.special for the activations. Where a
misconception cannot change the answer, `wrong()` must be None (the generic tests in tests/test_mistakes.py check
that the grader names each mistake)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import convolve2d, correlate2d
from scipy.special import expit

from examgen import registry
from tests.kinds._refs import n_params
from tests.test_mistakes import mistakes_by_id, problems_and_draws

_by_id, _problems = mistakes_by_id, problems_and_draws


def _close(a, b, tol: float = 1e-9) -> bool:
    return np.allclose(np.array(a, float), np.array(b, float), rtol=tol, atol=tol)


# ---------------------------------------------------------------- activation
def test_activation_mistakes_against_scipy():
    """σ from scipy.special.expit, tanh from numpy; each wrong derivative rule written out on arrays."""
    by_id = _by_id("activation")
    seen = {m: 0 for m in by_id}
    for p, key, drawn in _problems("activation"):
        x, fn = np.array(p["inputs"], float), p["function"]
        f = expit(x) if fn == "sigmoid" else np.tanh(x) if fn == "tanh" else None
        chain = p["ask"] == "chain"

        def shaped(d):
            return {"product": float(np.prod(d))} if chain else {"derivative": d}

        if f is not None:
            (part, right), = shaped(f * (1 - f) if fn == "sigmoid" else 1 - f ** 2).items()
            assert np.allclose(right, key[part], rtol=0, atol=0.5e-6 if chain else 0.5e-4)  # the key, rounded
            on_input = x * (1 - x) if fn == "sigmoid" else 1 - x ** 2
            swapped = 1 - f ** 2 if fn == "sigmoid" else f * (1 - f)
            for mid, want in (("derivative-of-input", on_input), ("sigmoid-tanh-derivative-swapped", swapped)):
                got = by_id[mid].wrong(p)
                (name, value), = shaped(want).items()
                assert list(got) == [name] and _close(got[name], value), (mid, p)
                seen[mid] += 1
            assert by_id["leaky-derivative-zero"].wrong(p) is None
        else:
            assert by_id["derivative-of-input"].wrong(p) is None
            assert by_id["sigmoid-tanh-derivative-swapped"].wrong(p) is None
            got = by_id["leaky-derivative-zero"].wrong(p)
            if fn == "leaky_relu":  # ReLU's derivative: the step function (no input is 0)
                assert got == {"derivative": np.heaviside(x, 0.5).tolist()}
                seen["leaky-derivative-zero"] += 1
            else:
                assert got is None
    assert min(seen.values()) >= 10, seen


# ---------------------------------------------------------------- conv-feature-map
def _fmap(p: dict, kernel=None, padding=None, bias=None, flip: bool = False) -> dict:
    """The feature map by scipy: zero padding by numpy, correlate2d (or convolve2d: the kernel flipped), the
    stride as a slice, then bias and ReLU; with the size when the problem asks for it."""
    pad = p["padding"] if padding is None else padding
    img = np.pad(np.array(p["image"], float), pad)
    k = np.array(p["kernel"] if kernel is None else kernel, float)
    full = (convolve2d if flip else correlate2d)(img, k, mode="valid")
    out = full[::p["stride"], ::p["stride"]] + (p.get("bias") or 0 if bias is None else bias)
    if p.get("relu"):
        out = np.maximum(out, 0)
    res = {"map": out.astype(int).tolist()}
    if p["stride"] > 1 or p["padding"]:
        res["size"] = list(out.shape)
    return res


def test_conv_feature_map_mistakes_against_scipy():
    by_id = _by_id("conv-feature-map")
    seen = {m: 0 for m in by_id}
    for p, key, drawn in _problems("conv-feature-map"):
        assert _fmap(p) == key  # correlate2d reproduces the key
        k = np.array(p["kernel"])
        got = by_id["flipped-kernel"].wrong(p)
        if np.array_equal(np.rot90(k, 2), k):  # a kernel symmetric under 180° rotation: convolution = correlation
            assert got is None
        else:
            assert got == _fmap(p, flip=True)
            seen["flipped-kernel"] += 1
        got = by_id["forgot-bias"].wrong(p)
        if p.get("bias"):
            assert got == _fmap(p, bias=0)
            seen["forgot-bias"] += 1
        else:
            assert got is None
        got = by_id["ignored-padding"].wrong(p)
        if p["padding"]:  # the same windows slid over the unpadded image
            assert got == _fmap(p, padding=0)
            seen["ignored-padding"] += 1
        else:
            assert got is None
    assert min(seen.values()) >= 10, seen


def test_flipped_kernel_hand_worked():
    # I = [[1, 2, 0], [0, 1, 3], [4, 0, 1]], K = [[1, 0], [0, -1]]; flipped K = [[-1, 0], [0, 1]]:
    # O(0,0) = −1 + 1 = 0, O(0,1) = −2 + 3 = 1, O(1,0) = −0 + 0 = 0, O(1,1) = −1 + 1 = 0.
    kind = registry.get("conv-feature-map")
    p = kind.schema.validate({"image": [[1, 2, 0], [0, 1, 3], [4, 0, 1]], "kernel": [[1, 0], [0, -1]],
                              "stride": 1, "padding": 0})
    assert _by_id("conv-feature-map")["flipped-kernel"].wrong(p) == {"map": [[0, 1], [0, 0]]}


# ---------------------------------------------------------------- conv-params
def test_conv_params_mistakes_against_weight_tensors():
    """Counts from the tensors a framework allocates: conv weight (C_out, C_in, k, k) and bias (C_out,); a kernel
    without depth is (C_out, 1, k, k); no weight sharing is a locally connected layer, one kernel set per input
    position, (H·W, C_out, C_in, k, k)."""
    by_id = _by_id("conv-params")
    seen = {m: 0 for m in by_id}
    for p, key, drawn in _problems("conv-params"):
        layer, (h, w, c), n, bias = p["layer"], p["input_shape"], p["out"], p["bias"]
        kh, kw = (p["kernel"], p["kernel"]) if layer == "conv" else (h, w)
        b = [(n,)] if bias else []
        answer = (lambda v: {"params": v}) if layer == "global" else (lambda v: v)  # noqa: E731
        if layer == "fc":
            assert key[""] == n_params((n, h * w * c), *b)
        else:
            assert key["params" if layer == "global" else ""] == n_params((n, c, kh, kw), *b)
        got = by_id["forgot-bias"].wrong(p)
        if bias:
            want = n_params((n, h * w * c)) if layer == "fc" else n_params((n, c, kh, kw))
            assert got == answer(want)
            seen["forgot-bias"] += 1
        else:
            assert got is None
        got = by_id["kernel-without-depth"].wrong(p)
        if layer == "fc" or c == 1:
            assert got is None
        else:
            assert got == answer(n_params((n, 1, kh, kw), *b))
            seen["kernel-without-depth"] += 1
        got = by_id["no-weight-sharing"].wrong(p)
        if layer == "conv":
            assert got == n_params((h * w, n, c, kh, kw), *b)
            seen["no-weight-sharing"] += 1
        else:
            assert got is None
    assert min(seen.values()) >= 10, seen


# ---------------------------------------------------------------- dropout
def test_dropout_mistakes_against_numpy():
    """The outputs with the scaling rule a student uses, on numpy arrays: inverted dropout without 1/(1 − p)
    is the mask alone; scaling with p divides (inverted) or multiplies at test time (classic) by p."""
    by_id = _by_id("dropout")
    seen = {m: 0 for m in by_id}
    for p, key, drawn in _problems("dropout"):
        q, inverted, ask = p["p"], p["convention"] == "inverted", p["ask"]
        if ask == "expected":
            a = p["value"]
            no_rescale = {"kept_value": a}
            if inverted:
                as_keep = {"kept_value": a / q, "test": a}
            else:
                as_keep = {"test": q * a}
        else:
            x, m = np.array(p["x"]), np.array(p["mask"])
            train = "output" if ask == "mask" else "train"
            no_rescale = {train: (m * x).tolist()}
            as_keep = {train: (m * x / q).tolist(), "test": x.tolist()} if inverted else {"test": (q * x).tolist()}
            if ask == "mask":
                as_keep.pop("test")
        got = by_id["inverted-no-rescale"].wrong(p)
        if inverted:
            assert got.keys() == no_rescale.keys() and all(_close(got[k], v) for k, v in no_rescale.items())
            seen["inverted-no-rescale"] += 1
        else:  # classic dropout does not rescale in training: nothing to forget
            assert got is None
        got = by_id["drop-as-keep"].wrong(p)
        if q == 0.5 or (not inverted and ask == "mask"):  # p = 1 − p, or no scaling anywhere in the answer
            assert got is None
        else:
            assert got.keys() == as_keep.keys() and all(_close(got[k], v) for k, v in as_keep.items()), (p, got)
            assert any(not _close(v, key[k], 1e-3) for k, v in got.items())
            seen["drop-as-keep"] += 1
    assert min(seen.values()) >= 10, seen


def test_generated_dropout_keeps_the_classic_mask_variant():
    """The sampler's classic mask problems are not redrawn as mistake collisions (they were, when drop-as-keep
    returned the key's own value for them)."""
    kind = registry.get("dropout")
    drawn = [kind.sample(kind.rng(s)) for s in range(300)]
    made = [kind.generate(s).params for s in range(300)]
    classic_mask = [sum(d["convention"] == "classic" and d["ask"] == "mask" and d["p"] != 0.5 for d in ps)
                    for ps in (drawn, made)]
    assert classic_mask[0] > 5 and classic_mask[1] == classic_mask[0]


# ---------------------------------------------------------------- pool-output
def test_pool_output_mistakes_against_numpy_windows():
    """Windows from sliding_window_view: every S-th for the key, every F-th when slid by the window; the
    window count from range(); the window sums divided by F."""
    by_id = _by_id("pool-output")
    seen = {m: 0 for m in by_id}
    for p, key, drawn in _problems("pool-output"):
        img, f, s = np.array(p["image"], float), p["window"], p["stride"]
        c = [p["channels"]] if p.get("channels", 1) > 1 else []
        win = sliding_window_view(img, (f, f))
        modes = ["max", "avg"] if p["mode"] == "both" else [p["mode"]]
        reduce = {"max": lambda a: a.max(axis=(2, 3)), "avg": lambda a: a.mean(axis=(2, 3))}
        for mo in modes:
            assert _close(reduce[mo](win[::s, ::s]), key[mo])
        got = by_id["slid-by-window"].wrong(p)
        if s >= f:
            assert got is None
        else:
            tiled = win[::f, ::f]
            assert got["size"] == list(tiled.shape[:2]) + c
            for mo in modes:
                assert _close(got[mo], np.round(reduce[mo](tiled), 2))
            seen["slid-by-window"] += 1
        windows = [len(range(0, n - f + 1, s)) for n in img.shape]
        assert by_id["forgot-plus-one"].wrong(p) == {"size": [n - 1 for n in windows] + c}
        seen["forgot-plus-one"] += 1
        got = by_id["mean-over-f"].wrong(p)
        if "avg" in modes:
            assert got.keys() == {"avg"} and _close(got["avg"], np.round(win[::s, ::s].sum(axis=(2, 3)) / f, 2))
            seen["mean-over-f"] += 1
        else:
            assert got is None
    assert min(seen.values()) >= 10, seen


# ---------------------------------------------------------------- receptive-field
def _rf_by_dependencies(layers: list[tuple[int, int, int]]) -> list[int]:
    """The receptive field after each layer, from its definition: the input pixels output unit 0 depends on
    (unit o of a layer reads inputs o·s + t·d, t < k), walked down to the input; the span of that set."""
    out = []
    for top in range(1, len(layers) + 1):
        units = np.array([0])
        for k, s, d in reversed(layers[:top]):
            units = np.unique((units[:, None] * s + np.arange(k)[None, :] * d).ravel())
        out.append(int(units.max() - units.min() + 1))
    return out


def test_receptive_field_mistakes_against_dependency_sets():
    """Each misconception is the right receptive field of another network: strides ignored = every stride 1;
    dilation ignored = every dilation 1; the layer's own stride in the jump = the increment (k′ − 1)·j_l, i.e. a
    dilation of d·s. On generated problems a mistake is None exactly when it would not change the answer."""
    by_id = _by_id("receptive-field")
    nets = {"strides-ignored": lambda ls: [(k, 1, d) for k, s, d in ls],
            "dilation-ignored": lambda ls: [(k, s, 1) for k, s, d in ls],
            "own-stride-in-jump": lambda ls: [(k, s, d * s) for k, s, d in ls]}
    seen = {m: 0 for m in by_id}
    for p, key, drawn in _problems("receptive-field"):
        layers = [tuple(r) for r in p["layers"]]
        n = len(layers)
        m = p["at_layer"] if p["ask"] == "layer" else n

        def answer(rfs):
            return rfs if p["ask"] == "each" else {"rf": rfs[-1]} if p["ask"] == "jump" else rfs[m - 1]

        right = _rf_by_dependencies(layers)
        assert answer(right) == ({"rf": key["rf"]} if p["ask"] == "jump" else key[""])
        for mid, net in nets.items():
            want = answer(_rf_by_dependencies(net(layers)))
            got = by_id[mid].wrong(p)
            if want == answer(right):  # e.g. a stride followed only by 1×1 layers
                assert got is None or (drawn and got == want), (mid, p)
            else:
                assert got == want, (mid, p)
                seen[mid] += 1
    assert min(seen.values()) >= 10, seen


def test_own_stride_in_jump_hand_worked():
    # conv k = 3, s = 2, then conv k = 3, s = 1. Right: r = 1 + 2·1 = 3, then 3 + 2·2 = 7. With j_l:
    # r = 1 + 2·2 = 5, then 5 + 2·2 = 9. Strides ignored: 1 + 2 + 2 = 5.
    kind = registry.get("receptive-field")
    p = kind.schema.validate({"layers": [[3, 2, 1], [3, 1, 1]], "layer_types": "conv,conv", "ask": "each"})
    assert kind.build(p).parts[0].answer == [3, 7]
    assert _by_id("receptive-field")["own-stride-in-jump"].wrong(p) == [5, 9]
    assert _by_id("receptive-field")["strides-ignored"].wrong(p) == [3, 5]
    assert _by_id("receptive-field")["dilation-ignored"].wrong(p) is None


# ---------------------------------------------------------------- stacked-conv-params
def test_stacked_conv_params_mistakes_against_weight_tensors():
    """Layer i of the stack is a (C, C_in(i), k, k) weight and a (C,) bias; the single layer is (C, C_in, R, R)
    with R the span of the pixels the stack's output depends on."""
    by_id = _by_id("stacked-conv-params")
    seen = {m: 0 for m in by_id}
    for p, key, drawn in _problems("stacked-conv-params"):
        c, k, n, bias = p["channels"], p["small_kernel"], p["num_layers"], p["bias"]
        c_in = p.get("in_channels", c)
        r = _rf_by_dependencies([(k, 1, 1)] * n)[-1]
        b = [(c,)] if bias else []

        def stack(ins, with_bias=True):
            return sum(n_params((c, i, k, k), *(b if with_bias else [])) for i in ins)

        def single(side, with_bias=True):
            return n_params((c, c_in, side, side), *(b if with_bias else []))

        assert key == {"stacked": stack([c_in] + [c] * (n - 1)), "single": single(r)}
        got = by_id["forgot-bias"].wrong(p)
        if bias:
            assert got == {"stacked": stack([c_in] + [c] * (n - 1), False), "single": single(r, False)}
            seen["forgot-bias"] += 1
        else:
            assert got is None
        got = by_id["every-layer-input-channels"].wrong(p)
        if c_in == c:
            assert got is None
        else:
            assert got == {"stacked": stack([c_in] * n)}
            seen["every-layer-input-channels"] += 1
        assert by_id["rf-sum-of-kernels"].wrong(p) == {"single": single(n * k)}
        seen["rf-sum-of-kernels"] += 1
    assert min(seen.values()) >= 10, seen


@pytest.mark.parametrize("name", ["activation", "conv-feature-map", "conv-params", "dropout", "pool-output",
                                  "receptive-field", "stacked-conv-params"])
def test_every_mistake_of_the_kind_is_checked_here(name):
    """A mistake added to one of these kinds needs its own independent check in this file."""
    checked = {"activation": {"derivative-of-input", "sigmoid-tanh-derivative-swapped", "leaky-derivative-zero"},
               "conv-feature-map": {"flipped-kernel", "forgot-bias", "ignored-padding"},
               "conv-params": {"forgot-bias", "kernel-without-depth", "no-weight-sharing"},
               "dropout": {"inverted-no-rescale", "drop-as-keep"},
               "pool-output": {"slid-by-window", "forgot-plus-one", "mean-over-f"},
               "receptive-field": {"strides-ignored", "dilation-ignored", "own-stride-in-jump"},
               "stacked-conv-params": {"forgot-bias", "every-layer-input-channels", "rf-sum-of-kernels"}}
    assert set(_by_id(name)) == checked[name]
