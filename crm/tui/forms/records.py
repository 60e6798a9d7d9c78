"""Correct or delete one record from any screen: read what it holds now (core
``record_now``), show the form or the confirmation naming what goes, and save through the
core service that does it (``crm.core.records``), in one write unit.

    edit_record(screen, "position", 12)          # the form, filled in
    delete_record(screen, "interaction", 40)     # "Delete the coffee on 2026-09-12 …?"
    end_position(screen, 12)                     # the end date, today unless changed
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from sqlalchemy.orm import Session

from crm.core.errors import InvalidInput
from crm.core.terminal_text import terminal_text as shown
from crm.core.upkeep.current import RecordNow, record_now
from crm.core.vocabulary import (
    APPLICATION_STAGES,
    CONNECTION_KINDS,
    CONTACT_KINDS,
    INTERACTION_KINDS,
    POSITION_KINDS,
    REFERENCE_STATUSES,
    REFERRAL_STATUSES,
)
from crm.tui.messages import Saved
from crm.tui.screens.dialogs import ConfirmDialog, FormField

if TYPE_CHECKING:
    from crm.tui.screens.base import CrmScreen

YES_NO = [("no", "no"), ("yes", "yes")]
STRENGTHS = ["1", "2", "3", "4", "5"]
DATE_HINT = "YYYY-MM-DD"
PARTIAL_HINT = "YYYY, YYYY-MM or YYYY-MM-DD"


def _company_field(now: RecordNow) -> FormField:
    """The company as its name; left as it is, the form keeps it by id."""
    return FormField("company", "Company", f"#{now.get('company_id')}",
                     shown=now.get("company"), placeholder="Stripe")


def _company_job(s: Session, v: dict[str, str], now: RecordNow) -> Any:
    """The company a corrected position or application is at now (None: unchanged)."""
    from crm.core.contacts.companies import company_for_record

    if v["company"].strip() in (f"#{now.get('company_id')}", now.get("company")):
        return None
    return company_for_record(s, v["company"], new_company=bool(v.get("new_company"))).company


def _strength(text: str) -> int:
    try:
        return int(text or 3)
    except ValueError:
        raise InvalidInput(f"bad strength {text!r}: use 1-5") from None


# -- the forms, one per kind ---------------------------------------------------------------

Form = tuple[list[FormField], Callable[[Session, dict[str, str]], str]]


def _position_form(now: RecordNow) -> Form:
    from crm.core.upkeep.records import update_position

    def job(s: Session, v: dict[str, str]) -> str:
        company = _company_job(s, v, now)
        pos = update_position(s, now.id, title=v["title"], department=v["department"],
                              kind=v["kind"], start=v["start"], end=v["end"],
                              company=company, note=v["note"])
        at = company.name if company is not None else now.get("company")
        return f"Saved {pos.title or 'the position'} at {at}"

    return [
        _company_field(now),
        FormField("title", "Title", now.get("title"), placeholder="Software Engineering Intern"),
        FormField("department", "Team", now.get("department"), placeholder="Payments"),
        FormField("kind", "Kind", now.get("kind"), options=list(POSITION_KINDS),
                  allow_blank=True),
        FormField("start", "Start", now.get("start"), placeholder=PARTIAL_HINT),
        FormField("end", "End (empty: current)", now.get("end"), placeholder=PARTIAL_HINT),
        FormField("note", "Note", now.get("note")),
    ], job


def _connection_form(now: RecordNow) -> Form:
    from crm.core.network.ties import inverse
    from crm.core.upkeep.records import update_connection

    def job(s: Session, v: dict[str, str]) -> str:
        update_connection(s, now.id, kind=v["kind"], strength=_strength(v["strength"]),
                          note=v["note"])
        kind = inverse(v["kind"]) if now.reversed else v["kind"]
        return f"Saved the link with {now.get('other')} ({kind})"

    # The kind is stored from one side; the choices read as seen from this person's page.
    kinds = [(inverse(k) if now.reversed else k, k) for k in CONNECTION_KINDS]
    return [
        FormField("kind", f"{shown(now.get('other'))} is this person's…", now.get("stored_kind"),
                  options=kinds),
        FormField("strength", "Strength (1 weak – 5 close)", now.get("strength"),
                  options=STRENGTHS),
        FormField("note", "How you know each other", now.get("note")),
    ], job


def _interaction_form(now: RecordNow) -> Form:
    from crm.core.upkeep.records import update_interaction

    def job(s: Session, v: dict[str, str]) -> str:
        entry = update_interaction(s, now.id, kind=v["kind"], on=v["on"], summary=v["summary"])
        return f"Saved the {entry.kind} on {entry.occurred_on.isoformat()}"

    return [
        FormField("kind", "Kind", now.get("kind"), options=list(INTERACTION_KINDS)),
        FormField("on", "Date", now.get("on"), placeholder=DATE_HINT),
        FormField("summary", "What happened", now.get("summary")),
    ], job


def _referral_form(now: RecordNow) -> Form:
    from crm.core.upkeep.records import update_referral

    def job(s: Session, v: dict[str, str]) -> str:
        r = update_referral(s, now.id, status=v["status"], note=v["note"],
                            asked_on=v["asked_on"])
        return f"Saved the referral ({r.status})"

    return [
        FormField("status", "Status", now.get("status"), options=list(REFERRAL_STATUSES)),
        FormField("asked_on", "Asked on", now.get("asked_on"), placeholder=DATE_HINT),
        FormField("note", "Note", now.get("note")),
    ], job


def _contact_form(now: RecordNow) -> Form:
    from crm.core.upkeep.records import update_contact

    def job(s: Session, v: dict[str, str]) -> str:
        cp = update_contact(s, now.id, kind=v["kind"], value=v["value"], label=v["label"],
                            preferred=v["preferred"] == "yes")
        return f"Saved {cp.kind} {cp.value}"

    return [
        FormField("kind", "Kind", now.get("kind"), options=list(CONTACT_KINDS)),
        FormField("value", "Value", now.get("value")),
        FormField("label", "Label", now.get("label"), placeholder="work, home, cell…"),
        FormField("preferred", "Preferred way to reach them", now.get("preferred") or "no",
                  options=YES_NO),
    ], job


def _application_form(now: RecordNow) -> Form:
    from crm.core.upkeep.records import update_application_fields

    def job(s: Session, v: dict[str, str]) -> str:
        company = _company_job(s, v, now)
        app = update_application_fields(
            s, now.id, company=company, role=v["role"], stage=v["stage"],
            applied_on=v["applied_on"], interview_on=v["interview_on"],
            closed_on=v["closed_on"], url=v["url"], note=v["note"])
        at = company.name if company is not None else now.get("company")
        return f"Saved {app.role} at {at} ({app.stage})"

    return [
        _company_field(now),
        FormField("role", "Role", now.get("role")),
        FormField("stage", "Stage", now.get("stage"), options=list(APPLICATION_STAGES)),
        FormField("applied_on", "Applied on", now.get("applied_on"), placeholder=DATE_HINT),
        FormField("interview_on", "Interview on", now.get("interview_on"),
                  placeholder=DATE_HINT),
        FormField("closed_on", "Closed on", now.get("closed_on"), placeholder=DATE_HINT),
        FormField("url", "Posting URL", now.get("url")),
        FormField("note", "Note", now.get("note")),
    ], job


def reference_form(now: RecordNow) -> Form:
    """Every field of a reference: status, relationship, what they speak to, strength,
    since when, and how they prefer to be contacted."""
    from crm.core.jobhunt.references import set_reference
    from crm.core.upkeep.editing import get_person

    def job(s: Session, v: dict[str, str]) -> str:
        person = get_person(s, now.id)
        ref = set_reference(s, person, status=v["status"], relationship=v["relationship"],
                            speaks_to=v["speaks_to"], strength=_strength(v["strength"]),
                            since=v["since"], preferred_contact=v["preferred_contact"])
        return f"{person.display_name}: reference {ref.status}"

    return [
        FormField("status", "Status", now.get("status") or "not-asked",
                  options=list(REFERENCE_STATUSES)),
        FormField("relationship", "Relationship to you", now.get("relationship"),
                  placeholder="Supervisor at Northwind (2023 internship)"),
        FormField("speaks_to", "Can speak to", now.get("speaks_to"),
                  placeholder="SQL, ownership, communication"),
        FormField("strength", "Strength (1 weak – 5 strong)", now.get("strength") or "3",
                  options=STRENGTHS),
        FormField("since", "Known since", now.get("since"), placeholder=PARTIAL_HINT),
        FormField("preferred_contact", "Preferred contact", now.get("preferred_contact"),
                  placeholder="email: priya@example.com, or phone after 6pm"),
    ], job


_FORMS: dict[str, Callable[[RecordNow], Form]] = {
    "position": _position_form, "connection": _connection_form,
    "interaction": _interaction_form, "referral": _referral_form, "contact": _contact_form,
    "application": _application_form, "reference": reference_form,
}

_TITLES = {"position": "Edit the position", "connection": "Edit the link",
           "interaction": "Edit the", "referral": "Edit the", "contact": "Edit the contact",
           "application": "Edit the application", "reference": "Reference:"}


def edit_record(screen: CrmScreen, kind: str, record_id: int,
                seen_from: int | None = None) -> None:
    """Read the record, then show its form filled in; saved, the screen is told."""

    def show(now: RecordNow) -> None:
        fields, job = _FORMS[kind](now)
        title = Text(f"{_TITLES[kind]} ").append(shown(now.label), style="bold")
        screen.ask(title, fields, job)

    screen.read_then(lambda s: record_now(s, kind, record_id, seen_from), show)


def end_position(screen: CrmScreen, position_id: int) -> None:
    """Ask when the position ended (today unless changed); it becomes a past one."""
    from crm.core.upkeep.records import end_position as end

    def show(now: RecordNow) -> None:
        def job(s: Session, v: dict[str, str]) -> str:
            pos = end(s, position_id, v["end"].strip() or None)
            return f"Ended {now.label} on {pos.end}"

        screen.ask(Text("End ").append(shown(now.label), style="bold"), [
            FormField("end", "Ended on (empty: today)", date.today().isoformat(),
                      placeholder=PARTIAL_HINT)], job)

    screen.read_then(lambda s: record_now(s, "position", position_id), show)


# -- deleting ------------------------------------------------------------------------------


def _question(now: RecordNow) -> tuple[Text, str]:
    """What the confirmation says goes (and stays), and its button."""
    name = Text(shown(now.label), style="bold")
    if now.kind == "position":
        return (Text("Delete the position ").append_text(name).append(
            "? Links that came from it stay."), "Delete")
    if now.kind == "connection":
        return Text("Unlink ").append_text(name).append("?"), "Unlink"
    if now.kind == "interaction":
        return (Text("Delete the ").append_text(name).append(": ")
                .append(shown(now.get("summary"))).append("?"), "Delete")
    if now.kind == "referral":
        return Text("Delete the ").append_text(name).append("?"), "Delete"
    if now.kind == "contact":
        return Text("Remove ").append_text(name).append("?"), "Remove"
    if now.kind == "application":
        return (Text("Delete the application ").append_text(name).append(
            "? Its referrals and reference uses stay, without it."), "Delete")
    if now.kind == "reference":
        uses = int(now.get("uses") or 0)
        more = f" and the log of its {uses} use{'s' if uses != 1 else ''}" if uses else ""
        return (Text("Delete ").append_text(name).append(
            f"{more}? The person stays."), "Delete")
    return Text("Delete the company ").append_text(name).append("?"), "Delete"


def _delete_job(now: RecordNow) -> Callable[[Session], str]:
    from crm.core.upkeep import records

    runners: dict[str, Callable[[Session, int], str]] = {
        "position": records.delete_position, "connection": records.delete_connection,
        "interaction": records.delete_interaction, "referral": records.delete_referral,
        "contact": records.delete_contact, "application": records.delete_application,
        "company": records.delete_company,
    }

    def job(s: Session) -> str:
        if now.kind == "reference":
            from crm.core.upkeep.editing import get_person

            return records.delete_reference(s, get_person(s, now.id))
        return runners[now.kind](s, now.id)

    return job


def delete_record(screen: CrmScreen, kind: str, record_id: int, *,
                  seen_from: int | None = None,
                  saved: Callable[[str], Any] | None = None) -> None:
    """Read the record, ask naming what goes, then delete it; ``saved(what)`` makes the
    message the screen is told with (a Saved toast by default)."""

    def show(now: RecordNow) -> None:
        if now.kind == "company" and now.get("used_by"):
            screen.notify(f"{now.label} is still used by {now.get('used_by')}: delete or "
                          "move them first, or merge the company into another (m).",
                          severity="warning", markup=False)
            return
        question, yes = _question(now)

        def done(answer: bool | None) -> None:
            if answer:
                screen.write(_delete_job(now),
                             saved=saved or (lambda what: Saved(f"Deleted {what}")))

        screen.app.push_screen(ConfirmDialog(question, yes=yes), done)

    screen.read_then(lambda s: record_now(s, kind, record_id, seen_from), show)
