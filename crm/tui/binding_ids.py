"""Every binding id of the TUI, to name the unknown ones of a keymap.toml.

Apart from crm.tui.keymap because it imports every screen (which the ``?`` page, itself a
screen, must not): the app calls it in a worker, after the first screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.binding import Binding


def bindings_by_node() -> dict[str, list[Binding]]:
    """The bindings of every screen, dialog and widget of the TUI, by class name (imports
    every screen: called after the first paint)."""
    from textual.dom import DOMNode

    from crm.tui import app as app_module
    from crm.tui.screens import (
        applications,
        companies,
        company,
        deleted,
        dialogs,
        duplicates,
        help,
        importing,
        merge,
        people,
        person,
        references,
        suggestions,
        today,
    )
    from crm.tui.widgets import editable, lazy_table, rows

    modules = (app_module, applications, companies, company, deleted, dialogs, duplicates,
               help, importing, merge, people, person, references, suggestions, today,
               editable, lazy_table, rows)
    out: dict[str, list[Binding]] = {}
    for module in modules:
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, DOMNode)
                    and value.__module__.startswith("crm.")):
                out[value.__name__] = [b for _key, b in value._merged_bindings or ()]
    return out


def known_binding_ids() -> set[str]:
    """Every binding id of the TUI."""
    return {b.id for bindings in bindings_by_node().values() for b in bindings if b.id}


def keymap_clashes(keys: dict[str, str]) -> list[str]:
    """A remapped key that another binding of the same screen or widget keeps: that one
    loses its key there (Textual's keymap drops it). One line each, naming both."""
    told: list[str] = []
    for node, bindings in bindings_by_node().items():
        ids_here = {b.id for b in bindings if b.id}
        for binding_id, wanted in keys.items():
            if binding_id not in ids_here:
                continue
            for key in wanted.split(","):
                for other in bindings:
                    if (other.key == key and other.id != binding_id and other.id not in keys
                            and (other.description or other.tooltip)):
                        line = (f"{key} is now {binding_id} on {node}, so "
                                f"{other.description or other.tooltip!r} ({other.id}) "
                                "has no key there")
                        if line not in told:
                            told.append(line)
    return told
