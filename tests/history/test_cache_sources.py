"""The revisions cache is keyed by a hash of the code that makes its entries (revisions._key).

A module left out of that list would let a changed model or wording serve stale entries, and a
listed file that no longer exists is silently hashed by its name: both are checked here, so a
split or a new module cannot forget the cache.
"""

from __future__ import annotations

from pathlib import Path

from slactl import revisions as history

SRC = Path(history.__file__).parent


def test_every_listed_source_exists() -> None:
    missing = [name for name in history._DIFF_SOURCES if not (SRC / name).is_file()]
    assert missing == []


def test_the_parse_key_covers_every_model_module() -> None:
    # model/config.py is the repository's .slactl.yaml, not a part of a parsed revision.
    modules = {f"model/{path.name}" for path in (SRC / "model").glob("*.py") if path.name != "config.py"}
    assert modules - set(history._PARSE_SOURCES) == set()


def test_the_diff_key_covers_every_wording_and_semdiff_module() -> None:
    modules = {f"wording/{path.name}" for path in (SRC / "wording").glob("*.py")}
    modules |= {f"semdiff/{path.name}" for path in (SRC / "semdiff").glob("*.py")}
    assert modules - set(history._DIFF_SOURCES) == set()
