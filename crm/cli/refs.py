"""``crm refs``, ``crm referrals`` and ``crm apps``: references, referral links, applications."""

from __future__ import annotations

import click

from crm.cli.context import db_option, get_db, hint_new_company, json_option, new_company_option
from crm.cli.main import cli
from crm.cli.output import emit_json, literal, message, one_line, table
from crm.core.vocabulary import (
    APPLICATION_STAGES,
    EXPORT_FORMATS,
    REFERENCE_STATUSES,
    REFERRAL_STATUSES,
)

for_option = click.option("--for", "for_", metavar="APPLICATION-or-COMPANY",
                          help="An application (#3, app:3, 'Stripe Software Engineer') or a "
                               "company.")


# -- refs -----------------------------------------------------------------------------------


@cli.group()
def refs() -> None:
    """References: who vouches for you, where you gave them, the list to export."""


@refs.command("add")
@click.argument("person")
@click.option("--status", type=click.Choice(REFERENCE_STATUSES), help="Consent so far.")
@click.option("--relationship", metavar="T", help="e.g. 'Supervisor at Northwind'.")
@click.option("--speaks-to", "speaks_to", metavar="T", help="What they can speak to.")
@click.option("--since", metavar="DATE", help="Known since: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--preferred-contact", "preferred_contact", metavar="T",
              help="How they prefer to be reached.")
@click.option("--strength", type=click.IntRange(1, 5), help="How strong a reference, 1-5.")
@db_option
@json_option
def refs_add(person: str, status: str | None, relationship: str | None, speaks_to: str | None,
             since: str | None, preferred_contact: str | None, strength: int | None,
             as_json: bool) -> None:
    """Make PERSON a reference, or update one (status changes record their date)."""
    from crm.core.contacts.people import resolve_person
    from crm.core.jobhunt.references import list_references, set_reference

    database = get_db()
    with database.write() as s:
        who = resolve_person(s, person)
        ref = set_reference(s, who, status=status, relationship=relationship,
                            speaks_to=speaks_to, since=since,
                            preferred_contact=preferred_contact, strength=strength)
        view = next(v for v in list_references(s) if v.id == ref.id)
    if as_json:
        emit_json(view.to_json())
    else:
        message(f"crm: {literal(view.name)} is a reference ({view.status})")


@refs.command("list")
@for_option
@db_option
@json_option
def refs_list(for_: str | None, as_json: bool) -> None:
    """List references; with --for, the candidates for that job ranked, with reasons."""
    from crm.core.jobhunt.applications import resolve_target, target_label
    from crm.core.jobhunt.references import list_references, reference_candidates

    database = get_db()
    with database.read() as s:
        if for_:
            target = resolve_target(s, for_)
            label = target_label(target)
            candidates = reference_candidates(s, target)
        else:
            views = list_references(s)
    if for_:
        if as_json:
            emit_json([c.to_json() for c in candidates])
            return
        message(f"crm: reference candidates for {literal(label)}")
        if not candidates:
            message("crm: no references yet (crm refs add PERSON --status agreed)")
            return
        for i, c in enumerate(candidates, 1):
            where = " at ".join(x for x in (c.title, c.company) if x)
            click.echo(f"{i:>2}. {one_line(c.name)}" + (f"  ({one_line(where)})" if where
                                                         else ""))
            click.echo(f"    {one_line('; '.join(c.reasons))}")
        return
    if as_json:
        emit_json([v.to_json() for v in views])
        return
    if not views:
        message("crm: no references yet (crm refs add PERSON --status agreed)")
        return
    rows = []
    for v in views:
        last = v.uses[-1] if v.uses else None
        used = ""
        if last is not None:
            used = f"{len(v.uses)}x, last {last.used_on.isoformat()} " + (
                f"{last.application} at {last.company}" if last.application else
                (last.company or ""))
            if any(not u.notified for u in v.uses):
                used += " (not notified)"
        rows.append([v.person_id, v.name, v.status, v.relationship or "", v.speaks_to or "",
                     used])
    table(["id", "name", "status", "relationship", "speaks to", "uses"], rows,
          max_widths=[0, 24, 9, 36, 36, 48])


@refs.command("notified")
@click.argument("person", required=False)
@for_option
@click.option("--use", "use_id", type=int, metavar="ID", help="One use, by its id.")
@db_option
@json_option
def refs_notified(person: str | None, for_: str | None, use_id: int | None,
                  as_json: bool) -> None:
    """Mark that you told a reference you gave their name (PERSON [--for X], or --use ID)."""
    from crm.core.contacts.people import resolve_person
    from crm.core.errors import InvalidInput
    from crm.core.jobhunt.applications import resolve_target
    from crm.core.jobhunt.references import mark_notified

    if (person is None) == (use_id is None):
        raise InvalidInput("name a PERSON (optionally with --for) or give --use ID")
    database = get_db()
    with database.write() as s:
        if use_id is not None:
            changed = mark_notified(s, use_id)
        else:
            assert person is not None
            about = resolve_target(s, for_) if for_ else None
            changed = mark_notified(s, resolve_person(s, person), about)
    if as_json:
        emit_json([u.to_json() for u in changed])
        return
    if not changed:
        message("crm: already marked as notified")
    for u in changed:
        what = f"{u.application} at {u.company}" if u.application else (u.company or "")
        message(f"crm: notified: use #{u.id} ({u.used_on.isoformat()}, {literal(what)})")


@refs.command("export")
@for_option
@click.option("--format", "fmt", required=True, metavar="|".join(EXPORT_FORMATS),
              help="Document format.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="File to write (created mode 0600).")
@click.option("--include", "include", multiple=True, metavar="PERSON",
              help="List this reference (repeatable) instead of every agreed one.")
@click.option("--all", "include_all", is_flag=True,
              help="List every reference who has not declined, agreed or not.")
@db_option
@json_option
def refs_export(for_: str | None, fmt: str, output: str, include: tuple[str, ...],
                include_all: bool, as_json: bool) -> None:
    """Write the reference list for an application or company; records the use."""
    from pathlib import Path

    from crm.core.contacts.people import resolve_person
    from crm.core.errors import InvalidInput
    from crm.core.jobhunt.applications import resolve_target
    from crm.export import check_format
    from crm.export.service import export_references

    if not for_:
        raise InvalidInput("refs export needs --for APPLICATION-or-COMPANY")
    check_format(fmt)
    database = get_db()
    with database.write() as s:
        target = resolve_target(s, for_)
        chosen = [resolve_person(s, p) for p in include] or None
        result = export_references(s, target, fmt, Path(output), include=chosen,
                                   include_all=include_all)
    for w in result.warnings:
        message(f"crm: warning: {literal(w)}")
    if as_json:
        emit_json(result.to_json())
        return
    message(f"crm: wrote {literal(result.path)} ({result.format}, {len(result.references)} "
            f"reference{'s' if len(result.references) != 1 else ''} for "
            f"{literal(result.target)})")
    click.echo("Let them know you gave their name:")
    for n in result.notify:
        contact = f" - {one_line(n.contact)}" if n.contact else ""
        click.echo(f"  [ ] {one_line(n.name)}{contact}   (then: crm refs notified --use "
                   f"{n.use_id})")


# -- referrals ------------------------------------------------------------------------------


@cli.group()
def referrals() -> None:
    """Referral links: who referred or introduced you (or someone) to whom or which job."""


@referrals.command("add")
@click.argument("referrer")
@for_option
@click.option("--to", "to_person", metavar="PERSON", help="Introduced to this person.")
@click.option("--referred", metavar="PERSON", help="Who was referred (default: me).")
@click.option("--status", type=click.Choice(REFERRAL_STATUSES), default="asked",
              show_default=True)
@click.option("--on", "asked_on", metavar="YYYY-MM-DD", help="When it was asked (default: today).")
@click.option("--note", help="Free-text note.")
@db_option
@json_option
def referrals_add(referrer: str, for_: str | None, to_person: str | None,
                  referred: str | None, status: str, asked_on: str | None, note: str | None,
                  as_json: bool) -> None:
    """Record that REFERRER referred or introduced someone (you by default)."""
    from crm.core.contacts.people import resolve_person
    from crm.core.jobhunt.applications import parse_day, resolve_target
    from crm.core.jobhunt.referrals import add_referral, referral_view

    database = get_db()
    with database.write() as s:
        r = add_referral(
            s, resolve_person(s, referrer),
            referred=resolve_person(s, referred) if referred else None,
            to_person=resolve_person(s, to_person) if to_person else None,
            to=resolve_target(s, for_) if for_ else None, status=status,
            asked_on=parse_day(asked_on, "--on date"), note=note)
        s.refresh(r)
        v = referral_view(r)
    if as_json:
        emit_json(v.to_json())
        return
    target = v.to_person or (f"{v.application} at {v.to_company}" if v.application
                             else v.to_company)
    message(f"crm: referral #{v.id}: {literal(v.referrer)} -> {literal(v.referred)} to "
            f"{literal(target)} ({v.status})")


@referrals.command("list")
@for_option
@db_option
@json_option
def referrals_list(for_: str | None, as_json: bool) -> None:
    """List referral links, newest first (--for: one application or company)."""
    from crm.core.jobhunt.applications import resolve_target
    from crm.core.jobhunt.referrals import list_referrals

    database = get_db()
    with database.read() as s:
        found = list_referrals(s, about=resolve_target(s, for_) if for_ else None)
    if as_json:
        emit_json([r.to_json() for r in found])
        return
    if not found:
        message("crm: no referrals yet")
        return
    table(["id", "referrer", "referred", "to", "status", "since"],
          [[r.id, r.referrer, r.referred,
            r.to_person or (f"{r.application} at {r.to_company}" if r.application
                            else r.to_company or ""),
            r.status, (r.status_on or r.asked_on or "")] for r in found],
          max_widths=[0, 24, 16, 44, 12, 10])


@referrals.command("status")
@click.argument("referral_id", type=int)
@click.argument("status", type=click.Choice(REFERRAL_STATUSES))
@click.option("--note", help="Replace the note.")
@db_option
@json_option
def referrals_status(referral_id: int, status: str, note: str | None, as_json: bool) -> None:
    """Move referral REFERRAL_ID to STATUS (its date is recorded)."""
    from crm.core.jobhunt.referrals import referral_view, set_referral_status

    database = get_db()
    with database.write() as s:
        r = set_referral_status(s, referral_id, status, note=note)
        s.refresh(r)
        v = referral_view(r)
    if as_json:
        emit_json(v.to_json())
    else:
        message(f"crm: referral #{v.id} is now {v.status}")


# -- applications ---------------------------------------------------------------------------


@cli.group()
def apps() -> None:
    """Job applications: company, role, stage, dates, referrals and references."""


@apps.command("add")
@click.argument("company")
@click.argument("role")
@click.option("--stage", type=click.Choice(APPLICATION_STAGES), default="applied",
              show_default=True)
@click.option("--applied", metavar="YYYY-MM-DD", help="Date applied.")
@click.option("--interview", metavar="YYYY-MM-DD", help="Interview date.")
@click.option("--url", help="The job posting.")
@click.option("--note", help="Free-text note.")
@new_company_option
@db_option
@json_option
def apps_add(company: str, role: str, stage: str, applied: str | None, interview: str | None,
             url: str | None, note: str | None, new_company: bool, as_json: bool) -> None:
    """Record an application for ROLE at COMPANY.

    COMPANY is found as for `crm add position`: a name close to one you have is refused
    with the close ones listed, unless --new-company.
    """
    from crm.core.jobhunt.applications import add_application_at, application_detail, parse_day

    database = get_db()
    with database.write() as s, hint_new_company():
        added = add_application_at(s, company, role, new_company=new_company, stage=stage,
                                   applied_on=parse_day(applied, "--applied date"),
                                   interview_on=parse_day(interview, "--interview date"),
                                   url=url, note=note)
        v = application_detail(s, added.application)
    if as_json:
        emit_json(v.to_json())
    else:
        new = " (new company)" if added.company_created else ""
        message(f"crm: application #{v.id}: {literal(v.role)} at {literal(v.company)}{new} "
                f"({v.stage})")


@apps.command("list")
@click.option("--company", metavar="COMPANY", help="Only this company's applications.")
@click.option("--stage", type=click.Choice(APPLICATION_STAGES),
              help="Only applications at this stage.")
@db_option
@json_option
def apps_list(company: str | None, stage: str | None, as_json: bool) -> None:
    """List applications, the most recent first."""
    from crm.core.contacts.companies import resolve_company
    from crm.core.jobhunt.applications import list_applications

    database = get_db()
    with database.read() as s:
        found = list_applications(s, company=resolve_company(s, company) if company else None,
                                  stage=stage)
    if as_json:
        emit_json([a.to_json() for a in found])
        return
    if not found:
        message("crm: no applications yet (crm apps add COMPANY ROLE)")
        return
    table(["id", "company", "role", "stage", "applied", "interview", "referrals", "refs"],
          [[f"#{a.id}", a.company, a.role, a.stage, a.applied_on or "", a.interview_on or "",
            len(a.referrals), len(a.references)] for a in found],
          max_widths=[0, 28, 36, 12, 10, 10, 0, 0])


@apps.command("show")
@click.argument("application")
@db_option
@json_option
def apps_show(application: str, as_json: bool) -> None:
    """One application: dates, stage, its referrals and the references given."""
    from crm.core.errors import InvalidInput
    from crm.core.jobhunt.applications import application_detail, resolve_target
    from crm.core.models import Application

    database = get_db()
    with database.read() as s:
        target = resolve_target(s, application)
        if not isinstance(target, Application):
            raise InvalidInput(f"{application!r} is a company; name one of its applications "
                               f"(crm apps list --company {application!r})")
        v = application_detail(s, target)
    if as_json:
        emit_json(v.to_json())
        return
    click.echo(f"#{v.id} {literal(v.role)} at {literal(v.company)}")
    for label, value in (("stage", v.stage), ("applied", v.applied_on),
                         ("interview", v.interview_on), ("closed", v.closed_on),
                         ("url", v.url), ("note", v.note)):
        if value:
            click.echo(f"{label:<12}{one_line(value)}")
    for r in v.referrals:
        click.echo(f"referral    {one_line(r.referrer)} -> {one_line(r.referred)} "
                   f"[{r.status}]")
    for u in v.references:
        click.echo(f"reference   {one_line(u.name)} ({u.used_on.isoformat()}"
                   f"{', notified' if u.notified else ', not notified'})")


@apps.command("stage")
@click.argument("application")
@click.argument("stage", type=click.Choice(APPLICATION_STAGES))
@db_option
@json_option
def apps_stage(application: str, stage: str, as_json: bool) -> None:
    """Move APPLICATION to STAGE (a final stage records the closing date)."""
    from crm.core.errors import InvalidInput
    from crm.core.jobhunt.applications import application_detail, resolve_target, update_application
    from crm.core.models import Application

    database = get_db()
    with database.write() as s:
        target = resolve_target(s, application)
        if not isinstance(target, Application):
            raise InvalidInput(f"{application!r} is a company, not an application")
        update_application(s, target, stage=stage)
        v = application_detail(s, target)
    if as_json:
        emit_json(v.to_json())
    else:
        message(f"crm: #{v.id} {literal(v.role)} at {literal(v.company)} is now {v.stage}")
