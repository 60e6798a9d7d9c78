"""What `crm import` is given is told by content, never by the file name alone."""

from __future__ import annotations

import shutil
from pathlib import Path

from crm.sources.detect import GOOGLE, LINKEDIN, OUTLOOK, VCARD, kind_of_path
from tests.sources.conftest import FIXTURES
from tests.sources.conftest import LINKEDIN as LINKEDIN_DIR


def test_each_shape_by_content(tmp_path: Path, linkedin_zip: Path) -> None:
    renamed = {}
    for name in ("google_new.csv", "google_old.csv", "outlook.csv", "outlook_short.csv",
                 "Connections_2019.csv"):
        target = tmp_path / f"{name}.txt"  # names say nothing
        shutil.copy(FIXTURES / name, target)
        renamed[name] = kind_of_path(target)
    assert renamed == {"google_new.csv": GOOGLE, "google_old.csv": GOOGLE,
                       "outlook.csv": OUTLOOK, "outlook_short.csv": OUTLOOK,
                       "Connections_2019.csv": LINKEDIN}
    zipped = tmp_path / "archive.bin"
    shutil.copy(linkedin_zip, zipped)
    assert kind_of_path(zipped) == LINKEDIN
    assert kind_of_path(LINKEDIN_DIR) == LINKEDIN
    assert kind_of_path(LINKEDIN_DIR / "messages.csv") == LINKEDIN
    vcf = tmp_path / "contacts.csv"
    vcf.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\n")
    assert kind_of_path(vcf) == VCARD


def test_what_is_none_of_them(tmp_path: Path) -> None:
    assert kind_of_path(LINKEDIN_DIR / "Rich_Media.csv") is None
    assert kind_of_path(tmp_path) is None  # an empty folder
    assert kind_of_path(tmp_path / "missing.csv") is None
