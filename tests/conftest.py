import os

import pytest
from hypothesis import settings

settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, tmp_path_factory, monkeypatch):
    """Every test gets its own EXAMGEN_HOME, so no test touches a real user's history; the parsed-bank cache is
    one for the session (`examgen.bank_cache`), never the user's."""
    monkeypatch.setenv("EXAMGEN_HOME", str(tmp_path / "examgen-home"))
    monkeypatch.setenv("EXAMGEN_CACHE", str(tmp_path_factory.getbasetemp() / "examgen-cache"))
    monkeypatch.setenv("EXAMGEN_LANG", "en")


@pytest.fixture
def no_full_font(monkeypatch):
    """As on a machine without the optional full Chinese font (`examgen[cjk-full]`, in the test extra): only the
    bundled GB2312 subset prints."""
    from examgen.export import cjk_full, typst_engine

    def clear():
        typst_engine._covered.cache_clear()
        cjk_full._ranges.cache_clear()

    clear()
    monkeypatch.setattr(cjk_full, "font_path", lambda: None)
    yield
    monkeypatch.undo()
    clear()
