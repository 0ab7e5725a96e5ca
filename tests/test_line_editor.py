"""The full-screen answer line (`examgen.ui.keys.LineEditor`): a long answer wraps into rows that hold the whole
text, none wider than its width, with the cursor where the text before it ends; with fewer rows allowed, the
rows shown are those around the cursor."""

from __future__ import annotations

from hypothesis import given, strategies as st
from rich.cells import cell_len

from examgen.ui.keys import LineEditor

TEXT = st.text(alphabet=st.sampled_from("ab 1;，。卷积核感受野"), max_size=120)


@given(TEXT, st.data(), st.integers(4, 30), st.integers(4, 30))
def test_the_rows_hold_the_whole_text_and_the_cursor(text, data, first, width):
    ed = LineEditor(text)
    ed.pos = data.draw(st.integers(0, len(text)))
    rows, row, col, start = ed.rows(first, width, 10_000)
    assert start == 0
    assert "".join(rows) == text
    assert all(cell_len(r) <= (first if i == 0 else width) for i, r in enumerate(rows))
    before = sum(cell_len(r) for r in rows[:row]) + col        # cells before the cursor, row by row
    assert "".join(rows)[:len(text[:ed.pos])] == text[:ed.pos] and before == cell_len(text[:ed.pos])
    assert col <= (first if row == 0 else width)


@given(TEXT, st.data(), st.integers(1, 4))
def test_a_window_of_rows_keeps_the_cursor_in_view(text, data, most):
    ed = LineEditor(text)
    ed.pos = data.draw(st.integers(0, len(text)))
    all_rows, full_row, _, _ = ed.rows(8, 10, 10_000)
    rows, row, col, start = ed.rows(8, 10, most)
    assert len(rows) <= most and 0 <= row < len(rows)
    assert start == full_row - row and rows == all_rows[start:start + len(rows)]


def test_a_chinese_answer_wraps_by_cells():
    ed = LineEditor("卷积核卷积核")
    assert ed.rows(5, 6, 4) == (["卷积", "核卷积", "核"], 2, 2, 0)


def test_the_cursor_at_a_row_end_with_room_stays_where_a_key_lands():
    """卷积 fills 4 of 5 cells; the next 核 (2 cells) starts the next row, but a typed letter fits in the fifth
    cell: the cursor before 核 is drawn there, at the end of row 0, where the letter goes."""
    ed = LineEditor("卷积核")
    ed.pos = 2
    rows, row, col, _ = ed.rows(5, 6, 4)
    assert rows == ["卷积", "核"] and (row, col) == (0, 4)
    ed.insert("Z")
    assert ed.rows(5, 6, 4)[0] == ["卷积Z", "核"]
