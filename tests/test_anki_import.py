"""The .apkg imported with Anki's own library (PyPI `anki`) into a fresh collection, as a student's Anki does."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from examgen.export import anki
from examgen.export.quiz import stable_seed
from examgen.export.run import build
from examgen.export.sources import Selection, selection_problems
from examgen.model import CHAPTERS, FillSpec, Problem

SEL = Selection(kinds=["iou", "lstm-step", "conv-output", "edge-filter"], topics=["detection"], count=2, seed=31,
                lang="en")


@pytest.fixture(scope="module")
def problems() -> list[Problem]:
    return selection_problems(SEL, 31)


def _collection(path: Path):
    from anki.collection import Collection

    return Collection(str(path))


def _import(col, apkg: Path):
    """Import as Anki's File › Import does; returns the log (new / updated / duplicate … notes)."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
    from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition as Cond

    options = ImportAnkiPackageOptions(update_notes=Cond.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
                                       update_notetypes=Cond.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
                                       with_scheduling=False, with_deck_configs=False, merge_notetypes=False)
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=options)).log


def _expected_notes(problems: list[Problem]) -> int:
    seen, n = set(), 0
    for p in problems:
        if p.ref in seen:
            continue
        seen.add(p.ref)
        n += 1 if isinstance(p.parts[0].spec, FillSpec) or len(p.parts) == 1 else len(p.parts)
    return n


def test_second_import_updates_every_note_and_adds_none(problems, tmp_path) -> None:
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    first.write_bytes(anki.render(problems, "en", timestamp=1_800_000_000))
    second.write_bytes(anki.render(list(reversed(problems)), "en", timestamp=1_800_000_600))  # a later export
    col = _collection(tmp_path / "c.anki2")
    try:
        log1 = _import(col, first)
        n = _expected_notes(problems)
        assert len(log1.new) == n and not log1.updated and not log1.duplicate
        assert col.note_count() == n
        log2 = _import(col, second)
        assert len(log2.new) == 0 and len(log2.updated) == n, (len(log2.new), len(log2.updated))
        assert col.note_count() == n
    finally:
        col.close()


def test_export_without_seed_gives_the_same_notes(tmp_path) -> None:
    """No --seed: the seed comes from the selection, so a re-export updates the notes instead of adding."""
    sel = Selection(kinds=["iou", "rnn-step"], count=3, lang="zh")
    a = build(sel, "anki", tmp_path / "a.apkg")[tmp_path / "a.apkg"]
    b = build(sel, "anki", tmp_path / "b.apkg")[tmp_path / "b.apkg"]
    (tmp_path / "a.apkg").write_bytes(a)
    (tmp_path / "b.apkg").write_bytes(b)
    col = _collection(tmp_path / "c.anki2")
    try:
        n = len(_import(col, tmp_path / "a.apkg").new)
        seed = stable_seed(sel.kinds, sel.topics, sel.count, sel.bank)
        assert n == _expected_notes(selection_problems(sel, seed)) > 3
        log = _import(col, tmp_path / "b.apkg")
        assert len(log.new) == 0 and col.note_count() == n
    finally:
        col.close()


def test_cards_as_anki_renders_them(problems, tmp_path) -> None:
    """Parts become notes with the shared stem, fill-in items cloze notes, math MathJax, decks per chapter."""
    path = tmp_path / "a.apkg"
    bank_fill = [p for p in selection_problems(Selection(topics=["cnn"], lang="en"), 1)
                 if isinstance(p.parts[0].spec, FillSpec)][:3]
    path.write_bytes(anki.render(problems + bank_fill, "en", timestamp=1_800_000_000))
    col = _collection(tmp_path / "c.anki2")
    try:
        _import(col, path)
        decks = {d.name for d in col.decks.all_names_and_ids()}
        for chapter in {p.topic for p in problems + bank_fill}:
            assert f"{anki.DECK_NAME['en']}::{CHAPTERS[chapter].en}" in decks
        lstm = next(p for p in problems if p.kind == "lstm-step")
        nids = col.find_notes(f'"Ref:lstm-step · seed {lstm.seed}*"')
        assert len(nids) == len(lstm.parts)
        stems = {col.get_note(n)["Stem"] for n in nids}
        assert len(stems) == 1  # the shared stem on every part
        for nid in nids:
            note = col.get_note(nid)
            card = note.cards()[0]
            q, a = card.question(), card.answer()
            assert r"\(" in q or r"\[" in q  # MathJax delimiters, typeset by Anki's reviewer
            assert not re.search(r"\b[A-Za-z]_\{?[A-Za-z0-9]", html.unescape(re.sub(r"\\\(.*?\\\)", "", note["Part"])))
            assert note.note_type()["name"] == anki.PART_MODEL_NAME and a.startswith(q[:50])
        iou = next(p for p in problems if p.kind == "iou")
        (nid,) = col.find_notes(f'"Ref:iou · seed {iou.seed}"')
        back = col.get_note(nid)["Answer"]
        d = iou.parts[0].spec.decimals
        assert f"{float(iou.parts[0].answer):.{d}f}" in back  # the key keeps the asked decimals
        fill = bank_fill[0]
        (nid,) = col.find_notes(f'"Ref:{fill.item_id}"')
        note = col.get_note(nid)
        assert note.note_type()["type"] == 1  # Anki's cloze note type
        cards = note.cards()
        assert len(cards) == len(fill.parts[0].spec.blanks)
        first = fill.parts[0].spec.blanks[0][0]
        assert "[...]" in cards[0].question() and html.escape(first) in cards[0].answer()
        css = note.note_type()["css"]
        assert "#fff" not in css and "#111" not in css  # no fixed colours: night mode stays readable
    finally:
        col.close()
