"""`python -m bench` runs end to end on tiny inputs (the figures themselves are not judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.cache import CARDS_VERSION, GENERATOR_VERSION
from bench.timing import from_samples


def test_help_names_the_options() -> None:
    done = subprocess.run([sys.executable, "-m", "bench", "--help"], capture_output=True,
                          text=True, check=True)
    for option in ("--sizes", "--cards", "--runs", "--only", "--out", "--cache-dir"):
        assert option in done.stdout


def test_bad_section_is_one_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--only", "network,speed"])
    assert exit_.value.code == 2
    assert "unknown section(s) speed" in capsys.readouterr().err


def test_tiny_run_writes_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "latest.md"
    code = main(["--sizes", "200", "--cards", "40", "--runs", "1", "--only", "network,import",
                 "--out", str(out), "--cache-dir", str(tmp_path / "cache")])
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert capsys.readouterr().out.strip() == text.strip()
    assert "Load average (1 min) during the run" in text
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    whats = [row.split(" | ")[0].lstrip("| ") for row in rows[1:]]
    assert any(w.startswith("`crm who '#ID' --json`") for w in whats)
    assert "import / vobject parse" in whats
    assert all(" | 200 people" in row or " | 40 cards | " in row for row in rows[1:])
    assert "failed" not in text
    # The generated inputs are cached where asked, outside the repository.
    cached = {p.name for p in (tmp_path / "cache").iterdir()}
    assert f"network-200-seed1-v{GENERATOR_VERSION}.sqlite3" in cached
    assert f"phone-40-v{CARDS_VERSION}.vcf" in cached


def test_postgres_rows_when_a_server_is_given(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import create_engine, text

    from tests.conftest import drop_pg_database, pg_admin_url

    admin = pg_admin_url()
    if admin is None:
        pytest.skip("CRM_TEST_POSTGRES_URL is not set")
    name = f"crm_bench_150_seed1_v{GENERATOR_VERSION}"
    drop_pg_database(admin, name)  # generated afresh, as on a new machine
    try:
        code = main(["--sizes", "150", "--cards", "30", "--runs", "1", "--only",
                     "network,import", "--postgres", admin, "--out", "-", "--cache-dir",
                     str(tmp_path / "cache")])
        text_out = capsys.readouterr().out
        assert code == 0, text_out
        assert "failed" not in text_out
        assert ", PostgreSQL 1" in text_out.split("Load average")[0]
        rows = [line for line in text_out.splitlines() if "150 people, PostgreSQL" in line]
        whats = {row.split(" | ")[0].lstrip("| ") for row in rows}
        assert "`crm who '#ID' --json`, whole process" in whats
        assert "search 'mul', first 50, in-process" in whats
        assert "`crm people mul --json --limit 50`, whole process" in whats
        imports = {row.split(" | ")[0].lstrip("| ") for row in text_out.splitlines()
                   if "30 cards, PostgreSQL" in row}
        assert imports == {"`crm import` in-process, fresh database",
                           "re-import of the same file (all unchanged)",
                           "import / vobject parse"}  # (issue 19's PostgreSQL ratio)
        # The network really is in its own database there, with all 150 people.
        engine = create_engine(admin.rsplit("/", 1)[0] + "/" + name)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM person")) == 150
        engine.dispose()
    finally:
        drop_pg_database(admin, name)


def test_median_and_range() -> None:
    t = from_samples([0.3, 0.1, 0.2], cpu=[0.05, 0.07, 0.06])
    assert (t.median, t.low, t.high, t.runs, t.cpu) == (0.2, 0.1, 0.3, 3, 0.06)
    assert str(t) == "200.0 ms (100.0–300.0)"


def test_rows_of_one_measure_stay_together() -> None:
    from bench.report import Result, grouped

    rows = [Result("a", "1k", "x"), Result("b", "1k", "x"), Result("a", "10k", "y"),
            Result("b", "10k", "y")]
    assert [(r.what, r.size) for r in grouped(rows)] == [
        ("a", "1k"), ("a", "10k"), ("b", "1k"), ("b", "10k")]
