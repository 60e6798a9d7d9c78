"""crm.core never loads Textual; the CLI query path loads neither Textual nor vobject."""

from __future__ import annotations

import json
import subprocess
import sys


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True,
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_core_imports_no_ui_and_no_vobject() -> None:
    loaded = _modules_after(
        "import crm.core, crm.core.db, crm.core.models, crm.core.contacts.people,"
        " crm.core.contacts.companies, crm.core.network, crm.core.contacts.profile,"
        " crm.core.samples.demo"
    )
    assert not {m for m in loaded if m.split(".")[0] in {"textual", "rich", "vobject"}}


def test_cli_query_path_imports_no_textual_or_vobject(tmp_path: object) -> None:
    code = (
        "import os, sys\n"
        f"os.environ['CRM_DATA_DIR'] = {str(tmp_path)!r}\n"
        "from crm.cli import run\n"
        "code = run(['people', '--json'])\n"
        "assert code == 0, code\n"
    )
    loaded = _modules_after(code)
    assert not {m for m in loaded if m.split(".")[0] in {"textual", "vobject"}}


def test_every_lazy_command_is_defined_by_its_module() -> None:
    import importlib

    from crm.cli.main import LAZY_COMMANDS, cli

    for name, modules in LAZY_COMMANDS.items():
        for module in modules:
            importlib.import_module(module)
        assert name in cli.commands, name


def test_who_does_not_import_other_feature_commands(tmp_path: object) -> None:
    code = (
        "import os\n"
        f"os.environ['CRM_DATA_DIR'] = {str(tmp_path)!r}\n"
        "from crm.cli import run\n"
        "run(['who', 'nowhere', '--json'])\n"
    )
    loaded = _modules_after(code)
    assert "crm.cli.network" in loaded
    assert not {"crm.cli.refs", "crm.cli.transfer"} & loaded


def test_who_and_show_load_only_what_they_use(tmp_path: object) -> None:
    # What `crm who` and `crm show` do not use is not loaded at start-up: the tracking
    # models (mapping and configuring them is a quarter of the models' cost), the queries of
    # `crm path` and `crm stale`, Alembic, Textual and vobject.
    setup = (f"import os; os.environ['CRM_DATA_DIR'] = {str(tmp_path)!r}\n"
             "from crm.cli import run\n")
    _modules_after(setup + "assert run(['add', 'person', 'Ada Lovelace']) == 0\n"
                           "assert run(['add', 'position', 'Ada', 'Analytical Engines', "
                           "'--new-company']) == 0\n")
    loaded = _modules_after(setup + "assert run(['who', 'Analytical Engines', '--json']) == 0\n"
                                    "assert run(['show', 'Ada', '--json']) == 0\n")
    assert {"crm.core.network.who", "crm.core.contacts.profile"} <= loaded
    unneeded = {"crm.core.models.tracking", "crm.core.network.paths", "crm.core.network.stale",
                "alembic", "textual", "vobject"}
    assert not unneeded & loaded


def test_base_has_every_table_though_some_models_load_late() -> None:
    # The tracking models are mapped when first used, but the code walking every table
    # (merges, tombstones, backups, recovery, Alembic) gets them all through Base.
    out = subprocess.run(
        [sys.executable, "-c", "from crm.core.models import Base\n"
                               "print(' '.join(sorted(Base.metadata.tables)))"],
        capture_output=True, text=True, check=True).stdout.split()
    assert {"person", "company", "todo", "tombstone", "person_alias", "sync_card"} <= set(out)


def test_agenda_maps_only_the_models_it_reads(tmp_path: object) -> None:
    # `crm agenda` reads to-dos but none of the other tracking models (provenance, merges,
    # tombstones, suggestions, sync state): `Todo` is mapped on its own, and the rest of
    # `tracking` (a fifth of the models' mapping and configuring) is left alone.
    setup = (f"import os; os.environ['CRM_DATA_DIR'] = {str(tmp_path)!r}\n"
             "from crm.cli import run\n")
    _modules_after(setup + "assert run(['add', 'person', 'Ada Lovelace']) == 0\n"
                           "assert run(['todo', 'add', 'Ada', 'call', '--due', 'today']) == 0\n")
    loaded = _modules_after(setup + "assert run(['agenda', '--json']) == 0\n")
    assert {"crm.core.agenda.today", "crm.core.models.todo"} <= loaded
    assert not {"crm.core.models.tracking", "alembic", "textual", "vobject"} & loaded
    # (nor, on SQLite, the PostgreSQL dialect: the search ranking's PostgreSQL form imports
    # it only when it is used; at the top of its module it cost every command ~0.1 s)
    assert "sqlalchemy.dialects.postgresql" not in loaded


def _mapped_after(code: str) -> set[str]:
    """The model classes mapped once ``code`` has run (in a fresh interpreter)."""
    out = subprocess.run(
        [sys.executable, "-c", code + "\nfrom crm.core.models.base import Base\n"
                                      "print(' '.join(sorted(m.class_.__name__ "
                                      "for m in Base.registry.mappers)))"],
        capture_output=True, text=True, check=True).stdout
    return set(out.strip().splitlines()[-1].split())


def test_who_by_id_maps_only_the_network_it_reads(tmp_path: object) -> None:
    # `crm who '#ID'` reads people, companies, positions, connections and interactions: a
    # person's dates and relations, a company's aliases and domains and the job hunt
    # (crm.core.models.details, half the models' mapping and configuring) stay unmapped.
    setup = (f"import os; os.environ['CRM_DATA_DIR'] = {str(tmp_path)!r}\n"
             "from crm.cli import run\n")
    _modules_after(setup + "assert run(['add', 'person', 'Ada Lovelace']) == 0\n"
                           "assert run(['add', 'position', 'Ada', 'Analytical Engines', "
                           "'--new-company']) == 0\n")
    mapped = _mapped_after(setup + "assert run(['who', '#1', '--json']) == 0\n")
    assert {"Person", "Company", "Position", "Connection"} <= mapped
    assert not {"PersonDate", "PersonRelation", "CompanyAlias", "CompanyDomain", "Reference",
                "Referral", "Application"} & mapped


def test_details_load_on_first_use_of_their_relationships(tmp_path: object) -> None:
    # A person's dates, relations and reference and a company's aliases, domains, contact
    # points and tags are there whichever way they are first reached: on the class (a
    # loader option), on an instance, or in the constructor, with no details model imported.
    db = tmp_path / "crm.sqlite3"  # type: ignore[operator]
    write = (
        "from crm.core.db import open_database\n"
        "from crm.core.models import Company, Person\n"
        f"db = open_database({str(db)!r})\n"
        "with db.write() as s:\n"
        "    from crm.core.models import CompanyAlias, PersonDate, Reference\n"
        "    p = Person(display_name='Ada', sort_key='ada', dates=[PersonDate(label='x', "
        "month=5, day=1)], reference=Reference(status='agreed'))\n"
        "    s.add(p)\n"
        "    s.add(Company(name='Engines', name_key='engines', "
        "aliases=[CompanyAlias(alias='AE', alias_key='ae')]))\n")
    subprocess.run([sys.executable, "-c", write], check=True)
    read = (
        "from sqlalchemy import select\n"
        "from sqlalchemy.orm import selectinload\n"
        "from crm.core.db import open_database\n"
        "from crm.core.models import Company, Person\n"
        f"db = open_database({str(db)!r})\n"
        "with db.read() as s:\n"
        "    p = s.scalars(select(Person)).one()\n"
        "    print([d.month for d in p.dates], p.reference.status, p.relations)\n"
        "with db.read() as s:\n"
        "    c = s.scalars(select(Company).options(selectinload(Company.aliases))).one()\n"
        "    print([a.alias for a in c.aliases], c.domains, c.tags, c.contact_points)\n"
        "print(Person(display_name='new').dates)\n")
    out = subprocess.run([sys.executable, "-c", read], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["[5] agreed []", "['AE'] [] [] []", "[]"]


def test_the_tui_maps_every_model_once_the_database_is_open(tmp_path: object) -> None:
    # The TUI's threads import screens and read at once; a models module imported by one
    # thread while another configures the mappers broke them for good ("One or more mappers
    # failed to initialize": Tombstone defined, TombstoneKey not yet). So every model, the
    # tracking ones too, is mapped and configured when the database is opened for it.
    setup = f"import os; os.environ['CRM_DATA_DIR'] = {str(tmp_path)!r}\n"
    _modules_after(setup + "from crm.cli import run\n"
                           "assert run(['add', 'person', 'Ada Lovelace']) == 0\n")
    code = (setup + "from crm.core.opening import DatabaseOpening\n"
            "from crm.core.db import open_database\n"
            "DatabaseOpening.opened(open_database(None))\n"
            "from crm.core.models.base import Base\n"
            "assert all(m.configured for m in Base.registry.mappers)\n")
    mapped = _mapped_after(code)
    assert {"Person", "Application", "Reference", "Todo", "ImportRecord", "Tombstone",
            "TombstoneKey", "SyncCard", "Suggestion"} <= mapped
    # (every table the models declare, once all are imported, has its mapped class)
    everything = _mapped_after("import crm.core.models.tracking")
    assert everything == mapped
