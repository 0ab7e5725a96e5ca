"""Cross-checks of the kind `edge-filter` (Edge operators).

The notes on the references, shared with the kinds it was first checked with:
The eight core kinds, each checked against an independent implementation over 500+ seeds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import ndimage, signal

from tests.kinds._refs import gen, follow_through, no_follow_through


STANDARD_KERNELS = {
    "roberts": (np.array([[1, 0], [0, -1]]), np.array([[0, 1], [-1, 0]])),
    "prewitt": (np.array([[-1, 0, 1]] * 3), np.array([[-1] * 3, [0] * 3, [1] * 3])),
    "sobel": (np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]), np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])),
}


def test_edge_filter_against_scipy_correlate():
    for seed in range(600):
        pr = gen("edge-filter", seed)
        p = pr.params
        kx, ky = STANDARD_KERNELS[p["operator"]]
        assert np.array_equal(np.array(p["kernel_x"]), kx) and np.array_equal(np.array(p["kernel_y"]), ky)
        img = np.array(p["image"], dtype=float)
        k = kx.shape[0]
        # scipy.signal.correlate2d 'valid' is the un-flipped sliding sum over the valid region
        gx = signal.correlate2d(img, kx, mode="valid")
        gy = signal.correlate2d(img, ky, mode="valid")
        # and it agrees with ndimage.correlate on the interior for odd kernels
        if k == 3:
            assert np.array_equal(ndimage.correlate(img, kx.astype(float), mode="constant")[1:-1, 1:-1], gx)
        mag = np.hypot(gx, gy) if p["magnitude"] == "l2" else np.abs(gx) + np.abs(gy)
        ans = pr.answer
        if "at" in p:
            i, j = p["at"]
            assert ans == pytest.approx({"gx": gx[i, j], "gy": gy[i, j], "magnitude": mag[i, j]}, abs=1e-9)
            assert (gx[i, j], gy[i, j]) != (0, 0)
        else:
            np.testing.assert_allclose(ans["gx"], gx, atol=1e-9)
            np.testing.assert_allclose(ans["gy"], gy, atol=1e-9)
            np.testing.assert_allclose(ans["magnitude"], mag, atol=1e-9)
            assert np.any(gx) or np.any(gy)


@pytest.mark.parametrize("operator, kx, ky", [
    ("sobel", [[1, 0], [0, -1]], [[0, 1], [-1, 0]]),                                      # Roberts kernels
    ("roberts", [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),  # Sobel kernels
])
def test_a_named_operator_with_other_kernels_is_refused(operator, kx, ky):
    """The prompt names the operator: 'the Sobel operator' over Roberts kernels would be a wrong problem."""
    from tests.kinds._refs import one_line_param_error

    one_line_param_error("edge-filter", {"operator": operator, "image": [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
                                         "kernel_x": kx, "kernel_y": ky, "magnitude": "l1"})


def _mat_text(rows, fmt):
    return "; ".join(" ".join(fmt(v) for v in row) for row in rows)


def test_carry_forward_gives_follow_through_credit():
    """A wrong Gx and Gy carried into |G|: the magnitude computed here from the student's own components (by the
    rule the prompt states) gets full marks and is marked carried; the key's magnitude stays plainly right; a
    magnitude wrong both ways scores 0."""
    import math

    from examgen import registry

    kind = registry.get("edge-filter")
    checked = 0
    for seed in range(200):
        pr = gen("edge-filter", seed)
        p, ans = pr.params, pr.answer
        l2 = p["magnitude"] == "l2"

        def mag(a, b):
            return math.sqrt(a * a + b * b) if l2 else abs(a) + abs(b)

        def fmt(v):
            return f"{v:.2f}" if l2 else str(int(round(v)))

        carry = kind.carry(p)
        if "at" in p:
            gx, gy = ans["gx"] + 3, ans["gy"] - 2
            follow, key = mag(gx, gy), ans["magnitude"]
            if abs(follow - key) <= 0.02 * abs(key) + 0.01:
                continue
            given = {"gx": str(gx), "gy": str(gy)}
            far = fmt(max(follow, key) + 5)
        else:
            gx = [[v + 3 for v in r] for r in ans["gx"]]
            gy = [[v - 2 for v in r] for r in ans["gy"]]
            follow = [[mag(a, b) for a, b in zip(ra, rb)] for ra, rb in zip(gx, gy)]
            key = ans["magnitude"]
            if all(abs(f - k) <= 0.02 * abs(k) + 0.01 for rf, rk in zip(follow, key) for f, k in zip(rf, rk)):
                continue
            given = {"gx": _mat_text(gx, str), "gy": _mat_text(gy, str)}
            far = _mat_text([[max(f, k) + 5 for f, k in zip(rf, rk)] for rf, rk in zip(follow, key)], fmt)
            follow = _mat_text(follow, fmt)
        follow_text = follow if isinstance(follow, str) else fmt(follow)
        key_text = _mat_text(key, fmt) if isinstance(key, list) else fmt(key)
        by = follow_through(pr, carry, given, "magnitude", follow_text, key_text, far, seed)
        assert by["gx"].score < 1 and by["gy"].score < 1, seed
        checked += 1
    assert checked >= 100


def test_no_follow_through_from_fractional_gradients():
    """Integer kernels on an integer image give whole Gx and Gy (the parts ask for integers): a magnitude computed
    from a fractional gradient is not carried and scores 0."""
    pr = gen("edge-filter", 2)  # Sobel at one pixel, L2 magnitude
    no_follow_through(pr, {"gx": "2.5", "gy": "3"}, "magnitude", f"{math.hypot(2.5, 3):.4f}")
    pr = gen("edge-filter", 1)  # Roberts map, L1 magnitude
    no_follow_through(pr, {"gx": "0.5 1.5; 2.5 3.5", "gy": "1 2; 1 1"}, "magnitude", "1.5 3.5; 3.5 4.5")
