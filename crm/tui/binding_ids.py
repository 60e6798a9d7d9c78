"""Every binding id of the TUI, to name the unknown ones of a keymap.toml.

Apart from crm.tui.keymap because it imports every screen (which the ``?`` page, itself a
screen, must not): the app calls it in a worker, after the first screen.
"""

from __future__ import annotations


def known_binding_ids() -> set[str]:
    """Every binding id of the TUI (imports every screen: called after the first paint)."""
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
    ids: set[str] = set()
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, DOMNode):
                for _key, binding in value._merged_bindings or ():
                    if binding.id:
                        ids.add(binding.id)
    return ids
