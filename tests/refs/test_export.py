"""Exporting the reference list: the file, its mode, the recorded uses, the checklist, errors."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm.core.db import Database
from crm.core.errors import CrmError, InvalidInput
from crm.core.models import Application, Company, Person, ReferenceUse
from crm.export.service import export_references
from tests.refs.conftest import FORMULA, NON_LATIN, TODAY, Network, build_network


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _uses(db: Database) -> list[tuple[int, int | None, int | None, bool]]:
    with db.read() as s:
        rows = s.execute(select(ReferenceUse.reference_id, ReferenceUse.application_id,
                                ReferenceUse.company_id, ReferenceUse.notified)
                         .order_by(ReferenceUse.id))
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _export(network: Network, path: Path, fmt: str = "json", **kw: object) -> object:
    with network.db.write() as s:
        app = s.get(Application, network.app_id)
        assert app is not None
        return export_references(s, app, fmt, path, today=TODAY, **kw)  # type: ignore[arg-type]


def test_export_lists_agreed_references_records_uses_and_returns_checklist(
        network: Network, tmp_path: Path) -> None:
    out = tmp_path / "refs.json"
    result = _export(network, out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["name"] == "Jordan Lee"
    assert doc["contact"] == "jordan@example.com · +1 415 555 0100"
    assert doc["for"] == "Software Engineer II at Stripe, Inc."
    names = [r["name"] for r in doc["references"]]
    # Only those who agreed, best for this job first.
    assert names == ["Priya Natarajan", "Marcus Webb", NON_LATIN]
    priya = doc["references"][0]
    assert (priya["title"], priya["company"]) == ("Data Science Manager", "Initech")
    assert (priya["phone"], priya["email"]) == ("+1 415 555 0111", "priya@northwind.io")
    assert (priya["relationship"], priya["since"], priya["speaks_to"]) == (
        "My manager at Initech", "2025-01", "SQL, ownership")
    assert _mode(out) == 0o600
    # One use per listed reference, for this application (and its company), not notified.
    uses = _uses(network.db)
    assert len(uses) == 3
    assert {(a, c, n) for _, a, c, n in uses} == {(network.app_id, network.stripe_id, False)}
    checklist = result.to_json()["notify"]  # type: ignore[attr-defined]
    assert [(i["name"], i["contact"]) for i in checklist] == [
        ("Priya Natarajan", "priya@northwind.io"), ("Marcus Webb", "marcus@stripe.com"),
        (NON_LATIN, "dmitri@example.ru")]


@pytest.mark.parametrize("fmt", ["md", "txt", "csv", "html", "pdf"])
def test_every_format_leaves_out_those_who_did_not_agree(network: Network, tmp_path: Path,
                                                         fmt: str) -> None:
    out = tmp_path / f"refs.{fmt}"
    _export(network, out, fmt)
    data = out.read_bytes()
    if fmt == "pdf":
        from pypdf import PdfReader

        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    else:
        text = data.decode("utf-8")
    # CSV is a bare table of references (one row each); the others are headed with me.
    if fmt != "csv":
        assert "Jordan Lee" in text and "jordan@example.com" in text
    for present in ("Priya Natarajan", "Marcus Webb", NON_LATIN, "priya@northwind.io",
                    "+7 495 555 0101"):
        assert present in text, present
    for absent in ("Zoë Müller", "Olivia Park", "Sam Okafor"):
        assert absent not in text, absent
    assert _mode(out) == 0o600
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows[2]["speaks_to"] == "'" + FORMULA
    if fmt == "html":
        assert "&lt;b&gt;Boss&lt;/b&gt; &amp; mentor" in text and "<b>Boss" not in text


def test_include_and_all_choose_other_references(network: Network, tmp_path: Path) -> None:
    with network.db.read() as s:
        zoe, sam = s.get(Person, network.ids["zoe"]), s.get(Person, network.ids["sam"])
        assert zoe is not None and sam is not None
    out = tmp_path / "r.json"
    _export(network, out, include=[sam, zoe])
    assert [r["name"] for r in json.loads(out.read_text())["references"]] == [
        "Sam Okafor", "Zoë Müller"]
    _export(network, out, include_all=True)
    names = {r["name"] for r in json.loads(out.read_text())["references"]}
    assert names == {"Priya Natarajan", "Marcus Webb", NON_LATIN, "Zoë Müller", "Sam Okafor"}
    with network.db.read() as s:
        olivia = s.get(Person, network.ids["olivia"])
        assert olivia is not None
    with pytest.raises(CrmError, match="Olivia Park declined"):
        _export(network, out, include=[olivia])


def test_a_failed_write_records_no_use_and_leaves_no_file(network: Network,
                                                          tmp_path: Path) -> None:
    with pytest.raises(CrmError, match="no directory"):
        _export(network, tmp_path / "missing" / "r.json")
    with pytest.raises(CrmError, match="is a directory"):
        _export(network, tmp_path)
    assert _uses(network.db) == []


def test_a_failed_recording_leaves_the_old_file_untouched(
        network: Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "r.md"
    out.write_text("old list")

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr("crm.export.service.record_uses", broken)
    with pytest.raises(RuntimeError, match="database went away"):
        _export(network, out, "md")
    assert out.read_text() == "old list"
    assert [p.name for p in folder.iterdir()] == ["r.md"]  # no temporary file left behind


def test_an_existing_file_is_never_made_wider(network: Network, tmp_path: Path) -> None:
    wide, narrow = tmp_path / "wide.txt", tmp_path / "narrow.txt"
    wide.write_text("x")
    wide.chmod(0o644)
    narrow.write_text("x")
    narrow.chmod(0o400)
    _export(network, wide, "txt")
    _export(network, narrow, "txt")
    assert _mode(wide) == 0o600
    assert _mode(narrow) == 0o400
    assert "Priya Natarajan" in narrow.read_text()


def test_unknown_format_no_agreed_references_no_me_fail_clearly(db: Database,
                                                                tmp_path: Path) -> None:
    network = build_network(db, with_me=False)
    out = tmp_path / "r.md"
    with pytest.raises(InvalidInput, match="unknown format 'docx'"):
        _export(network, out, "docx")
    with pytest.raises(CrmError, match="nobody is marked as you"):
        _export(network, out)
    with db.write() as s:
        from crm.core.contacts.people import set_me

        me = s.get(Person, network.me_id)
        assert me is not None
        set_me(s, me)
        for ref_holder in ("priya", "marcus", "dmitri"):
            p = s.get(Person, network.ids[ref_holder])
            assert p is not None and p.reference is not None
            p.reference.status = "asked"
    with pytest.raises(CrmError, match="no references have agreed yet"):
        _export(network, out)
    assert not out.exists()
    with db.read() as s:
        assert s.scalar(select(func.count(ReferenceUse.id))) == 0


def test_export_for_a_company_records_the_company_only(network: Network,
                                                       tmp_path: Path) -> None:
    with network.db.write() as s:
        stripe = s.get(Company, network.stripe_id)
        assert stripe is not None
        result = export_references(s, stripe, "txt", tmp_path / "r.txt", today=TODAY)
    assert result.target == "Stripe, Inc."
    assert {(a, c) for _, a, c, _ in _uses(network.db)} == {(None, network.stripe_id)}
    assert "References for Stripe, Inc. — prepared 2026-06-01" in (
        tmp_path / "r.txt").read_text()
