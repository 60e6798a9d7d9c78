"""Keep in touch: never-contacted people are due, per-person and per-tag intervals, the clock
restarting on logged and imported interactions, and usefulness now in the ranking."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from crm.core.contacts.people import create_person
from crm.core.contacts.positions import add_position
from crm.core.db import Database
from crm.core.jobhunt.references import set_reference
from crm.core.models import Application, Interaction, Person
from crm.core.network import link, losing_touch

TODAY = date(2026, 6, 1)


def test_people_never_contacted_are_due_not_left_out(crm: Any) -> None:
    """The issue's report: 18 contacts and one logged call, and `crm stale` said "you have
    talked to everyone in the last 90 days"."""
    assert crm("add", "person", "Jordan Me", "--me").exit_code == 0
    for name in ("Ann Able", "Ben Best", "Cal Cole"):
        assert crm("add", "person", name).exit_code == 0
    assert crm("log", "Ann", "called about the job", "--kind", "call").exit_code == 0
    r = crm("stale", "--json")
    assert r.exit_code == 0, r.stderr
    assert [(p["name"], p["last_contacted"]) for p in r.json()] == [
        ("Ben Best", None), ("Cal Cole", None)]
    assert "never" in crm("stale").stdout


def test_a_person_interval_makes_them_due_and_then_overdue(crm: Any) -> None:
    crm("add", "person", "Jordan Me", "--me")
    crm("add", "person", "Ann Able")
    crm("add", "person", "Ben Best")
    r = crm("edit", "person", "Ann", "--every", "2w", "--at-most", "1m", "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["keep_in_touch"]["every_days"] == 14
    assert crm("show", "Ann", "--json").json()["keep_in_touch"] == {
        "every_days": 14, "at_most_days": 30}
    today = date.today()
    crm("log", "Ann", "coffee", "--on", (today - timedelta(days=10)).isoformat())
    crm("log", "Ben", "coffee", "--on", (today - timedelta(days=10)).isoformat())
    assert crm("stale", "--json").json() == []  # 10 days < 14 for Ann, < 90 for Ben
    crm("log", "Ann", "older", "--on", (today - timedelta(days=40)).isoformat())
    crm("edit", "interaction", "1", "--on", (today - timedelta(days=20)).isoformat())
    due = crm("stale", "--json").json()
    assert [(p["name"], p["days_since"], p["overdue"], p["interval_from"]) for p in due] == [
        ("Ann Able", 20, False, "person")]
    crm("edit", "interaction", "1", "--on", (today - timedelta(days=35)).isoformat())
    due = crm("stale", "--json").json()
    assert due[0]["overdue"] is True and "OVERDUE" in crm("stale").stdout
    # A logged interaction restarts the clock.
    assert crm("log", "Ann", "called").exit_code == 0
    assert crm("stale", "--json").json() == []
    # '' clears: back to the default 90 days.
    crm("edit", "person", "Ann", "--every", "", "--at-most", "")
    assert crm("show", "Ann", "--json").json()["keep_in_touch"] == {
        "every_days": None, "at_most_days": None}


def test_bad_intervals_are_refused_and_change_nothing(crm: Any) -> None:
    crm("add", "person", "Ann Able")
    for args in (("--every", "soon"), ("--every", "2m", "--at-most", "1m"),
                 ("--every", "0d")):
        r = crm("edit", "person", "Ann", *args)
        assert r.exit_code == 2 and r.stderr.count("\n") == 1, (args, r.stderr)
    assert crm("show", "Ann", "--json").json()["keep_in_touch"]["every_days"] is None
    assert crm("edit", "tag", "nosuchtag", "--every", "1m").exit_code == 2


def test_a_tag_interval_applies_to_its_people_and_a_person_interval_wins(crm: Any) -> None:
    crm("add", "person", "Jordan Me", "--me")
    crm("add", "person", "Ann Able", "--tag", "mentors")
    crm("add", "person", "Ben Best", "--tag", "mentors")
    crm("add", "person", "Cal Cole")
    day = (date.today() - timedelta(days=40)).isoformat()
    for who in ("Ann", "Ben", "Cal"):
        crm("log", who, "hi", "--on", day)
    assert crm("stale", "--json").json() == []
    r = crm("edit", "tag", "Mentors", "--every", "1m", "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["every_days"] == 30
    crm("edit", "person", "Ben", "--every", "2m")
    due = crm("stale", "--json").json()
    assert [(p["name"], p["interval_from"]) for p in due] == [("Ann Able", "tag mentors")]


def test_imported_messages_restart_the_clock(crm: Any, tmp_path: Path) -> None:
    today = date.today()
    folder = tmp_path / "linkedin"
    folder.mkdir()
    long_ago = (today - timedelta(days=400)).strftime("%d %b %Y")
    (folder / "Connections.csv").write_text(
        'Notes:\n"x"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n'
        f"Ana,Lima,https://www.linkedin.com/in/ana-lima,,Stripe,Engineer,{long_ago}\n"
        f"Bo,Chen,https://www.linkedin.com/in/bochen,,Acme,Engineer,{long_ago}\n",
        encoding="utf-8")
    (folder / "messages.csv").write_text(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
        "DATE,SUBJECT,CONTENT,FOLDER\n"
        "2-abc,,Ana Lima,https://www.linkedin.com/in/ana-lima,Me,"
        f"https://www.linkedin.com/in/me,{(today - timedelta(days=5)).isoformat()} "
        "10:15:00 UTC,,Sure,INBOX\n", encoding="utf-8")
    assert crm("import", str(folder)).exit_code == 0
    due = crm("stale", "--json").json()
    # Ana wrote 5 days ago; Bo was last in touch when we connected, 400 days ago.
    assert [(p["name"], p["days_since"]) for p in due] == [("Bo Chen", 400)]


def test_useful_people_rank_first_at_equal_strength(db: Database) -> None:
    with db.write() as s:
        me = create_person(s, "Jordan Me", me=True)
        plain = create_person(s, "Aaron Plain")
        insider = create_person(s, "Zed Insider")
        ref = create_person(s, "Yan Reference")
        add_position(s, insider, "Stripe", title="Engineer", start="2020")
        for p in (plain, insider, ref):
            link(s, me, p, "friend", strength=3)
            s.add(Interaction(person=p, kind="call", occurred_on=date(2025, 1, 1), summary=""))
        s.flush()
        set_reference(s, ref, status="agreed", today=TODAY)
        stripe_app = Application(company=insider.positions[0].company, role="SWE",
                                 stage="interviewing", interview_on=TODAY + timedelta(days=3))
        s.add(stripe_app)
        closed = create_person(s, "Abe Closed")
        link(s, me, closed, "friend", strength=3)
        add_position(s, closed, "Globex", title="Engineer", start="2020")
        s.add(Application(company=closed.positions[0].company, role="PM", stage="rejected"))
    with db.read() as s:
        due = losing_touch(s, 90, TODAY)
    names = [d.person.name for d in due if d.person.name != "Jordan Me"]
    # Then, at the same strength, the longest silence: Abe was never contacted.
    assert names == ["Yan Reference", "Zed Insider", "Abe Closed", "Aaron Plain"]
    by = {d.person.name: d for d in due}
    assert by["Zed Insider"].useful == ["at Stripe, where you are applying"]
    assert by["Yan Reference"].useful == ["a reference; interview at Stripe on 2026-06-04"]
    assert by["Abe Closed"].useful == []  # that application is closed


def test_someone_known_only_through_another_is_not_mine_to_keep_in_touch(db: Database) -> None:
    with db.write() as s:
        me = create_person(s, "Jordan Me", me=True)
        friend = create_person(s, "Fay Friend")
        link(s, me, friend, "friend", strength=4)
        create_person(s, "Vic Via", via=friend)
        assert s.query(Person).count() == 3
    with db.read() as s:
        assert [d.person.name for d in losing_touch(s, 90, TODAY)] == ["Fay Friend"]


def test_a_shortened_list_is_the_head_of_the_whole_one(db: Database) -> None:
    """The list is ranked partly in SQL (plain contacts) and partly in Python (ties, the
    useful, intervals): cut at any length it is the head of the whole, on both backends."""
    from crm.core.samples.generate import generate_network

    with db.write() as s:
        generate_network(s, 300, seed=3)
        me = s.query(Person).filter(Person.is_me.is_(True)).one()
        names = ["Émile Zola", "emma Stone", "Adam Ant", "zed Zee", "Øyvind Berg", "Ærø Ash",
                 "Bob Brown", "bob Black", "Chloé Dubois", "Ünal Kaya"]
        for i, name in enumerate(names):
            p = create_person(s, name)
            if i % 3 == 0:
                s.add(Interaction(person=p, kind="call", occurred_on=date(2025, 1, 1),
                                  summary=""))
            if i == 4:
                link(s, me, p, "friend", strength=2)
            if i == 7:
                p.keep_every_days = 30
    with db.read() as s:
        whole = [x.person.id for x in losing_touch(s, 60, TODAY)]
        assert len(whole) >= 10
        for k in (1, 3, 7, 12, len(whole)):
            assert [x.person.id for x in losing_touch(s, 60, TODAY, limit=k)] == whole[:k], k


def _joined_plain_stale(session: Any, cutoff: date, limit: int | None) -> list[Any]:
    """The query ``_plain_stale`` replaced (before migration 0012): every person joined with
    their latest interaction from the log itself, filtered and ordered in one statement."""
    from sqlalchemy import false, func, or_, select

    latest = (select(Interaction.person_id.label("person_id"),
                     func.max(Interaction.occurred_on).label("last"))
              .group_by(Interaction.person_id).subquery())
    sort_key: Any = Person.sort_key
    if session.get_bind().dialect.name == "postgresql":
        sort_key = sort_key.collate("C")
    stmt = (select(Person.id, Person.sort_key, latest.c.last)
            .outerjoin(latest, latest.c.person_id == Person.id)
            .where(Person.is_me == false(), Person.keep_every_days.is_(None),
                   Person.keep_at_most_days.is_(None),
                   or_(Person.known_via_id.is_(None), latest.c.last.is_not(None)),
                   or_(latest.c.last.is_(None), latest.c.last <= cutoff))
            .order_by(latest.c.last.is_not(None), latest.c.last, sort_key, Person.id))
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.connection().execute(stmt).all())


def test_the_indexed_due_list_is_the_one_the_interaction_log_gives(
        db: Database, monkeypatch: Any) -> None:
    """``crm stale`` / the agenda read the plain contacts from ``person.last_contacted`` in
    two indexed queries; on a generated network (most people known through someone, some
    talked to, silences on both sides of the cutoff, equal dates, names differing only in
    case and accents) the due list is the one the interaction log itself gives, whole and
    cut at any length, on both backends."""
    from crm.core.network import stale
    from crm.core.samples.generate import generate_network

    with db.write() as s:
        generate_network(s, 300, seed=5, today=TODAY)
        someone = s.query(Person).filter(Person.is_me.is_(False)).order_by(Person.id).first()
        for i, name in enumerate(["Émile Zola", "emile zola", "Adam Ant", "Øyvind Berg",
                                  "Ærø Ash", "bob Black", "Bob Brown", "Ünal Kaya"]):
            p = create_person(s, name, via=someone if i % 2 else None)
            if i % 3:
                when = TODAY - timedelta(days=(30, 95, 200)[i % 3])
                s.add(Interaction(person=p, kind="call", occurred_on=when, summary=""))
                s.add(Interaction(person=p, kind="email", occurred_on=when - timedelta(days=9),
                                  summary=""))
    with db.read() as s:
        new = {k: [(x.person.id, x.last_contacted) for x in losing_touch(s, 60, TODAY, limit=k)]
               for k in (None, 1, 5, 17, 40)}
        monkeypatch.setattr(stale, "_plain_stale", _joined_plain_stale)
        old = {k: [(x.person.id, x.last_contacted) for x in losing_touch(s, 60, TODAY, limit=k)]
               for k in new}
    assert any(seen is None for _, seen in old[None])
    assert any(seen is not None for _, seen in old[None])
    assert new == old


def test_the_agenda_reads_people_through_its_small_indexes(tmp_path: Path) -> None:
    """At 100k people nearly everyone is never contacted, known through someone, with no
    interval and no birthday: SQLite's plans for the agenda's person queries take migration
    0012's partial indexes instead of reading the whole table (or, for "known directly,
    never contacted", the NULL part of the contacted-order index: nearly every person)."""
    from sqlalchemy import event

    from crm.core.agenda.today import build_agenda
    from crm.core.db import open_database

    db = open_database(str(tmp_path / "crm.sqlite3"))
    statements: list[tuple[str, Any]] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda conn, cursor, sql, params, *_: statements.append((sql, params)))
    expected = {"last_contacted IS NULL AND person.known_via_id IS NULL":
                "ix_person_never_contacted",
                "person.keep_every_days IS NOT NULL OR": "ix_person_keep_interval",
                "person.birthday_month =": "ix_person_birthday"}
    plans: dict[str, str] = {}
    try:
        with db.read() as s:
            build_agenda(s, TODAY)
            for sql, params in list(statements):
                for marker in expected:
                    if marker in sql:
                        plan = s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql,
                                                              params).all()
                        plans[marker] = " ".join(str(row[-1]) for row in plan)
    finally:
        db.dispose()
    assert set(plans) == set(expected)
    for marker, index in expected.items():
        assert index in plans[marker], (marker, plans[marker])
