"""Imports that keep the whole card (issue 14, "Values kept only in the raw card"): every
ORG/TITLE pair a position, each company's own mail domain, and the companies list counting
the people the company page shows (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from crm.core.db import Database
from crm.core.models import Company
from crm.vcard.importer import import_paths
from tests.vcard.conftest import person
from tests.vcard.test_import_truth import card, write
from tests.vcard.test_real_world import REAL

OUTLOOK = REAL / "outlook-relations-and-im.vcf"


def positions(db: Database, name: str) -> list[tuple[str, str | None, str | None, bool]]:
    return sorted((p["company"], p["title"], p["department"], p["current"])
                  for p in person(db, name)["positions"])


def domains(db: Database) -> dict[str, list[str]]:
    with db.read() as s:
        return {c.name: sorted(d.domain for d in c.domains)
                for c in s.scalars(select(Company))}


def test_every_org_title_pair_is_a_position(db: Database) -> None:
    import_paths(db, [OUTLOOK])
    assert positions(db, "Priya Raman") == [
        ("Contoso Ltd.", "CFO", "Finance", True),
        ("Fabrikam Inc.", "Board member", None, True)]


def test_with_two_orgs_a_mail_domain_is_learned_for_its_own_company(db: Database) -> None:
    import_paths(db, [OUTLOOK])
    assert domains(db) == {"Contoso Ltd.": ["contoso.com"], "Fabrikam Inc.": []}


def test_two_orgs_and_a_domain_named_like_neither_learn_nothing(db: Database,
                                                                 tmp_path: Path) -> None:
    import_paths(db, [write(tmp_path, card("FN:Ann Lee", "ORG:Globex", "TITLE:CTO",
                                           "ORG:Initech", "EMAIL:ann@umbrella.com"))])
    assert domains(db) == {"Globex": [], "Initech": []}


def test_a_later_card_keeps_the_positions_it_still_names(db: Database,
                                                         tmp_path: Path) -> None:
    first = card("FN:Ann Lee", "UID:ann", "ORG:Globex", "TITLE:CTO", "ORG:Initech",
                 "TITLE:Advisor")
    later = card("FN:Ann Lee", "UID:ann", "ORG:Globex", "TITLE:CTO", "ORG:Hooli",
                 "TITLE:Board member")
    import_paths(db, [write(tmp_path, first, "a.vcf")])
    report = import_paths(db, [write(tmp_path, later, "b.vcf")])
    assert report.updated == 1
    assert positions(db, "Ann Lee") == [("Globex", "CTO", None, True),
                                         ("Hooli", "Board member", None, True),
                                         ("Initech", "Advisor", None, False)]
    # The same cards again change nothing.
    again = import_paths(db, [write(tmp_path, later, "c.vcf")])
    assert (again.updated, again.merged, again.unchanged) == (0, 0, 1)
