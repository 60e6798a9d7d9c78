"""A database whose every free-text field is hostile, and what "nothing from data reached the
terminal" means, shared by the CLI and the TUI hostile-render tests.

Every value is built through the CLI (so it is stored as a user or an import would store it);
then every free-text column of every row gets a hostile prefix, so that a field no command
sets (a company alias, a suggestion's evidence, a tombstone's name, a rejected card's
error…) is hostile too, and so that a table clipped at its width still shows the controls.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

# Rich markup and a Textual action first (they must show as typed), then what a terminal
# acts on or hides: OSC 52 (rewrites the clipboard), CSI 2J (blanks the screen), BEL, BS,
# DEL, C1 CSI (\x9b) and NEL (\x85), bidi override and isolate, zero-width space, word
# joiner, BOM, a line separator.
HOSTILE = ("[b]x[/b]\x1b]52;c;SU1QTkFNRQ==\x07\x1b[2J\x1b\\\u202e\u2066\x9b31m\x85\x08\x7f"
           "\u200b\u2060\ufeff\u2028\u200e[@click=app.quit]q[/]\r")

# A character is from data when it is neither printable nor a newline/tab the layout put
# there: C0, C1, DEL, bidi controls, format characters, separators.
def data_controls(shown: str) -> list[str]:
    """The characters in ``shown`` (text a face produced, its own escape sequences removed)
    that a terminal would act on or hide."""
    return sorted({ch for ch in shown if not (ch.isprintable() or ch in "\n\t")})


# Textual's own output: SGR colours, cursor moves, its synchronized-update and mode
# sequences. Nothing else may start with ESC. Hostile values hold no SGR, so a data ESC
# cannot hide here.
_OWN_SEQUENCES = re.compile(r"\x1b\[[0-9;]*[mHABCDJK]|\x1b\[\?[0-9;]*[hl]")


def driver_controls(raw: str) -> list[str]:
    """Controls in a terminal stream (what a Textual driver writes), bar Textual's own."""
    rest = _OWN_SEQUENCES.sub("", raw).replace("\r\n", "\n")
    return data_controls(rest)


# Free-text columns (table, column). Keys, normalized forms and enumerations are left alone:
# crm derives them, and a command finds a record through them.
FREE_TEXT = [
    ("person", c) for c in ("display_name", "given_name", "family_name", "additional_names",
                            "name_prefix", "name_suffix", "nickname", "pronouns", "headline",
                            "location", "note")
] + [
    ("contact_point", "label"), ("tag", "name"),
    ("company", "name"), ("company", "website"), ("company", "industry"),
    ("company", "location"), ("company", "note"), ("company_alias", "alias"),
    ("position", "title"), ("position", "department"), ("position", "note"),
    ("connection", "how_met"), ("connection", "note"), ("connection", "context_event"),
    ("application", "role"), ("application", "note"), ("application", "url"),
    ("referral", "note"),
    ("reference", "relationship"), ("reference", "speaks_to"),
    ("reference", "preferred_contact"), ("reference", "note"), ("reference_use", "note"),
    ("interaction", "summary"), ("import_record", "error"), ("person_alias", "name"),
    ("company_merged", "name"), ("tombstone", "name"), ("suggestion", "evidence"),
]


def hostile_vcf(folder: Path, tag: str = "") -> Path:
    """A vCard file of hostile cards (``tag`` makes them other people than a first file's):
    one imported, one rejected (a line outside any card), one with the same name as the
    first (a review suggestion)."""
    folder.mkdir(parents=True, exist_ok=True)
    vcf = folder / "hostile.vcf"
    vcf.write_text(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Card{tag} {HOSTILE}\r\nN:Card;{HOSTILE};;;\r\n"
        f"ORG:Cardco {HOSTILE}\r\nTITLE:{HOSTILE}\r\nEMAIL:card{tag}@example.com\r\n"
        f"NOTE:{HOSTILE}\r\nCATEGORIES:{HOSTILE}\r\nEND:VCARD\r\n"
        f"stray {HOSTILE}\r\n"
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken\r\n{HOSTILE} no colon\r\nEND:VCARD\r\n"
        # The same name as the first card, another address: a review suggestion.
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Card{tag} {HOSTILE}\r\n"
        f"EMAIL:other{tag}@example.com\r\nEND:VCARD\r\n", newline="")
    return vcf


def build(crm: Any, db_url: str, tmp_path: Path) -> None:
    """Fill the test's database (``crm`` runs the CLI on it) with hostile values."""
    def ok(*args: str) -> None:
        result = crm(*args)
        assert result.exit_code == 0, (args, result.stderr)

    ok("add", "person", "Me Myself", "--me", "--email", "me@example.com")
    ok("add", "person", "Name", "--email", "evil@example.com", "--phone", "+1 415 555 0100",
       "--tag", "tagged", "--note", "a note")
    ok("add", "person", "Gone Person", "--email", "gone@example.com")
    ok("add", "person", "Colleague", "--email", "colleague@example.com")
    ok("add", "position", "Name", "Company", "--title", "Engineer", "--kind", "intern",
       "--department", "Dept", "--start", "2024")
    ok("add", "position", "Colleague", "Company", "--title", "Manager", "--start", "2023")
    ok("add", "position", "Me Myself", "Company", "--title", "Intern", "--start", "2024")
    ok("link", "Me Myself", "Name", "--kind", "mentor", "--note", "how we met")
    ok("link", "Name", "Colleague", "--kind", "co-worker", "--note", "desk mates")
    ok("log", "Name", "coffee with them")
    ok("refs", "add", "Name", "--status", "agreed", "--relationship", "manager",
       "--speaks-to", "work")
    ok("apps", "add", "Company", "Role", "--note", "applied online")
    ok("referrals", "add", "Name", "--for", "Company", "--note", "referred me")
    ok("rm", "person", "Gone Person", "--yes")
    result = crm("import", str(hostile_vcf(tmp_path)))
    assert result.exit_code == 1, result.stderr  # one card rejected, the rest imported
    from crm.core.models import Base

    engine = create_engine(db_url)
    with engine.begin() as conn:
        # Suggestions to review: one of each kind (the SQL pass below makes them hostile).
        conn.execute(text(
            "INSERT INTO suggestion (kind, person_id, other_id, connection_kind, evidence, "
            "status, source, created_at, updated_at) SELECT :kind, me.id, o.id, :ck, "
            ":evidence, 'open', 'inferred', :now, :now FROM person me, person o "
            "WHERE me.is_me = :yes AND o.display_name = :other"),
            [{"kind": "connection", "ck": "co-worker", "evidence": "both at Company",
              "other": "Colleague", "now": datetime.now(UTC), "yes": True},
             {"kind": "same-person", "ck": None, "evidence": "the same name",
              "other": "Name", "now": datetime.now(UTC), "yes": True}])
        for table, column in FREE_TEXT:
            # Cut to the column's length (PostgreSQL enforces it): the controls come first.
            length = getattr(Base.metadata.tables[table].c[column].type, "length", None)
            conn.execute(text(f'UPDATE "{table}" SET "{column}" = SUBSTR(:h || "{column}", 1, '
                              f':n) WHERE "{column}" IS NOT NULL'),
                         {"h": HOSTILE, "n": length or 100_000})
        # The company is found by its key and its people by their search text; both stay.
        conn.execute(text("INSERT INTO company_alias (company_id, alias, alias_key) "
                          "SELECT id, :h, 'hostilealias' FROM company WHERE name_key = "
                          "'company'"), {"h": HOSTILE})
    engine.dispose()
