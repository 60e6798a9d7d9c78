"""The interview prep sheet: everything crm knows that helps walk into an interview.

The company and the role, the application's timeline, who I know there now and before (with
their positions and what they told me: their note and interactions, those that name the
company first), second-degree people with the best intro, referrals, the references I will
list (ranked, with what each speaks to and whether they were told) and the open follow-ups.
Built here as plain data (``PrepSheet``); ``crm.export.prep`` renders it as md, html or pdf.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core.agenda.todos import list_todos
from crm.core.contacts.people import get_me
from crm.core.jobhunt.applications import target_label
from crm.core.jobhunt.references import reference_candidates
from crm.core.jobhunt.referrals import list_referrals
from crm.core.models import Application, Company, Interaction, Person, ReferenceUse
from crm.core.network.who import Staff, who_at
from crm.core.normalize import fold

NOTES_PER_PERSON = 3
SECOND_DEGREE_SHOWN = 10


@dataclass(frozen=True)
class Entry:
    """One block of a section: a heading line and its lines."""

    heading: str
    lines: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"heading": self.heading, "lines": self.lines}


@dataclass(frozen=True)
class Section:
    title: str
    entries: list[Entry]
    empty: str = "Nothing yet."

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "entries": [e.to_json() for e in self.entries]}


@dataclass(frozen=True)
class PrepSheet:
    title: str  # "Software Engineer II at Stripe, Inc."
    me: str | None
    prepared_on: date
    sections: list[Section]

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "me": self.me, "prepared_on": self.prepared_on.isoformat(),
                "sections": [s.to_json() for s in self.sections]}

    def texts(self) -> list[str]:
        out = [self.title, self.me or ""]
        for s in self.sections:
            out.append(s.title)
            for e in s.entries:
                out += [e.heading, *e.lines]
        return out


def _span(start: str | None, end: str | None, current: bool) -> str:
    return f"{start or '?'} – {end or ('now' if current else '?')}"


def _company_section(company: Company, app: Application | None) -> Section:
    lines = []
    for label, value in (("Industry", company.industry), ("Website", company.website),
                         ("Location", company.location), ("Note", company.note)):
        if value:
            lines.append(f"{label}: {' '.join(value.split())}")
    entries = [Entry(company.name, lines)]
    if app is not None:
        role = [f"Stage: {app.stage}"]
        if app.url:
            role.append(f"Posting: {app.url}")
        if app.note:
            role.append(f"Note: {' '.join(app.note.split())}")
        entries.append(Entry(f"Role: {app.role}", role))
    return Section("The company and the role", entries)


def _timeline(session: Session, company: Company, app: Application | None) -> Section:
    events: list[tuple[date, str]] = []
    apps = [app] if app is not None else list(session.scalars(
        select(Application).where(Application.company_id == company.id)))
    for a in apps:
        for when, what in ((a.applied_on, "applied"), (a.interview_on, "interview"),
                           (a.closed_on, f"closed ({a.stage})")):
            if when is not None:
                events.append((when, f"{a.role}: {what}"))
    about = app if app is not None else company
    for r in list_referrals(session, about=about):
        if r.asked_on:
            events.append((r.asked_on, f"{r.referrer}: referral asked"))
        if r.status_on and r.status != "asked":
            events.append((r.status_on, f"{r.referrer}: referral {r.status}"))
    uses = select(ReferenceUse).where(
        ReferenceUse.application_id == app.id if app is not None
        else ReferenceUse.company_id == company.id)
    for u in session.scalars(uses):
        events.append((u.used_on, f"gave {u.reference.person.display_name} as a reference"
                       + ("" if u.notified else " (not told yet)")))
    events.sort(key=lambda e: e[0])
    return Section("Timeline", [Entry(f"{d.isoformat()}  {what}") for d, what in events],
                   empty="No dates recorded yet.")


def _notes(session: Session, people: list[Staff], company: Company) -> dict[int, list[str]]:
    ids = [s.person.id for s in people]
    if not ids:
        return {}
    key = fold(company.name).strip()
    found: dict[int, list[tuple[bool, date, str]]] = {}
    for pid, on, kind, summary in session.execute(
            select(Interaction.person_id, Interaction.occurred_on, Interaction.kind,
                   Interaction.summary).where(Interaction.person_id.in_(ids))):
        text = " ".join((summary or "").split())
        found.setdefault(pid, []).append((key in fold(text), on, f"{on.isoformat()} {kind}: "
                                          f"{text}"))
    out = {}
    for pid, items in found.items():
        items.sort(key=lambda x: (x[0], x[1]), reverse=True)
        out[pid] = [t for _, _, t in items[:NOTES_PER_PERSON]]
    return out


def _people(session: Session, staff: list[Staff], company: Company, *,
            now: bool) -> list[Entry]:
    notes = _notes(session, staff, company)
    person_notes: dict[int, str | None] = {pid: note for pid, note in session.execute(
        select(Person.id, Person.note).where(Person.id.in_([s.person.id for s in staff])))}
    out = []
    for s in staff:
        lines = []
        for p in s.positions:
            lines.append(f"{'Now' if p.current else 'Was'}: {p.title or 'position'} "
                         f"({_span(p.start, p.end, p.current)})")
        if not now and s.person.company:
            lines.append(f"Now at: {s.person.company}")
        tie = s.tie.kind or "in your contacts"
        lines.append(f"You: {tie}, strength {s.tie.strength}; last contact "
                     f"{s.last_contacted.isoformat() if s.last_contacted else 'never'}")
        note = person_notes.get(s.person.id)
        if note:
            lines.append(f"Note: {' '.join(note.split())}")
        lines += notes.get(s.person.id, [])
        out.append(Entry(s.person.name, lines))
    return out


def build_prep(session: Session, target: Company | Application,
               today: date | None = None) -> PrepSheet:
    """The prep sheet for an application (or a company: all its applications)."""
    today = today or date.today()
    app = target if isinstance(target, Application) else None
    company = target.company if isinstance(target, Application) else target
    known = who_at(session, company, today)
    second = [Entry(e.person.name + (f" ({e.person.title})" if e.person.title else ""),
                    [f"Ask {v.person.name}, your {v.my_tie.kind or 'contact'} ("
                     f"{e.person.name.split()[0] if e.person.name.split() else e.person.name}"
                     f" is their {v.their_tie.kind or 'contact'}), strength {v.strength}"
                     for v in e.via[:2]])
              for e in known.second_degree[:SECOND_DEGREE_SHOWN]]
    referrals = [Entry(f"{r.referrer} → {r.to_person or r.application or r.to_company or ''}",
                       [f"Status: {r.status}"
                        + (f" since {r.status_on.isoformat()}" if r.status_on else "")]
                       + ([f"Note: {r.note}"] if r.note else []))
                 for r in list_referrals(session, about=target)]
    told: dict[int, bool] = {}
    uses = select(ReferenceUse).where(
        ReferenceUse.application_id == app.id if app is not None
        else ReferenceUse.company_id == company.id)
    for u in session.scalars(uses):
        told[u.reference.person_id] = told.get(u.reference.person_id, False) or u.notified
    refs = []
    from crm.core.jobhunt.references import list_references

    speaks = {v.person_id: v for v in list_references(session)}
    for c in reference_candidates(session, target, today):
        v = speaks.get(c.person_id)
        lines = [f"Status: {c.status.replace('-', ' ')}; " + "; ".join(c.reasons[1:])]
        if v is not None and v.speaks_to:
            lines.append(f"Speaks to: {' '.join(v.speaks_to.split())}")
        if v is not None and v.relationship:
            lines.append(f"Relationship: {' '.join(v.relationship.split())}")
        if c.person_id in told:
            lines.append("Told: yes" if told[c.person_id] else "Told: not yet")
        elif c.status in ("agreed", "asked"):
            lines.append("Not given for this yet")
        refs.append(Entry(c.name + (f" ({', '.join(x for x in (c.title, c.company) if x)})"
                                    if c.title or c.company else ""), lines))
    people_ids = {s.person.id for s in known.current + known.former}
    todos = [t for t in list_todos(session)
             if (app is not None and t.application_id == app.id)
             or (app is None and t.application is not None
                 and t.application.endswith(f" at {company.name}"))
             or (t.person_id in people_ids)]
    follow = [Entry((t.when.isoformat() + "  " if t.when else "") + t.text,
                    [f"About: {t.about}" + (" (proposed by crm)" if t.automatic else "")])
              for t in todos]
    me = get_me(session)
    return PrepSheet(
        title=target_label(target), me=me.display_name if me else None, prepared_on=today,
        sections=[
            _company_section(company, app),
            _timeline(session, company, app),
            Section("Who you know there now", _people(session, known.current, company,
                                                      now=True)),
            Section("Who you know who was there", _people(session, known.former, company,
                                                          now=False)),
            Section("Through someone you know", second),
            Section("Referrals", referrals),
            Section("References to list", refs, empty="No references yet."),
            Section("Open follow-ups", follow, empty="Nothing open."),
        ])
