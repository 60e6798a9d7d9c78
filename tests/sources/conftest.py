from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
LINKEDIN = FIXTURES / "linkedin"


def zip_export(folder: Path, target: Path, when: tuple[int, int, int] = (2024, 6, 1)) -> Path:
    """A zip laid out as LinkedIn sends it, every member written on ``when``."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(str(path.relative_to(folder)), (*when, 10, 0, 0))
                archive.writestr(info, path.read_bytes())
    return target


@pytest.fixture
def linkedin_zip(tmp_path: Path) -> Path:
    return zip_export(LINKEDIN, tmp_path / "Basic_LinkedInDataExport_06-01-2024.zip")
