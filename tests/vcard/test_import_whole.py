"""Imports that keep the whole card (issue 14, "Values kept only in the raw card"): every
ORG/TITLE pair a position, each company's own mail domain, and the companies list counting
the people the company page shows (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def test_role_dates_relations_address_parts_and_label_are_stored_and_shown(
        db: Database) -> None:
    import_paths(db, [OUTLOOK])
    priya = person(db, "Priya Raman")
    assert priya["role"] == "Executive sponsor"
    assert priya["dates"] == [{"id": priya["dates"][0]["id"], "label": "anniversary",
                               "date": "2015-06-12"}]
    assert [(r["name"], r["label"], r["person_id"]) for r in priya["relations"]] == [
        ("Satya Iyer", "manager", None), ("Tom Becker", "assistant", None)]
    [address] = [c for c in priya["contact_points"] if c["kind"] == "address"]
    assert address["address"] == {
        "po_box": "", "extended": "", "street": "One Microsoft Way", "locality": "Redmond",
        "region": "WA", "postal_code": "98052", "country": "United States of America"}
    assert address["address_label"] == ("One Microsoft Way\nRedmond, WA 98052\n"
                                        "United States of America")


def test_what_a_card_says_is_searchable(db: Database) -> None:
    from crm.core.contacts.people import search_people

    import_paths(db, [OUTLOOK])
    with db.read() as s:
        for query in ("executive sponsor", "satya", "becker", "anniversary"):
            assert [p.name for p in search_people(s, query)] == ["Priya Raman"], query


def test_a_relation_naming_nobody_links_when_that_person_comes(db: Database,
                                                               tmp_path: Path) -> None:
    import_paths(db, [OUTLOOK])
    import_paths(db, [write(tmp_path, card("FN:Satya Iyer", "EMAIL:satya@contoso.com"))])
    priya = person(db, "Priya Raman")
    satya = person(db, "Satya Iyer")
    [manager] = [r for r in priya["relations"] if r["label"] == "manager"]
    assert manager["person_id"] == satya["id"]
    assert [(c["person"], c["kind"]) for c in priya["connections"]] == [
        ("Satya Iyer", "manager")]


def test_a_company_card_keeps_its_address_phones_tags_and_photo(db: Database,
                                                                tmp_path: Path) -> None:
    from crm.vcard.writer import export_vcards

    path = write(tmp_path, card(
        "FN:Northwind", "ORG:Northwind", "X-ABShowAs:COMPANY",
        "TEL;TYPE=WORK:+1 425 555 0199", "ADR;TYPE=WORK:;Building 4;1 Main St;Redmond;WA;"
        "98052;USA", "CATEGORIES:clients,cloud", "URL:https://contoso.example",
        "PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ"))
    import_paths(db, [path])
    with db.read() as s:
        from crm.core.contacts.companies import list_companies

        [contoso] = list_companies(s)
    assert [(c["kind"], c["value"]) for c in contoso.contact_points] == [
        ("phone", "+1 425 555 0199"), ("address", "Building 4, 1 Main St, Redmond, WA, 98052, USA"),
        ("url", "https://contoso.example")]
    assert contoso.tags == ["clients", "cloud"] and contoso.has_photo
    v3, v4 = export_vcards(db, "3.0"), export_vcards(db, "4.0")
    for text, kind in ((v3, "X-ABShowAs:COMPANY"), (v4, "KIND:org")):
        assert kind in text
        assert "ADR;TYPE=work:;Building 4;1 Main St;Redmond;WA;98052;USA" in text
        assert "CATEGORIES:clients,cloud" in text
        assert "TEL;TYPE=work:+1 425 555 0199" in text


def test_merging_two_companies_keeps_both_cards(db: Database, crm: Any,
                                                 tmp_path: Path) -> None:
    path = write(tmp_path, card("FN:Northwind", "ORG:Northwind", "X-ABShowAs:COMPANY",
                                "TEL:+1 425 555 0199", "CATEGORIES:clients")
                 + card("FN:Northwind Traders", "ORG:Northwind Traders", "X-ABShowAs:COMPANY",
                        "TEL:+1 425 555 0200", "CATEGORIES:clients,cloud"))
    import_paths(db, [path])
    result = crm("merge", "--company", "Northwind", "Northwind Traders")
    assert result.exit_code == 0, result.stderr
    [northwind] = crm("companies", "--json").json()
    assert [c["value"] for c in northwind["contact_points"]] == ["+1 425 555 0199",
                                                               "+1 425 555 0200"]
    assert northwind["tags"] == ["clients", "cloud"]


def test_merging_two_people_keeps_role_dates_and_relations(db: Database, crm: Any,
                                                           tmp_path: Path) -> None:
    import_paths(db, [OUTLOOK, write(tmp_path, card(
        "FN:P. Raman", "ROLE:Sponsor", "X-ABDATE:2020-01-02", "X-SPOUSE:Ravi Raman"))])
    result = crm("merge", "Priya Raman", "P. Raman")
    assert result.exit_code == 0, result.stderr
    priya = person(db, "Priya Raman")
    assert priya["role"] == "Executive sponsor"
    assert "Sponsor" in (priya["note"] or "")  # the value not taken is kept in the note
    assert sorted(d["date"] for d in priya["dates"]) == ["2015-06-12", "2020-01-02"]
    assert sorted(r["name"] for r in priya["relations"]) == ["Ravi Raman", "Satya Iyer",
                                                             "Tom Becker"]
