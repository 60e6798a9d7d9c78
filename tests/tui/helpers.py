"""What Pilot tests share: the sizes, waiting for the app to catch up, reading what the user
sees (the screen, the toasts) and what was saved (the database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.app import App


@dataclass
class Toasts:
    """Every notification the app shows from the moment it is made: (severity, message)."""

    app: App[Any]
    shown: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        notify = self.app.notify

        def recording(message: str, *args: Any, **kwargs: Any) -> None:
            self.shown.append((kwargs.get("severity", "information"), str(message)))
            notify(message, *args, **kwargs)

        self.app.notify = recording  # type: ignore[method-assign]

    def errors(self) -> list[str]:
        return [m for severity, m in self.shown if severity in ("error", "warning")]

    def messages(self) -> list[str]:
        return [m for _severity, m in self.shown]
