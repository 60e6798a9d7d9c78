"""What is needed to show a refused form again, filled in with what the user typed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text

from crm.tui.screens.dialogs import FormField

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass
class FormRetry:
    title: Text
    fields: list[FormField]
    job: Callable[[Session, dict[str, str]], Any]
    summary: Callable[[Any], str]
    values: dict[str, str]
    # What a field shows instead of its value (a company chosen as "#4" shows its name).
    shown: dict[str, str] = field(default_factory=dict)
