"""The parsed-bank cache (`examgen.bank_cache`): a hit gives exactly what parsing gives; a damaged, truncated,
foreign or oversized cache file, a changed bank file and an unusable cache directory all fall back to parsing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from examgen import bank, bank_cache
from examgen.safe_read import BANK, parse_yaml, read_text

ITEM = """
chapter: cnn
items:
  - id: t-cache-01
    type: tf
    chapter: cnn
    concepts: [pooling]
    points: 2
    difficulty: 1
    source: test
    stem: {zh: 池化层没有可学习的参数。, en: A pooling layer has no learnable parameters.}
    answer: true
    explanation: {zh: 最大池化只取最大值。, en: Max pooling only takes the maximum.}
"""


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("EXAMGEN_CACHE", str(d))
    return d


def shipped_files() -> list[Path]:
    return [p for p in sorted(bank.shipped_dir().glob("*.yaml")) if p.name != "blueprint.yaml"]


def plain_yaml(path: Path):
    """An independent reading: PyYAML's own safe loader, without line numbers."""
    def strip(v):
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if k not in ("__line__", "__lines__")}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v
    return strip, yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)


def as_plain(b: bank.Bank):
    return ([vars(it) for it in b.items], {k: vars(c) for k, c in b.concepts.items()},
            [str(i) for i in b.issues], b.files)


def no_parsing(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("parsed although the cache should have answered")
    monkeypatch.setattr("examgen.safe_read.parse_yaml", refuse)


def test_a_hit_equals_a_fresh_parse_and_parses_nothing(cache, monkeypatch):
    fresh = bank.load(bank.bank_dirs())
    written = sorted(cache.glob("bank-*.json"))
    assert len(written) == len(shipped_files())
    for path in shipped_files():
        text = read_text(path, BANK)
        hit = bank_cache.get(path, text)
        assert hit is not bank_cache.MISS, path
        assert hit == parse_yaml(text, path.name, BANK, bank._line_loader())
        strip, independent = plain_yaml(path)
        assert strip(hit) == independent, path
    no_parsing(monkeypatch)
    again = bank.load(bank.bank_dirs())
    assert as_plain(again) == as_plain(fresh)
    assert len(again.items) == len(fresh.items) >= 400


def _entry_of(cache: Path, path: Path) -> Path:
    bank.load([path.parent])
    (entry,) = [e for e in cache.glob("bank-*.json") if bank_cache._entry(path) == e]
    return entry


@pytest.mark.parametrize("damage", ["garbage", "truncated", "body-changed", "foreign-key", "not-an-object", "empty",
                                    "oversized", "directory", "deep"])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(cache, tmp_path, damage):
    src = tmp_path / "bank"
    src.mkdir()
    (src / "cnn.yaml").write_text(textwrap.dedent(ITEM), encoding="utf-8")
    expected = as_plain(bank.load([src]))
    entry = _entry_of(cache, src / "cnn.yaml")
    good = entry.read_bytes()
    head, _, body = good.partition(b"\n")
    if damage == "garbage":
        entry.write_bytes(b"\x00\xff not json at all")
    elif damage == "truncated":
        entry.write_bytes(good[: len(good) * 2 // 3])
    elif damage == "body-changed":
        entry.write_bytes(head + b"\n" + body.replace("池化".encode(), "卷积".encode()))
    elif damage == "foreign-key":
        meta = json.loads(head)
        meta["key"] = "0" * 64
        entry.write_bytes(json.dumps(meta).encode() + b"\n" + body)
    elif damage == "not-an-object":
        entry.write_bytes(b"[1, 2, 3]\n" + body)
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "oversized":
        entry.write_bytes(good + b" " * (20 * len(good)))
    elif damage == "directory":
        entry.unlink()
        entry.mkdir()
    elif damage == "deep":
        entry.write_bytes(b"[" * 200_000 + b"]" * 200_000)
    assert bank_cache.get(src / "cnn.yaml", (src / "cnn.yaml").read_text(encoding="utf-8")) is bank_cache.MISS
    assert as_plain(bank.load([src])) == expected
    if damage != "directory":
        assert entry.read_bytes() == good  # rebuilt


def test_a_changed_bank_file_misses(cache, tmp_path, monkeypatch):
    src = tmp_path / "bank"
    src.mkdir()
    f = src / "cnn.yaml"
    f.write_text(textwrap.dedent(ITEM), encoding="utf-8")
    (first,) = bank.load([src]).items
    assert first.answer is True and first.stem.en.startswith("A pooling layer")
    # same size, same modification time: only the content differs
    st = f.stat()
    f.write_text(textwrap.dedent(ITEM).replace("answer: true", "answer: fals").replace("A pooling", "B pooling"),
                 encoding="utf-8")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    loaded = bank.load([src])
    assert [it.answer for it in loaded.items] == ["fals"] and loaded.items[0].stem.en.startswith("B pooling")
    assert any("true/false answer" in str(i) for i in loaded.issues)
    f.write_text(textwrap.dedent(ITEM).replace("A pooling", "Any pooling"), encoding="utf-8")
    (second,) = bank.load([src]).items
    assert second.stem.en.startswith("Any pooling")


def test_data_json_would_not_give_back_is_not_cached(cache, tmp_path):
    src = tmp_path / "bank"
    src.mkdir()
    f = src / "cnn.yaml"
    f.write_text(textwrap.dedent(ITEM).replace("source: test", "source: 2024-05-01")
                 .replace("points: 2", "points: 2\n    3: three"), encoding="utf-8")
    loaded = bank.load([src])
    assert any("source must name" in str(i) for i in loaded.issues)
    assert bank_cache.get(f, f.read_text(encoding="utf-8")) is bank_cache.MISS
    assert not list(cache.glob("bank-*.json"))
    assert as_plain(bank.load([src])) == as_plain(loaded)


def test_an_unusable_cache_directory_never_fails(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("EXAMGEN_CACHE", str(blocker / "cache"))
    loaded = bank.load(bank.bank_dirs())
    assert len(loaded.items) >= 400 and loaded.issues == []
    monkeypatch.delenv("EXAMGEN_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert bank_cache.cache_dir() == blocker / "examgen"
    assert len(bank.load(bank.bank_dirs()).items) == len(loaded.items)


def test_cache_directory_follows_xdg_and_home(tmp_path, monkeypatch):
    monkeypatch.delenv("EXAMGEN_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert bank_cache.cache_dir() == tmp_path / "xdg" / "examgen"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert bank_cache.cache_dir() == tmp_path / "home" / ".cache" / "examgen"


def test_the_limits_of_safe_read_still_hold_with_a_warm_cache(cache, tmp_path):
    src = tmp_path / "bank"
    src.mkdir()
    f = src / "cnn.yaml"
    f.write_text(textwrap.dedent(ITEM), encoding="utf-8")
    bank.load([src])
    f.write_bytes(b"chapter: cnn\nitems: []\n" + b"#" * 5_000_001)
    loaded = bank.load([src])
    assert [i for i in loaded.issues if i.fatal is not None and "5 MB" in i.message]


def test_a_warm_start_does_not_import_yaml(cache):
    code = ("import sys; from examgen import bank; b = bank.load(bank.bank_dirs()); "
            "print(len(b.items), 'yaml' in sys.modules)")
    env = dict(os.environ, EXAMGEN_CACHE=str(cache))
    cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    warm = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert cold.stdout.split()[1] == "True"
    assert warm.stdout.split() == [cold.stdout.split()[0], "False"]


# ---------------------------------------------------------------- the whole bank (what `load_bank` uses)
def refuse_load(dirs):
    raise AssertionError("loaded although the whole-bank cache should have answered")


def test_the_whole_bank_from_the_cache_equals_a_fresh_load(cache):
    dirs = bank.bank_dirs()
    fresh = bank.load(dirs)
    first = bank_cache.cached_bank(dirs, bank.load)
    assert list(cache.glob("bankset-*.json"))
    hit = bank_cache.cached_bank(dirs, refuse_load)
    assert hit == fresh and as_plain(hit) == as_plain(fresh) == as_plain(first)
    assert [it.checked for it in hit.items] == [it.checked for it in fresh.items]
    assert sum(it.checked for it in hit.items) == sum(it.type == "short" for it in fresh.items) >= 45
    assert all(type(k.keywords) is tuple and all(type(g) is tuple for g in k.keywords)
               for it in hit.items for k in it.rubric)


def test_the_whole_bank_cache_misses_on_a_changed_or_added_file(cache, tmp_path):
    src = tmp_path / "bank"
    src.mkdir()
    f = src / "cnn.yaml"
    f.write_text(textwrap.dedent(ITEM), encoding="utf-8")
    (a,) = bank_cache.cached_bank([src], bank.load).items
    f.write_text(textwrap.dedent(ITEM).replace("A pooling", "B pooling"), encoding="utf-8")
    (b,) = bank_cache.cached_bank([src], bank.load).items
    assert b.stem.en.startswith("B pooling")
    (src / "rnn.yaml").write_text(textwrap.dedent(ITEM).replace("cnn", "rnn").replace("t-cache-01", "t-cache-02"),
                                  encoding="utf-8")
    assert [it.id for it in bank_cache.cached_bank([src], bank.load).items] == ["t-cache-01", "t-cache-02"]
    assert [it.id for it in bank_cache.cached_bank([src], refuse_load).items] == ["t-cache-01", "t-cache-02"]


def test_a_bank_with_issues_is_not_stored_whole_and_a_bad_file_still_fails(cache, tmp_path):
    src = tmp_path / "bank"
    src.mkdir()
    f = src / "cnn.yaml"
    f.write_text(textwrap.dedent(ITEM).replace("answer: true", "answer: maybe"), encoding="utf-8")
    loaded = bank_cache.cached_bank([src], bank.load)
    assert loaded.issues and not list(cache.glob("bankset-*.json"))
    f.write_bytes(b"chapter: cnn\nitems: [\n")
    assert any(i.fatal is not None for i in bank_cache.cached_bank([src], bank.load).issues)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong-shape"])
def test_a_damaged_whole_bank_entry_falls_back_to_loading(cache, tmp_path, damage):
    src = tmp_path / "bank"
    src.mkdir()
    (src / "cnn.yaml").write_text(textwrap.dedent(ITEM), encoding="utf-8")
    expected = bank_cache.cached_bank([src], bank.load)
    (entry,) = cache.glob("bankset-*.json")
    good = entry.read_bytes()
    head, _, body = good.partition(b"\n")
    if damage == "garbage":
        entry.write_bytes(b"{]")
    elif damage == "truncated":
        entry.write_bytes(good[:-10])
    else:  # a consistent entry of another shape: checksum right, data wrong
        import hashlib

        meta = json.loads(head)
        bad = json.dumps({"files": [], "items": [[1, 2]], "concepts": []}).encode()
        meta["sum"] = hashlib.sha256(bad).hexdigest()
        entry.write_bytes(json.dumps(meta).encode() + b"\n" + bad)
    assert bank_cache.cached_bank([src], bank.load) == expected
    assert entry.read_bytes() == good


# ---------------------------------------------------------------- the blueprint
def lines_of(v):
    """Every mapping's value, line and key lines, recursively (what the blueprint's errors are built from)."""
    from examgen.blueprint import _Map

    if isinstance(v, _Map):
        return ("map", v.line, dict(v.lines), [(k, lines_of(x)) for k, x in v.items()])
    if isinstance(v, list):
        return ("list", [lines_of(x) for x in v])
    return ("value", type(v).__name__, v)


def test_a_cached_blueprint_parses_to_the_same_data_lines_and_blueprint(cache, monkeypatch):
    from examgen import blueprint
    from examgen.safe_read import BLUEPRINT

    path = blueprint.shipped_blueprint()
    text = path.read_text(encoding="utf-8")
    fresh = parse_yaml(text, "blueprint.yaml", BLUEPRINT, blueprint._yaml_loader())
    miss = blueprint.parse_blueprint(text, "blueprint.yaml", name="default")
    assert list(cache.glob("blueprint-*.json"))
    no_parsing(monkeypatch)
    monkeypatch.setattr(blueprint, "parse_yaml", None, raising=False)
    hit_data = blueprint._parse_cached(text, "blueprint.yaml", refuse_load)
    assert lines_of(hit_data) == lines_of(fresh)
    hit = blueprint.parse_blueprint(text, "blueprint.yaml", name="default")
    assert hit == miss


def test_a_blueprint_error_names_the_same_line_from_the_cache(cache, tmp_path):
    from examgen.blueprint import _BP_CACHE, load_blueprint
    from examgen.errors import UserError

    text = (bank.shipped_dir() / "blueprint.yaml").read_text(encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.strip().startswith("points: "))
    bad = tmp_path / "bp.yaml"
    bad.write_text(text.replace("points: ", "points: -", 1), encoding="utf-8")
    messages = []
    for _ in range(2):
        _BP_CACHE.clear()
        with pytest.raises(UserError) as exc:
            load_blueprint(str(bad))
        messages.append(str(exc.value))
        assert bank_cache.get(bad, bad.read_text(encoding="utf-8"), "blueprint") is not bank_cache.MISS
    assert messages[0] == messages[1] and f"{bad}:{line}:" in messages[0]
