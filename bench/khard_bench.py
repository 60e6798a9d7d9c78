"""khard (a vCard address book for the terminal) on the same cards, for comparison.

khard is installed from PyPI into its own virtualenv (`make bench` does it) and reads a
vdir: one .vcf file per contact. We time `khard list` and `khard show` of one contact, next
to `crm people --json` and `crm show` on a crm database imported from the same cards.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bench.cache import cache_dir
from bench.report import Result
from bench.timing import measure_process

CARD = re.compile(r"BEGIN:VCARD.*?END:VCARD\r?\n?", re.S | re.I)


def khard_executable() -> str | None:
    return os.environ.get("KHARD") or shutil.which("khard")


def make_vdir(vcf: Path, dest: Path) -> int:
    """Split a multi-card export into one file per card, as khard expects."""
    dest.mkdir(parents=True, exist_ok=True)
    text = vcf.read_text(encoding="utf-8", errors="replace")
    n = 0
    for n, card in enumerate(CARD.findall(text), 1):
        if not re.search(r"^UID[:;]", card, re.M | re.I):
            # khard ignores cards without a UID; a vdir always has them.
            card = re.sub(r"(?im)^(VERSION:[^\r\n]*\r?\n)", rf"\1UID:bench-{n}\r\n", card,
                          count=1)
        (dest / f"{n:06d}.vcf").write_text(card, encoding="utf-8")
    return n


def write_config(vdir: Path, dest: Path) -> Path:
    dest.write_text(
        "[addressbooks]\n[[bench]]\npath = " + str(vdir) + "\n"
        "[general]\ndebug = no\ndefault_action = list\neditor = true\nmerge_editor = true\n"
        "[contact table]\ndisplay = first_name\ngroup_by_addressbook = no\n"
        "reverse = no\nshow_nicknames = no\nshow_uids = no\nsort = last_name\n"
        "localize_dates = yes\npreferred_phone_number_type = pref, cell, home\n"
        "preferred_email_address_type = pref, work, home\n"
        "[vcard]\nprivate_objects = Jabber,\npreferred_version = 3.0\nsearch_in_source_files = no\n"
        "skip_unparsable = yes\n",
        encoding="utf-8",
    )
    return dest


def show_target(crm_db: Path, vcf_cards: int) -> tuple[str, int]:
    """An email that only one card has (khard searches every field) and crm's id for it."""
    from sqlalchemy import select

    from crm.core.db import open_database
    from crm.core.models import ContactPoint

    i = vcf_cards // 2
    db = open_database(str(crm_db))
    try:
        with db.read() as s:
            found = s.execute(select(ContactPoint.value, ContactPoint.person_id)
                              .where(ContactPoint.kind == "email",
                                     ContactPoint.value.like(f"%.{i}@example.com"))).first()
    finally:
        db.dispose()
    if found is None:
        raise RuntimeError(f"card {i} is not in {crm_db}")
    return str(found[0]), int(found[1])


def khard_version(exe: str) -> str:
    done = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip().removeprefix("Khard version ") or "?"


def bench_side_by_side(vcf: Path, cards: int, crm_db: Path, runs: int = 3) -> list[Result]:
    """khard and crm listing everyone and showing one contact, on the same cards."""
    exe = khard_executable()
    size = f"{cards:,} cards"
    if exe is None:
        return [Result("khard", size, "not installed (`make bench` installs it into "
                                      ".venv-khard; or set KHARD=)")]
    workdir = cache_dir()
    vdir = workdir / f"khard-vdir-{vcf.stem}"
    if not vdir.exists():
        partial = workdir / f"khard-vdir-{vcf.stem}.building"
        shutil.rmtree(partial, ignore_errors=True)
        make_vdir(vcf, partial)
        partial.rename(vdir)
    conf = write_config(vdir, workdir / f"khard-{vcf.stem}.conf")
    env = dict(os.environ, HOME=str(workdir), XDG_CONFIG_HOME=str(workdir))
    env.pop("CRM_DATABASE_URL", None)
    base = [exe, "-c", str(conf), "--skip-unparsable"]
    email, person_id = show_target(crm_db, cards)
    crm = [sys.executable, "-m", "crm"]
    db = ["--db", str(crm_db)]
    version = khard_version(exe)
    return [
        Result(f"khard {version} `list` (everyone)", size,
               measure_process([*base, "list"], runs=runs, env=env)),
        Result("`crm people --json` (everyone)", size,
               measure_process([*crm, "people", "--json", *db], runs=runs, env=env)),
        Result(f"khard {version} `show EMAIL` (one contact)", size,
               measure_process([*base, "show", email], runs=runs, env=env, stdin="")),
        Result("`crm show '#ID' --json` (one contact)", size,
               measure_process([*crm, "show", f"#{person_id}", "--json", *db], runs=runs,
                               env=env)),
    ]
