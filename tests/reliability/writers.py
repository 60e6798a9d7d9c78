"""Every command that writes a file, and a database that gives each something to write.

The atomic-write tests (``test_atomic_writes``, the slow disk-full run) go through this list:
a command that writes a file belongs here.
"""

from __future__ import annotations

from typing import Any

from tests.vcard.conftest import fixture

# (name, arguments before "-o FILE", SQLite only). A name ending in "(new file)" writes only
# a file that does not exist yet (``crm db recover``): there is no previous file to keep, and
# a failed write leaves none.
WRITERS: list[tuple[str, tuple[str, ...], bool]] = [
    ("export json", ("export", "json"), False),
    ("export vcard", ("export", "vcard"), False),
    ("export vcard 4.0", ("export", "vcard", "--version", "4.0"), False),
    ("rejected cards", ("import", "--rejected"), False),
    ("refs export md", ("refs", "export", "--for", "Acme", "--format", "md"), False),
    ("refs export pdf", ("refs", "export", "--for", "Acme", "--format", "pdf"), False),
    ("db backup", ("db", "backup"), True),
    ("db recover (new file)", ("db", "recover"), True),
]


def new_file_only(name: str) -> bool:
    return name.endswith("(new file)")


def fill_for_writers(crm: Any) -> None:
    """Me, an agreed reference at Acme, imported people with a photo and rejected cards."""
    assert crm("add", "person", "Me Myself", "--me", "--email", "me@example.com").exit_code == 0
    assert crm("add", "person", "Ref Erence", "--email", "ref@example.com").exit_code == 0
    assert crm("add", "position", "Ref Erence", "Acme", "--start", "2023").exit_code == 0
    assert crm("refs", "add", "Ref Erence", "--status", "agreed").exit_code == 0
    assert crm("import", str(fixture("iphone.vcf"))).exit_code == 0
    assert crm("import", str(fixture("messy.vcf"))).exit_code == 1


def writers_for(crm: Any) -> list[tuple[str, tuple[str, ...]]]:
    """The writing commands that apply to this test's backend."""
    sqlite = crm("db", "current", "--json").json()["url"].startswith("sqlite")
    return [(name, args) for name, args, sqlite_only in WRITERS if sqlite or not sqlite_only]
