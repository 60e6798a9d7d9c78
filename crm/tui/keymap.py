"""Keys the user remaps: ``keymap.toml`` in crm's config directory maps binding ids to keys.

    # ~/.config/crm/keymap.toml (on Linux; `?` in the TUI shows the path and every id)
    "people.sort" = "ctrl+r"          # one key
    "app.people" = ["f2", "ctrl+1"]   # or several
    [refs]
    export = "X"                      # a table: the same as "refs.export" = "X"

The file is applied with Textual's keymap (``App.set_keymap``): a remapped binding keeps its
action and description, only its keys change. A file that cannot be read is reported in one
line (file, line, what is wrong) and the default keys are used; an entry that is wrong
(an unknown id, a key Textual does not know) is reported and skipped, the rest applied.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm.core.paths import config_dir

KEYMAP_FILENAME = "keymap.toml"
ENV_KEYMAP = "CRM_KEYMAP"  # another file than <config dir>/keymap.toml
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


def keymap_path() -> Path:
    """Where the keymap is read from (it need not exist)."""
    override = os.environ.get(ENV_KEYMAP)
    if override:
        return Path(override).expanduser()
    return config_dir() / KEYMAP_FILENAME


@dataclass(frozen=True)
class Keymap:
    """What a keymap file says: binding id -> keys ("f2,ctrl+1"), the line of each entry,
    and what is wrong with it, one line per problem."""

    path: Path
    keys: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def key_problem(key: str) -> str | None:
    """Why ``key`` is not a key Textual can bind (None: it is one)."""
    from textual.keys import KEY_TO_UNICODE_NAME, Keys, key_to_character

    if not key:
        return "an empty key"
    if key == "+":
        return None
    *mods, base = key.split("+")
    for mod in mods:
        if mod not in MODIFIERS:
            return f"{mod!r} in {key!r} is not a modifier ({', '.join(MODIFIERS)})"
    if not base:
        return f"{key!r} has no key after its modifiers"
    known = {k.value for k in Keys}
    if (len(base) == 1 and base.isprintable()) or base in known or (
            base in KEY_TO_UNICODE_NAME or key_to_character(base) is not None):
        return None
    return (f"{key!r} is not a key name (examples: f2, ctrl+o, j, J, slash, question_mark, "
            "enter, escape)")


def _normal_key(key: str) -> str:
    """The key as Textual names it: "?" is "question_mark", "ctrl+/" is "ctrl+slash"."""
    from textual.keys import _character_to_key

    *mods, base = key.split("+") if key != "+" else ["+"]
    if len(base) == 1 and not base.isalnum():
        base = _character_to_key(base)
    return "+".join([*mods, base])


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``[refs] export = "X"`` and ``refs.export = "X"`` (a dotted key) are "refs.export"."""
    out: dict[str, Any] = {}
    for name, value in table.items():
        full = f"{prefix}{name}"
        if isinstance(value, dict):
            out.update(_flatten(value, full + "."))
        else:
            out[full] = value
    return out


def _line_of(text: str, binding_id: str) -> int | None:
    """The line an entry is on (tomllib gives none): its full id, else its last part."""
    for name in (binding_id, binding_id.rsplit(".", 1)[-1]):
        pattern = re.compile(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=", re.MULTILINE)
        found = pattern.search(text)
        if found:
            return text.count("\n", 0, found.start()) + 1
    return None


def _where(path: Path, line: int | None) -> str:
    return f"{path}, line {line}" if line else str(path)


def read_keymap(path: Path | None = None) -> Keymap:
    """Read the keymap file (none there: an empty keymap, no problem)."""
    path = path if path is not None else keymap_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Keymap(path)
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        return Keymap(path, problems=[f"{path}: cannot be read ({reason}); the default keys "
                                      "are used"])
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        # tomllib says "Invalid value (at line 3, column 9)": file, line, then what.
        message = str(err)
        at = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
        if at:
            message = message[:at.start()]
        line = int(at.group(1)) if at else None
        return Keymap(path, problems=[f"{_where(path, line)}: not valid TOML ({message}); "
                                      "the default keys are used"])
    keys: dict[str, str] = {}
    lines: dict[str, int] = {}
    problems: list[str] = []
    for binding_id, value in _flatten(data).items():
        line = _line_of(text, binding_id)
        if line is not None:
            lines[binding_id] = line
        listed = [value] if isinstance(value, str) else value
        if not (isinstance(listed, list) and listed
                and all(isinstance(k, str) for k in listed)):
            problems.append(f"{_where(path, line)}: {binding_id} should be a key in quotes "
                            'or a list of them, like "ctrl+o" or ["f2", "ctrl+1"]')
            continue
        wanted = [k.strip() for item in listed for k in item.split(",")]
        wrong = next((p for p in map(key_problem, wanted) if p), None)
        if wrong:
            problems.append(f"{_where(path, line)}: {binding_id}: {wrong}; its default key "
                            "is kept")
            continue
        keys[binding_id] = ",".join(_normal_key(k) for k in wanted)
    return Keymap(path, keys, lines, problems)


def unknown_ids(keymap: Keymap, known: set[str]) -> list[str]:
    """One line per entry whose id no binding has, with its line."""
    return [f"{_where(keymap.path, keymap.lines.get(i))}: no key has the id {i!r} (the ? "
            "page lists the ids of each screen's keys)"
            for i in keymap.keys if i not in known]
