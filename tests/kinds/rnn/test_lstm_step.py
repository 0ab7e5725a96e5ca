"""Cross-checks of the kind `lstm-step` (One LSTM step).

The notes on the references, shared with the kinds it was first checked with:
The eight core kinds, each checked against an independent implementation over 500+ seeds."""

from __future__ import annotations

import math

import numpy as np

from examgen import registry

from tests.kinds._refs import gen


SEEDS = range(500)


def _lstm_numpy(p):
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    z = np.concatenate([p["h_prev"], p["x"]])
    f = sig(np.array(p["W_f"]) @ z + p["b_f"])
    i = sig(np.array(p["W_i"]) @ z + p["b_i"])
    ct = np.tanh(np.array(p["W_c"]) @ z + p["b_c"])
    o = sig(np.array(p["W_o"]) @ z + p["b_o"])
    c = f * np.array(p["c_prev"]) + i * ct
    h = o * np.tanh(c)
    return {"f": f, "i": i, "c_tilde": ct, "c": c, "o": o, "h": h}


def test_lstm_step_against_numpy():
    for seed in SEEDS:
        pr = gen("lstm-step", seed)
        ref = _lstm_numpy(pr.params)
        for name, value in pr.answer.items():
            np.testing.assert_allclose(value, ref[name], atol=1e-9, err_msg=f"{seed} {name}")
        for key in ("W_f", "W_i", "W_c", "W_o"):
            for row in pr.params[key]:
                for v in row:
                    assert round(v, 2) == v  # one or two decimals
        assert 1 <= len(pr.params["h_prev"]) <= 2


def test_lstm_carry_forward_credits_consistent_later_parts():
    from examgen.grading import grade

    kind = registry.get("lstm-step")
    pr = kind.generate(5)
    ans = pr.answer
    fmt = lambda v: ", ".join(repr(x) for x in v)  # noqa: E731
    wrong_f = [x + 0.2 for x in ans["f"]]
    c_from_wrong = [f * c0 + i * ct for f, c0, i, ct in zip(wrong_f, pr.params["c_prev"], ans["i"], ans["c_tilde"])]
    h_from_wrong = [o * math.tanh(c) for o, c in zip(ans["o"], c_from_wrong)]
    sheet = {"f": fmt(wrong_f), "i": fmt(ans["i"]), "c_tilde": fmt(ans["c_tilde"]), "c": fmt(c_from_wrong),
             "o": fmt(ans["o"]), "h": fmt(h_from_wrong)}
    v = grade(pr, sheet, kind.carry(pr.params))
    scores = {pv.name: pv.score for pv in v.parts}
    assert scores["f"] == 0 and scores["c"] == 1 and scores["h"] == 1
    assert [pv.carried for pv in v.parts if pv.name == "c"] == [True]
    # without the hook, the consistent-but-wrong parts get nothing
    v2 = grade(pr, sheet, None)
    assert {pv.name: pv.score for pv in v2.parts}["c"] == 0
    # a c that is wrong both ways gets nothing even with the hook
    sheet["c"] = fmt([x + 5 for x in c_from_wrong])
    v3 = grade(pr, sheet, kind.carry(pr.params))
    assert {pv.name: pv.score for pv in v3.parts}["c"] == 0
