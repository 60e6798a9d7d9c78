"""The network of people, by job: ``ties`` (connections recorded and derived from positions
that overlapped, my circle), ``who`` (who do I know at company X), ``paths`` (ways to be
introduced to someone) and ``stale`` (people I am losing touch with).

Each name is imported from its module when first used (PEP 562): ``crm who`` builds the
queries of ``who`` and ``ties``, not those of ``paths`` and ``stale``, at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crm.core.network.paths import IntroPath, PathStep, intro_paths
    from crm.core.network.stale import StaleContact, losing_touch
    from crm.core.network.ties import (
        DERIVED_STRENGTH,
        UNLINKED_STRENGTH,
        VIA_STRENGTH,
        ConnectionView,
        Overlap,
        Tie,
        derived_connections,
        explicit_connections,
        explicit_ties,
        last_contacted,
        link,
        me_id,
        my_circle,
        overlaps,
    )
    from crm.core.network.who import PositionAt, SecondDegree, Staff, Via, WhoAt, who_at

_MODULES = {
    "paths": ("IntroPath", "PathStep", "intro_paths"),
    "stale": ("StaleContact", "losing_touch"),
    "ties": ("DERIVED_STRENGTH", "UNLINKED_STRENGTH", "VIA_STRENGTH", "ConnectionView",
             "Overlap", "Tie", "derived_connections", "explicit_connections", "explicit_ties",
             "last_contacted", "link", "me_id", "my_circle", "overlaps"),
    "who": ("PositionAt", "SecondDegree", "Staff", "Via", "WhoAt", "who_at"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "DERIVED_STRENGTH", "UNLINKED_STRENGTH", "VIA_STRENGTH", "ConnectionView", "IntroPath",
    "Overlap", "PathStep", "PositionAt", "SecondDegree", "Staff", "StaleContact", "Tie", "Via",
    "WhoAt", "derived_connections", "explicit_connections", "explicit_ties", "intro_paths",
    "last_contacted", "link", "losing_touch", "me_id", "my_circle", "overlaps", "who_at",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
