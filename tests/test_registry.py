"""The registry finds kinds by walking examgen/kinds/ and imports only what a kind needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from examgen import registry
from examgen.model import CHAPTERS

KINDS_DIR = Path(registry.__file__).parent / "kinds"


def test_every_kind_module_is_one_kind_named_after_its_file_in_its_chapter():
    files = sorted(p for p in KINDS_DIR.glob("*/*.py") if not p.name.startswith("_"))
    assert len(files) == len(registry.all_kinds()) == 38
    for path in files:
        kind = registry.get(path.stem.replace("_", "-"))
        assert kind.chapter.replace("-", "_") == path.parent.name, path
        assert sys.modules[f"examgen.kinds.{path.parent.name}.{path.stem}"]
    assert {k.name for k in registry.all_kinds()} == set(registry.index())
    folders = [p.name for p in KINDS_DIR.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))]
    order = [c.replace("-", "_") for c in CHAPTERS]
    assert all(f in order for f in folders)
    index_folders = list(dict.fromkeys(m.split(".")[2] for m in registry.index().values()))
    assert index_folders == sorted(index_folders, key=order.index)


def _modules_after(code: str) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(Path(registry.__file__).parents[1]))
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json\n"
                          "print(json.dumps(sorted(m for m in sys.modules if m.startswith('examgen.kinds.'))))"],
                         capture_output=True, text=True, check=True, env=env).stdout
    return [m for m in json.loads(out) if not m.rsplit(".", 1)[1].startswith("_") and m.count(".") == 3]


def test_get_imports_only_the_kind_asked_for():
    assert _modules_after("from examgen import registry; registry.get('iou')") == ["examgen.kinds.detection.iou"]
    assert _modules_after("from examgen import registry; registry.index()") == []
    # a scenario imports the kinds whose solvers it calls, and nothing else
    loaded = _modules_after("from examgen import registry; registry.get('scenario-detection')")
    assert "examgen.kinds.detection.scenario_detection" in loaded and len(loaded) < 10
    assert not any(".rnn." in m or ".training." in m for m in loaded)


def test_an_unknown_kind_suggests_close_names():
    import pytest

    from examgen.errors import UserError

    with pytest.raises(UserError) as exc:
        registry.get("iuo")
    assert "did you mean" in str(exc.value) and "iou" in str(exc.value)


def test_suggestions_are_typos_or_prefixes_never_random_words():
    import pytest

    from examgen.errors import UserError
    from examgen.suggest import close_names

    kinds = list(registry.index())
    assert close_names("ioo", kinds) == ["iou"] and close_names("nsm", kinds) == ["nms"]
    assert close_names("iuo", kinds) == ["iou"] and close_names("batchnrom", kinds) == ["batchnorm"]
    assert close_names("lstm", kinds) == ["lstm-step"]                  # a name it begins
    for word in ("nosuch", "hello", "random", "abc", "test", "xyz"):
        assert close_names(word, kinds) == [], word
    with pytest.raises(UserError) as exc:
        registry.get("nosuch")
    assert exc.value.en == "unknown kind 'nosuch'; `examgen list` shows all kinds"
