"""``crm prep``: the interview prep sheet for an application or a company."""

from __future__ import annotations

from pathlib import Path

import click

from crm.cli.context import db_option, get_db, json_option
from crm.cli.main import cli
from crm.cli.output import emit_json, literal, message


@cli.command("prep")
@click.argument("target", metavar="APPLICATION-or-COMPANY")
@click.option("--format", "fmt", required=True, metavar="md|html|pdf")
@click.option("-o", "--output", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (0600; an earlier one is replaced whole).")
@db_option
@json_option
def prep_cmd(target: str, fmt: str, output: Path, as_json: bool) -> None:
    """Write the interview prep sheet: the company and role, the timeline, who you know
    there now and before (with what they told you), second-degree paths, referrals, the
    references to list (with what each speaks to and whether told), open follow-ups."""
    from crm.core.agenda.prep import build_prep
    from crm.core.jobhunt.applications import resolve_target
    from crm.export.prep import check_prep_format, write_prep

    f = check_prep_format(fmt)
    database = get_db()
    with database.read() as s:
        sheet = build_prep(s, resolve_target(s, target))
    warnings = write_prep(sheet, f, output)
    for w in warnings:
        message(f"crm: warning: {w}")
    if as_json:
        emit_json({"path": str(output), "format": f, "sheet": sheet.to_json(),
                   "warnings": warnings})
    message(f"crm: wrote {literal(output)} ({f}, prep for {literal(sheet.title)})")
