"""The network of people, by job: ``ties`` (connections recorded and derived from positions
that overlapped, my circle), ``who`` (who do I know at company X), ``paths`` (ways to be
introduced to someone) and ``stale`` (people I am losing touch with)."""

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

__all__ = [
    "DERIVED_STRENGTH", "UNLINKED_STRENGTH", "VIA_STRENGTH", "ConnectionView", "IntroPath",
    "Overlap", "PathStep", "PositionAt", "SecondDegree", "Staff", "StaleContact", "Tie", "Via",
    "WhoAt", "derived_connections", "explicit_connections", "explicit_ties", "intro_paths",
    "last_contacted", "link", "losing_touch", "me_id", "my_circle", "overlaps", "who_at",
]
