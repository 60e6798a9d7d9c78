"""khard (a vCard address book for the terminal) on the same cards, for comparison.

khard is installed from PyPI into its own virtualenv (`make bench` does it) and reads a
vdir: one .vcf file per contact. We time `khard list` and `khard show NAME`.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from bench.timing import Timing, measure_process

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


def bench_khard(vcf: Path, workdir: Path, show_name: str, runs: int = 3) -> dict[str, Timing]:
    exe = khard_executable()
    if exe is None:
        raise RuntimeError("khard is not installed (make bench installs it into .venv-khard)")
    vdir = workdir / "khard-vdir"
    if not vdir.exists():
        make_vdir(vcf, vdir)
    conf = write_config(vdir, workdir / "khard.conf")
    env = dict(os.environ, HOME=str(workdir), XDG_CONFIG_HOME=str(workdir))
    base = [exe, "-c", str(conf), "--skip-unparsable"]
    return {
        "list": measure_process([*base, "list"], runs=runs, env=env),
        "show": measure_process([*base, "show", show_name], runs=runs, env=env, stdin=""),
    }
