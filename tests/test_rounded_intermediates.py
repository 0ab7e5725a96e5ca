"""A student who rounds each asked value to its stated decimals and carries it on is marked right.

The rounded path is computed here from the prompt's parameters with formulas written in this file (not with the
kind's solver or its carry-forward hook)."""

from __future__ import annotations

import math

import pytest

from examgen import registry
from examgen.grading import grade
from examgen.rounding import accepted_parts


def _softmax(z: list[float]) -> list[float]:
    e = [math.exp(v) for v in z]
    s = sum(e)
    return [v / s for v in e]


def _training_step_rounded(params: dict) -> dict[str, object]:
    """scenario-training-step (cross-entropy): each part rounded to 4 decimals and carried, as the prompt asks."""
    a = params["pre"] if "pre" in params else params["a"]
    m = len(a)
    mu = sum(a) / m
    sd = math.sqrt(sum((x - mu) ** 2 for x in a) / m)
    y = [round(params["gamma"] * (x - mu) / sd + params["beta"], 4) for x in a]
    q = params["keep"]
    d = [round(r * v / q, 4) for r, v in zip(params["mask"], y)]
    s = params["sample"] - 1
    z = [w * d[s] + b for w, b in zip(params["w"], params["b"])]
    probs = [round(v, 4) for v in _softmax(z)]
    c, j = params["label"] - 1, params["update"] - 1
    grad = (probs[j] - (1 if j == c else 0)) * d[s]
    w_new = params["w"][j] - params["lr"] * round(grad, 4)
    return {"bn": y, "dropout": d, "probs": probs, "loss": -math.log(probs[c]), "grad": grad, "w_new": w_new}


def test_training_step_rounded_answers_accepted_300_seeds() -> None:
    kind = registry.get("scenario-training-step")
    checked = 0
    for seed in range(100000, 100300):
        pr = kind.generate(seed)
        if pr.params.get("loss") != "ce":
            continue
        alt = _training_step_rounded(pr.params)
        names = [p.name for p in pr.parts]
        answers = {}
        for name in names:
            if name == "w_new" and pr.params["optimizer"] != "sgd":
                continue
            v = alt[name]
            answers[name] = ", ".join(f"{x:.4f}" for x in v) if isinstance(v, list) else f"{v:.4f}"
        verdict = grade(pr, answers)
        assert all(pv.correct for pv in verdict.parts if pv.name in answers), (seed, answers, [(p.name, p.answer, p.accept) for p in accepted_parts(pr)])
        checked += 1
    assert checked >= 100


def test_issue_gradient_example_needs_the_rounded_path() -> None:
    """Seed 100009: grad from p₂ = 0.0067 and d₂ = −2.0667 is accepted (key −0.013888…)."""
    pr = registry.problem("scenario-training-step", 100009)
    v = grade(pr, {"grad": f"{(0.0067 - 0) * -2.0667:.5f}"})
    assert v.parts[[p.name for p in pr.parts].index("grad")].correct


def test_confusion_weighted_f1_is_defined_in_both_languages() -> None:
    kind = registry.get("confusion-matrix")
    seen = 0
    for seed in range(100000, 100200):
        pr = kind.generate(seed)
        if pr.params["ask"] != "weighted":
            continue
        seen += 1
        assert "各类 F1 按支持数的加权平均" in pr.prompt.zh
        assert "support-weighted mean of the per-class F1" in pr.prompt.en
    assert seen > 10
    assert "support-weighted mean of the per-class F1" in kind.conventions.en


def test_micro_variant_asks_no_equal_answers() -> None:
    kind = registry.get("confusion-matrix")
    for seed in range(100000, 100300):
        pr = kind.generate(seed)
        values = [p.answer for p in pr.parts if not isinstance(p.answer, list)]
        assert len(values) == len(set(values)), (seed, values)


@pytest.mark.parametrize("name", ["cross-entropy", "optimizer-step", "scenario-training-step", "batchnorm"])
def test_no_real_answer_rounds_to_zero(name: str) -> None:
    kind = registry.get(name)
    for seed in range(100000, 100300):
        for part in kind.generate(seed).parts:
            d = getattr(part.spec, "decimals", None)
            if d is None or part.spec.integer:
                continue
            flat = part.answer if isinstance(part.answer, list) else [part.answer]
            flat = [x for v in flat for x in (v if isinstance(v, list) else [v])]
            assert all(x == 0 or round(x, d) != 0 for x in flat), (name, seed, part.name, part.answer)


@pytest.mark.parametrize("seed", [100724, 102189, 103683, 105296])
def test_rounded_path_is_what_makes_these_seeds_pass(seed: int) -> None:
    """Seeds (found by scanning 6,000) where the rounded-and-carried answers fall outside the key's tolerance:
    they must be accepted through `Part.accept`, and would not be by the key alone."""
    from examgen.grading import score_answer

    pr = registry.problem("scenario-training-step", seed)
    alt = _training_step_rounded(pr.params)
    outside = 0
    for part in pr.parts:
        if part.name == "w_new" and pr.params["optimizer"] != "sgd":
            continue
        v = alt[part.name]
        text = ", ".join(f"{x:.4f}" for x in v) if isinstance(v, list) else f"{v:.4f}"
        assert grade(pr, {part.name: text}).parts[pr.parts.index(part)].correct, (seed, part.name, text)
        from examgen.grading import parse_answer
        outside += score_answer(part.spec, part.answer, parse_answer(part.spec, text))[0] < 1
    assert outside >= 1


def test_training_step_says_classes_and_samples_count_from_1() -> None:
    pr = registry.problem("scenario-training-step", 100009)
    assert pr.params["loss"] == "ce"
    assert "samples and classes are numbered from 1" in pr.prompt.en
    assert "从 1 开始编号" in pr.prompt.zh


def test_cnn_design_states_its_rounding_rule() -> None:
    kind = registry.get("scenario-cnn-design")
    for seed in range(100000, 100050):
        pr = kind.generate(seed)
        assert "向下取整" in pr.prompt.zh and "round down" in pr.prompt.en
    assert "round down" in kind.conventions.en


def _optimizer_rounded(prm: dict, state: dict | None = None) -> dict[str, list[float]]:
    """Every intermediate written to 4 decimals (s to 6, √ to 4) and carried, from the update rules of the prompt;
    `state` receives the state after the last step (v, s, or m̂ and v̂)."""
    r4 = lambda x: round(x, 4)  # noqa: E731
    w = list(prm["w0"])
    dim = len(w)
    st = list(prm.get("state0") or [0.0] * dim)
    m = [0.0] * dim
    hats: dict[int, tuple[float, float]] = {}
    out: dict[str, list[float]] = {}
    for t, g in enumerate(prm["grads"], start=1):
        for i in range(dim):
            if prm["optimizer"] == "momentum":
                if prm["momentum_form"] == "add-grad":
                    st[i] = r4(prm["beta"] * st[i] + g[i])
                    w[i] = r4(w[i] - prm["lr"] * st[i])
                else:
                    st[i] = r4(prm["beta"] * st[i] - prm["lr"] * g[i])
                    w[i] = r4(w[i] + st[i])
            elif prm["optimizer"] == "rmsprop":
                st[i] = round(prm["rho"] * st[i] + (1 - prm["rho"]) * g[i] ** 2, 6)
                w[i] = r4(w[i] - prm["lr"] * g[i] / (r4(st[i] ** 0.5) + prm["eps"]))
            else:
                m[i] = r4(prm["beta1"] * m[i] + (1 - prm["beta1"]) * g[i])
                st[i] = r4(prm["beta2"] * st[i] + (1 - prm["beta2"]) * g[i] ** 2)
                mh, vh = r4(m[i] / (1 - prm["beta1"] ** t)), r4(st[i] / (1 - prm["beta2"] ** t))
                w[i] = r4(w[i] - prm["lr"] * mh / (r4(vh ** 0.5) + prm["eps"]))
                hats[i] = (mh, vh)
        out[f"w{t}"] = list(w)
    if state is not None:
        if prm["optimizer"] == "adam":
            state.update(m_hat=[hats[i][0] for i in range(dim)], v_hat=[hats[i][1] for i in range(dim)])
        else:
            state["v" if prm["optimizer"] == "momentum" else "s"] = list(st)
    return out


def _optimizer_all_rounded(prm: dict) -> dict[str, list[float]]:
    """`_optimizer_rounded` plus the asked state after the last step (v, s, or Adam's m̂ and v̂)."""
    state: dict[str, list[float]] = {}
    out = _optimizer_rounded(prm, state)
    return {**out, **state}


def test_optimizer_rounded_answers_accepted_300_seeds() -> None:
    kind = registry.get("optimizer-step")
    rescued = 0
    for seed in range(100000, 100300):
        pr = kind.generate(seed)
        alt = _optimizer_rounded(pr.params)
        answers = {n: ", ".join(f"{x:.4f}" for x in v) for n, v in alt.items()}
        verdict = grade(pr, answers)
        assert all(pv.correct for pv in verdict.parts if pv.name in answers), (seed, answers)
        rescued += any(p.accept for p in accepted_parts(pr) if p.name in answers)
    assert rescued > 0


def test_adam_issue_example_seed_100059() -> None:
    pr = registry.problem("optimizer-step", 100059)
    assert _optimizer_rounded(pr.params)["w2"][0] == pytest.approx(-0.0008, abs=1e-9)
    assert grade(pr, {"w2": "-0.0008"}).parts[3].correct
    assert grade(pr, {"w2": "-0.0006"}).parts[3].correct
    assert not grade(pr, {"w2": "-0.0010"}).parts[3].correct


# ---------------------------------------------------------------- every kind: a rounded path or a checked claim
def _sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _r4(v):
    return [round(x, 4) for x in v] if isinstance(v, list) else round(v, 4)


def _affine(w: list[list[float]], vec: list[float], b: list[float]) -> list[float]:
    return [sum(a * c for a, c in zip(row, vec)) + bb for row, bb in zip(w, b)]


def _gru_rounded(p: dict, h: list[float], x: list[float]) -> dict[str, list[float]]:
    """One GRU step (update gate takes the candidate) with z, r, h̃ and h each written to 4 decimals."""
    hx = h + x
    z = _r4([_sig(v) for v in _affine(p["W_z"], hx, p["b_z"])])
    r = _r4([_sig(v) for v in _affine(p["W_r"], hx, p["b_r"])])
    ht = _r4([math.tanh(v) for v in _affine(p["W_h"], [a * b for a, b in zip(r, h)] + x, p["b_h"])])
    return {"z": z, "r": r, "h_tilde": ht, "h": _r4([(1 - zz) * hh + zz * tt for zz, hh, tt in zip(z, h, ht)])}


def _lstm_rounded(p: dict, h: list[float], c: list[float], x: list[float]) -> dict[str, list[float]]:
    """One LSTM step with every gate, C̃, C and h written to 4 decimals."""
    hx = h + x
    f, i, o = (_r4([_sig(v) for v in _affine(p[f"W_{g}"], hx, p[f"b_{g}"])]) for g in "fio")
    ct = _r4([math.tanh(v) for v in _affine(p["W_c"], hx, p["b_c"])])
    c_new = _r4([ff * cc + ii * tt for ff, cc, ii, tt in zip(f, c, i, ct)])
    return {"f": f, "i": i, "o": o, "c_tilde": ct, "c": c_new,
            "h": _r4([oo * math.tanh(cc) for oo, cc in zip(o, c_new)])}


def _sequence_rounded(p: dict) -> dict[str, list[float]]:
    (x1, x2), h0 = p["xs"], list(p["h0"])
    if p["cell"] == "gru":
        s1 = _gru_rounded(p, h0, x1)
        return {"z1": s1["z"], "h_tilde1": s1["h_tilde"], "h1": s1["h"], "h2": _gru_rounded(p, s1["h"], x2)["h"]}
    s1 = _lstm_rounded(p, h0, list(p["c0"]), x1)
    s2 = _lstm_rounded(p, s1["h"], s1["c"], x2)
    return {"c1": s1["c"], "h1": s1["h"], "c2": s2["c"], "h2": s2["h"]}


def _bptt_rounded(p: dict) -> dict[str, object]:
    """Hidden states and factors w(1 − h²) written to 4 decimals; products and powers of the written factors."""
    w = p["w"]
    if p["mode"] == "given-pre":
        h = _r4([math.tanh(a) for a in p["pre"]])
        factors = _r4([w[0] * (1 - v * v) for v in h])
        return {"h": h, "factors": factors, "product": math.prod(factors)}
    if p["mode"] == "given-h":
        factors = _r4([w[0] * (1 - v * v) for v in p["h"]])
        return {"factors": factors, "product": math.prod(factors)}
    if p["mode"] == "steps":
        f = _r4(w[0] * (1 - p["state"] ** 2))
        grows = abs(f) > 1  # "first exceeds M" (exploding) rather than "first falls below ε"
        k = next(k for k in range(1, 10_000) if (abs(f) ** k > p["threshold"] if grows else abs(f) ** k < p["threshold"]))
        return {"factor": f, "steps": k}
    factors = _r4([v * (1 - p["state"] ** 2) for v in w])
    return {"factors": factors, "vanish": factors[0] ** p["T"], "explode": factors[1] ** p["T"]}


def _pr_rounded(p: dict) -> dict[str, float]:
    """Accuracy, precision and recall written to 2 decimals; F1 = 2PR/(P + R) from the written P and R."""
    prec, rec = round(p["tp"] / (p["tp"] + p["fp"]), 2), round(p["tp"] / (p["tp"] + p["fn"]), 2)
    acc = (p["tp"] + p["tn"]) / (p["tp"] + p["fp"] + p["fn"] + p["tn"])
    return {"accuracy": acc, "precision": prec, "recall": rec, "f1": 2 * prec * rec / (prec + rec)}


def _bn_rounded(p: dict) -> dict[str, object]:
    """BN with μ and σ² (2 decimals), √(σ² + ε) (4 decimals) and x̂ (2 decimals) written down and carried."""
    feats = p["batch"]
    if p["ask"] == "inference":
        std = [round(math.sqrt(v + p["eps"]), 4) for v in p["running_var"]]
        y = [[g * (x - m) / sd + b for x in row]
             for row, g, b, m, sd in zip(feats, p["gamma"], p["beta"], p["running_mean"], std)]
        return {"std": std[0] if len(std) == 1 else std, "y": y[0] if len(y) == 1 else y}
    mean = [round(sum(row) / len(row), 2) for row in feats]
    var = [round(sum((x - m) ** 2 for x in row) / len(row), 2) for row, m in zip(feats, mean)]
    asked = len(feats) == 1  # x̂ is asked (and so written to 2 decimals) only for a single feature
    xhat = [[round((x - m) / math.sqrt(v + p["eps"]), 2 if asked else 12) for x in row]
            for row, m, v in zip(feats, mean, var)]
    y = [[g * xh + b for xh in row] for row, g, b in zip(xhat, p["gamma"], p["beta"])]
    one = len(feats) == 1
    return {"mean": mean[0] if one else mean, "var": var[0] if one else var,
            "xhat": xhat[0] if one else xhat, "y": y[0] if one else y}


def _ce_rounded(p: dict) -> dict[str, object]:
    """Probabilities and per-pixel losses written to 4 decimals; the loss and means from the written values."""
    if p["ask"] == "softmax":
        probs = _r4(_softmax(p["logits"]))
        return {"probs": probs, "loss": -math.log(probs[p["target"]])}
    rows, cols = p["shape"]
    if p["ask"] == "focal":
        pt = [q if y == 1 else 1 - q for q, y in zip(p["probs_fg"], p["labels"])]
        ce = _r4([-math.log(v) for v in pt])
        alpha = [1.0] * len(pt) if "alpha" not in p else [p["alpha"] if y == 1 else 1 - p["alpha"] for y in p["labels"]]
        fl = _r4([a * (1 - v) ** p["gamma"] * c for a, v, c in zip(alpha, pt, ce)])
        return {"ce": sum(ce) / len(ce), "fl": fl, "mean": sum(fl) / len(fl)}
    losses = _r4([-math.log(q[y]) for q, y in zip(p["probs"], p["labels"])])
    grid = [losses[r * cols:(r + 1) * cols] for r in range(rows)]
    if p["ask"] == "pixel":
        return {"losses": grid, "mean": sum(losses) / len(losses)}
    w = [p["class_weights"][y] for y in p["labels"]]
    total = sum(a * b for a, b in zip(w, losses))
    return {"losses": grid, "mean": total / (sum(w) if p["weight_norm"] == "weights" else len(losses))}


def _activation_rounded(p: dict) -> dict[str, object]:
    """Derivatives from the values written to 4 decimals (σ' = σ(1 − σ), tanh' = 1 − tanh²); chain products of the
    per-layer derivatives written to 6 decimals."""
    fn, xs = p["function"], p["inputs"]
    if p["ask"] == "chain":
        if fn == "sigmoid":
            d = [round(_sig(z) * (1 - _sig(z)), 6) for z in xs]
            return {"bound": 0.25 ** len(xs), "product": math.prod(d)}
        d = [round(1 - math.tanh(z) ** 2, 6) for z in xs]
        return {"bound": 1.0, "product": math.prod(d)}
    if fn == "sigmoid":
        v = _r4([_sig(x) for x in xs])
        return {"value": v, "derivative": [a * (1 - a) for a in v]}
    if fn == "tanh":
        v = _r4([math.tanh(x) for x in xs])
        return {"value": v, "derivative": [1 - a * a for a in v]}
    slope = p.get("slope", 0.0) if fn == "leaky_relu" else 0.0
    return {"value": [x if x > 0 else slope * x for x in xs], "derivative": [1.0 if x > 0 else slope for x in xs]}


def _init_rounded(p: dict) -> dict[str, object]:
    """The variance written to 6 decimals, the scale (σ, or a = √(3 var) for a uniform) from the written variance."""
    k2 = p.get("kernel", 1) ** 2 if p["layer"] == "conv" else 1
    n_in, n_out = k2 * p["n_in"], k2 * p["n_out"]
    var = {"xavier": 2 / (n_in + n_out), "he": 2 / n_in}
    c = 3 if p["dist"] == "uniform" else 1
    if p["scheme"] == "both":
        return {"fan": [n_in, n_out], **{s: math.sqrt(c * v) for s, v in var.items()}}
    v = round(var[p["scheme"]], 6)
    fan = {"fan": [n_in, n_out]} if p["scheme"] == "xavier" else {"fan_in": n_in}
    return {**fan, "scale": math.sqrt(c * v), "variance": v}


def _f1(prec: float, rec: float) -> float:
    return 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def _confusion_rounded(p: dict) -> dict[str, object]:
    """Per-class P and R written to 3 decimals, F1 from the written P and R (also written), averages of the
    written per-class values; micro P and R from the totals, written, then their F1."""
    m = p["matrix"]  # rows = actual classes in the params; `layout` only says how the table is drawn
    n = len(m)
    tp = [m[i][i] for i in range(n)]
    support = [sum(row) for row in m]
    predicted = [sum(m[i][j] for i in range(n)) for j in range(n)]
    r3 = lambda v: round(v, 3)  # noqa: E731
    prec = [r3(t / q) if q else 0.0 for t, q in zip(tp, predicted)]
    rec = [r3(t / s) for t, s in zip(tp, support)]
    f1 = [r3(_f1(a, b)) for a, b in zip(prec, rec)]
    total = sum(support)
    acc = sum(tp) / total
    mean = lambda v: sum(v) / n  # noqa: E731
    wmean = lambda v: sum(a * s for a, s in zip(v, support)) / total  # noqa: E731
    micro = r3(sum(tp) / total)  # micro P = micro R = accuracy for single-label classes
    c = p.get("target", 0)
    return {"macro_p": mean(prec), "macro_r": mean(rec), "macro_f1": mean(f1), "accuracy": acc,
            "weighted_p": wmean(prec), "weighted_r": wmean(rec), "weighted_f1": wmean(f1),
            "micro_f1": _f1(micro, micro),
            **({"precision": prec, "recall": rec, "f1": f1} if p["ask"] == "per-class"
               else {"precision": prec[c], "recall": rec[c], "f1": _f1(prec[c], rec[c])})}


def _rnn_rounded(p: dict) -> dict[str, list[float]]:
    """Each hidden state written to 4 decimals and carried; the output from the last written state."""
    h, out = list(p["h0"]), {}
    for t, x in enumerate(p["xs"], start=1):
        h = _r4([math.tanh(sum(w * v for w, v in zip(rh, h)) + sum(w * v for w, v in zip(rx, x)) + bb)
                 for rh, rx, bb in zip(p["W_hh"], p["W_xh"], p["b"])])
        out[f"h{t}"] = h
    if "W_hy" in p:
        out["y"] = [sum(w * v for w, v in zip(row, h)) + bb for row, bb in zip(p["W_hy"], p["b_y"])]
    return out


def _ap_from_flags(flags: list[int], n_gt: int) -> tuple[list[float], list[float], float]:
    """P_k and R_k written to 3 decimals, then the all-point AP (envelope, Σ ΔR·P̃) from the written values."""
    hits, prec, rec = 0, [], []
    for k, f in enumerate(flags, start=1):
        hits += f
        prec.append(round(hits / k, 3))
        rec.append(round(hits / n_gt, 3))
    env = [max(prec[k:]) for k in range(len(prec))]
    ap = sum((r - r0) * e for r, r0, e in zip(rec, [0.0] + rec[:-1], env))
    return prec, rec, ap


def _average_precision_rounded(p: dict) -> dict[str, object]:
    order = sorted(range(len(p["scores"])), key=lambda i: -p["scores"][i])
    classes = p.get("classes") or [1] * len(order)
    tp = p.get("tp")
    if tp is None:  # judged here: IoU at or above the threshold and a ground truth not matched before
        tp, matched = [0] * len(order), set()
        for i in order:
            if p["ious"][i] >= p["iou_threshold"] and p["gt_ids"][i] not in matched:
                tp[i] = 1
                matched.add(p["gt_ids"][i])
    aps, out = [], {}
    for c, n_gt in enumerate(p["num_gt"], start=1):
        prec, rec, ap = _ap_from_flags([tp[i] for i in order if classes[i] == c], n_gt)
        aps.append(ap)
        if p["ask"] == "table":
            out.update(precision=prec, recall=rec)
    if len(aps) == 1:
        return {**out, "ap": aps[0]}
    return {"ap": aps, "map": sum(round(a, 3) for a in aps) / len(aps)}


def _detection_rounded(p: dict, kept: list[str], tp: list[str]) -> dict[str, float]:
    """From the key's kept and TP boxes (NMS and matching are checked against independent code elsewhere): the
    precision and recall, and the AP from cumulative precisions written to 3 decimals."""
    order = sorted(kept, key=lambda label: -p["scores"][ord(label) - ord("A")])
    n_gt = len(p["gt"])

    def iou(a: list[int], b: list[int]) -> float:
        inter = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
        return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)

    ious = [[iou(box, g) for g in p["gt"]] for box in p["preds"]]
    return {"iou": [row[0] for row in ious] if n_gt == 1 else ious, "precision": len(tp) / len(kept), "recall": len(tp) / n_gt,
            "ap": _ap_from_flags([int(b in tp) for b in order], n_gt)[2]}


_ROUNDED_PATHS = {
    "rnn-step": _rnn_rounded,
    "average-precision": _average_precision_rounded,
    "confusion-matrix": _confusion_rounded,
    "cross-entropy": _ce_rounded,
    "activation": _activation_rounded,
    "init-scale": _init_rounded,
    "precision-recall": _pr_rounded,
    "batchnorm": _bn_rounded,
    "gru-step": lambda p: _gru_rounded(p, list(p["h_prev"]), list(p["x"])),
    "lstm-step": lambda p: _lstm_rounded(p, list(p["h_prev"]), list(p["c_prev"]), list(p["x"])),
    "scenario-sequence": _sequence_rounded,
    "bptt-gradient": _bptt_rounded,
}


def _typed(part, value) -> str:
    """`value` written as a student would: to the part's decimals (integers as integers)."""
    d = getattr(part.spec, "decimals", None)
    fmt = (lambda x: str(int(x))) if part.spec.integer or d is None and float(value if not isinstance(value, list) else value[0]).is_integer() else (lambda x: f"{x:.{d if d is not None else 6}f}")
    if isinstance(value, list) and value and isinstance(value[0], list):
        return "; ".join(", ".join(fmt(x) for x in row) for row in value)
    return ", ".join(fmt(x) for x in value) if isinstance(value, list) else fmt(value)


def _training_step_all_rounded(p: dict) -> dict[str, object]:
    """scenario-training-step with either loss and either optimizer, every part written to 4 decimals and carried."""
    if p["loss"] == "ce":
        out = _training_step_rounded(p)
        w0 = p["w"][p["update"] - 1]
    else:
        a = p["a"]
        m = len(a)
        mu = sum(a) / m
        sd = math.sqrt(sum((x - mu) ** 2 for x in a) / m)
        y = _r4([p["gamma"] * (x - mu) / sd + p["beta"] for x in a])
        d = _r4([r * v / p["keep"] for r, v in zip(p["mask"], y)])
        err = [p["w"][0] * di + p["b"][0] - t for di, t in zip(d, p["targets"])]
        out = {"bn": y, "dropout": d, "loss": sum(e * e for e in err) / m,
               "grad": 2 / m * sum(e * di for e, di in zip(err, d))}
        w0 = p["w"][0]
    g = round(out["grad"], 4)
    if p["optimizer"] == "sgd":
        out["w_new"] = w0 - p["lr"] * g
    elif p["momentum_form"] == "add-grad":
        out["w_new"] = w0 - p["lr"] * round(p["momentum"] * p["velocity"] + g, 4)
    else:
        out["w_new"] = w0 + round(p["momentum"] * p["velocity"] - p["lr"] * g, 4)
    return out


_ROUNDED_PATHS.update({
    "scenario-training-step": _training_step_all_rounded,
    "optimizer-step": _optimizer_all_rounded,
})

# Kinds where no asked value is reached through a rounded one, each with the reason; `_claim_holds` checks it.
_INTEGER_ONLY = {  # every asked value is an integer, a shape or a set of labels, so nothing is rounded
    "conv-feature-map", "conv-output", "conv-params", "receptive-field", "stacked-conv-params", "scenario-cnn-design",
    "canny-steps", "morphology", "dilated-conv", "skip-fusion-channels", "spp-length", "nms", "yolo-output",
    "recurrent-params",
}
_FROM_EXACT = {  # decimal answers, each computed from the givens and integer answers only (checked: depends_on)
    "dropout": "x·m/q and the test-time output come straight from the givens; the kept count is an integer",
    "pool-output": "each average is one mean of integer pixels",
    "edge-filter": "the magnitude is √(Gx² + Gy²) of the integer Gx, Gy",
    "otsu": "one decimal value (the variance) at the integer threshold",
    "smoothing-filter": "each mean is one average of integer pixels; the median is an integer",
    "scenario-image-pipeline": "the smoothed image is rounded to integers as the prompt says; the magnitude comes "
                               "from integer gradients",
    "regularization": "the factor 1 − ηλ, ∇R and the total gradient are exact at 4 decimals (checked), so the "
                      "update computed from them is exact too",
    "iou": "one value from integer areas",
    "yolo-cell": "the offsets come from the integer cell index and the givens; the sizes from the givens",
}


_EXACT_AT_DECIMALS = {"regularization": ("factor", "penalty", "grad", "total_grad")}


def _is_decimal(part) -> bool:
    return getattr(part.spec, "decimals", None) is not None and not part.spec.integer \
        and part.spec.kind in ("number", "vector", "matrix")


def _flat(v) -> list[float]:
    return [x for item in (v if isinstance(v, list) else [v]) for x in _flat(item)] if isinstance(v, list) \
        else [float(v)]


def _claim_holds(name: str, pr) -> None:
    decimal = {p.name for p in pr.parts if _is_decimal(p)}
    if name in _INTEGER_ONLY:
        assert not decimal, (name, pr.seed, decimal)
        return
    exact = _EXACT_AT_DECIMALS.get(name, ())  # decimal parts another may depend on: checked exact just below
    for part in pr.parts:
        if part.name in decimal:
            assert not set(part.depends_on) & (decimal - set(exact)), (name, pr.seed, part.name, part.depends_on)
    for part in pr.parts:  # the carried values are exact at the decimals asked
        if part.name in exact:
            d = part.spec.decimals
            assert all(abs(x - round(x, d)) < 1e-9 for x in _flat(part.answer)), (name, pr.seed, part.name)


@pytest.mark.parametrize("name", [k.name for k in registry.all_kinds()])
def test_every_kind_accepts_the_rounded_path_or_says_why_none(name: str) -> None:
    """For each kind and 300 seeds: the answers a student gets by writing every asked (or shown) intermediate to its
    decimals and carrying it on are accepted — or the kind is listed with the reason nothing is rounded, and that
    reason is checked. A new kind fails here until it gets a decision."""
    decided = (name in _ROUNDED_PATHS) + (name in _INTEGER_ONLY) + (name in _FROM_EXACT) + (name == "scenario-detection")
    assert decided == 1, f"{name}: add a rounded path or a reason to tests/test_rounded_intermediates.py"
    kind = registry.get(name)
    for seed in range(100000, 100300):
        pr = kind.generate(seed)
        if name in _INTEGER_ONLY or name in _FROM_EXACT:
            _claim_holds(name, pr)
            continue
        if name == "scenario-detection":
            key = {p.name: p.answer for p in pr.parts}
            alt = _detection_rounded(pr.params, key["kept"], key["tp"])
        else:
            alt = _ROUNDED_PATHS[name](pr.params)
        missing = {p.name for p in pr.parts if _is_decimal(p)} - set(alt)
        assert not missing, (name, seed, missing)  # the path covers every decimal answer
        answers = {p.name: _typed(p, alt[p.name]) for p in pr.parts if p.name in alt}
        verdict = grade(pr, answers)
        wrong = [(pv.name, answers[pv.name]) for pv in verdict.parts if pv.name in answers and not pv.correct]
        assert not wrong, (name, seed, wrong, [(p.name, p.answer) for p in pr.parts])
