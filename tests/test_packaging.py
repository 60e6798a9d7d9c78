"""An installed (non-editable) crm finds its migrations and creates a working database."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_migrations_and_they_run(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(dist), str(ROOT)],
        check=True, capture_output=True,
    )
    wheel = next(dist.glob("crm-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "crm/_migrations/env.py" in names
    assert any(n.startswith("crm/_migrations/versions/0001") for n in names)
    assert "crm/core/agenda/intro_template.txt" in names  # `crm intro`'s default template
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = dict(os.environ, PYTHONPATH=str(site), CRM_DATA_DIR=str(tmp_path / "data"))
    code = (
        "import crm, sys\n"
        f"assert crm.__file__.startswith({str(site)!r}), crm.__file__\n"
        "from crm.cli import run\n"
        "sys.exit(run(['db', 'current', '--json']) or run(['demo']) or run(['people', '--json']))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert '"Jordan Lee"' in out.stdout
    db_file = tmp_path / "data" / "crm.sqlite3"
    assert db_file.exists() and (db_file.stat().st_mode & 0o777) == 0o600
