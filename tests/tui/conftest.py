"""Fixtures for the TUI tests: SQLite copies of an empty and a demo database. The helpers
that drive the app are in tests/tui/helpers.py."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm.core.db import open_database
from crm.core.samples.demo import load_demo


@pytest.fixture(autouse=True)
def _collectable_again() -> Iterator[None]:
    """The app freezes what start-up made (CrmApp._prepare_other_screens) for as long as it
    runs, which in a test process is one test: what a test's app left is collectable
    again after it."""
    yield
    gc.unfreeze()


@pytest.fixture(scope="session")
def demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copyfile(sqlite_template, path)
    db = open_database(str(path))
    with db.write() as s:
        load_demo(s)
    db.dispose()
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "crm.sqlite3"
    shutil.copyfile(demo_template, path)
    return str(path)


@pytest.fixture
def empty_path(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "crm.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return str(path)
