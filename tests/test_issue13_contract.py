"""Issue 13, the prompt ↔ grader contract: the examples of the issue through `examgen check`, degenerate draws the
samplers must not make, and the text slips — each checked on what a user meets (the CLI, the prompt text)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from examgen import registry


def run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="100")
    return subprocess.run([sys.executable, "-m", "examgen", *args], capture_output=True, text=True, env=env,
                          timeout=60)


def check(kind: str, seed: int, *answers: str) -> tuple[int, dict]:
    args = ["check", kind, "--seed", str(seed), "--json", "--lang", "en"]
    for a in answers:
        args += ["--answer", a]
    r = run(*args)
    return r.returncode, json.loads(r.stdout)


def part(verdict: dict, name: str) -> dict:
    return next(p for p in verdict["parts"] if p["name"] == name)


# ---------------------------------------------------------------- the issue's examples, through `examgen check`
def test_weighted_f1_seed_100017_key_right_other_reading_wrong() -> None:
    """Defined now as the support-weighted mean of per-class F1: 0.5688 is right, 2·Pw·Rw/(Pw+Rw) = 0.5999 is not."""
    pr = registry.problem("confusion-matrix", 100017)
    assert pr.params["ask"] == "weighted"
    rc, v = check("confusion-matrix", 100017, "weighted_f1=0.5688")
    assert rc == 0 and part(v, "weighted_f1")["correct"]
    rc, v = check("confusion-matrix", 100017, "weighted_f1=0.5999")
    assert rc == 0 and not part(v, "weighted_f1")["correct"]


def test_class_numbering_is_stated_in_both_kinds_seed_100009() -> None:
    ts = registry.problem("scenario-training-step", 100009)
    assert "numbered from 1" in ts.prompt.en and "从 1 开始编号" in ts.prompt.zh
    ce = registry.problem("cross-entropy", 100009)
    assert "numbered 0 to" in ce.prompt.en or "numbered from 0" in ce.prompt.en


@pytest.mark.parametrize(("kind", "seed", "answer"), [
    ("scenario-training-step", 100724, "grad=0.0102"),  # key 0.010055: the issue's gradient example
    ("optimizer-step", 100873, "w1=-0.0165"),  # RMSProp with √s written to 4 decimals (key −0.016228)
    ("optimizer-step", 101282, "w2=-0.0206"),
    ("optimizer-step", 100059, "w2=-0.0008"),  # Adam w₂, the issue's seed
])
def test_rounded_intermediate_examples_are_accepted(kind: str, seed: int, answer: str) -> None:
    name, value = answer.split("=")
    key = next(p.answer for p in registry.problem(kind, seed).parts if p.name == name)
    key = key[-1] if isinstance(key, list) else key
    assert abs(float(value) - key) > max(0.01 * abs(key), 5e-5)  # outside the key's own tolerance
    rc, v = check(kind, seed, answer)
    assert rc == 0 and part(v, name)["correct"], v


@pytest.mark.parametrize(("kind", "answers"), [("iou", ("",)), ("iou", ("  ",)), ("confusion-matrix", ("weighted_f1=",)),
                                              ("confusion-matrix", ("weighted_p=0.6", "weighted_r= "))])
def test_blank_answer_is_a_format_error(kind: str, answers: tuple[str, ...]) -> None:
    """The whole answer or one part left blank: exit 3, a format error, not correct (so not logged as an attempt)."""
    rc, v = check(kind, 100017, *answers)
    assert rc == 3 and v["format_error"] and v["correct"] is False


# ---------------------------------------------------------------- degenerate draws
def test_dilated_same_never_draws_a_kernel_larger_than_the_input() -> None:
    kind = registry.get("dilated-conv")
    same = 0
    for seed in range(3000):
        p = kind.generate(seed).params
        if p["ask"] == "same":
            same += 1
            assert p["rates"][0] * (p["kernel"] - 1) + 1 <= min(p["input_hw"]), (seed, p)
    assert same > 500


def test_solve_refuses_same_padding_with_a_kernel_larger_than_the_input() -> None:
    r = run("solve", "dilated-conv", "-p", "ask=same", "-p", "kernel=3", "-p", "rates=[24]", "-p", "input_hw=[28,28]",
            "-p", "stride=1", "-p", "in_channels=16", "-p", "out_channels=16", "-p", "bias=true")
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert r.returncode == 2 and len(lines) == 1 and "Traceback" not in r.stderr
    assert "49" in lines[0] and "28×28" in lines[0]


def test_conv_params_counts_have_at_most_7_digits() -> None:
    """Recounted here: k²·C_in·C_out (+ C_out) for conv, H·W·C·N (+ N) for fc and global kernels."""
    kind = registry.get("conv-params")
    layers = set()
    for seed in range(1000):
        pr = kind.generate(seed)
        p = pr.params
        h, w, c = p["input_shape"]
        per = p["kernel"] ** 2 * c if p["layer"] == "conv" else h * w * c
        count = per * p["out"] + (p["out"] if p["bias"] else 0)
        assert count <= 9_999_999, (seed, p, count)
        assert count in [q.answer for q in pr.parts], (seed, p)
        layers.add(p["layer"])
    assert layers == {"conv", "fc", "global"}


def test_detection_ap_differs_from_precision() -> None:
    kind = registry.get("scenario-detection")
    same = 0
    for seed in range(100000, 100300):
        key = {p.name: p.answer for p in kind.generate(seed).parts}
        same += round(key["ap"], 3) == round(key["precision"], 3)
    assert same == 0  # was 167 of 300


# ---------------------------------------------------------------- text slips
_SLIPS = re.compile(r"和[^，。；：]{0,8}和|\w,[\u4e00-\u9fff]|[\u4e00-\u9fff],|[A-Za-z]\([A-Za-z]+\)[\u4e00-\u9fff]"
                    r"|[0-9A-Za-z$]按")


@pytest.mark.parametrize("name", ["pool-output", "init-scale", "skip-fusion-channels", "recurrent-params",
                                  "conv-feature-map", "scenario-cnn-design", "dilated-conv", "spp-length"])
def test_prompt_text_slips_are_gone(name: str) -> None:
    kind = registry.get(name)
    for seed in range(200):
        zh = kind.generate(seed).prompt.zh
        assert not _SLIPS.search(zh), (name, seed, _SLIPS.search(zh).group(0), zh)
        assert "最大池化和平均池化" not in zh and "不填充,放不下" not in zh and "Xavier(Glorot)" not in zh


def test_slip_pattern_catches_the_issue_examples() -> None:
    for text in ("求池化后的尺寸和最大池化和平均池化结果", "不填充,放不下的窗口舍去", "采用 Xavier(Glorot)初始化",
                 "特征图 $8 times 8 times 64$按通道拼接"):
        assert _SLIPS.search(text), text
