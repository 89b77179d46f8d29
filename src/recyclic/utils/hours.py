"""Cutting a time range into whole UTC hours and the minutes at its edges.

The hourly totals (`models/rollups.py`) answer for whole hours; a range that starts or ends
inside an hour (a site whose time zone is offset by half an hour, or any from–to given to the
minute) reads those few minutes from the rows themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

_HOUR = timedelta(hours=1)


def floor_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def ceil_hour(moment: datetime) -> datetime:
    floor = floor_hour(moment)
    return floor if floor == moment else floor + _HOUR


@dataclass(frozen=True, slots=True)
class HourSplit:
    """[first_hour, end_hour) read from the hourly totals (None: nothing, or no bound on that
    side), and the ranges read from the rows (None: no bound)."""

    hours: tuple[datetime | None, datetime | None] | None
    edges: tuple[tuple[datetime | None, datetime | None], ...]


def split_hours(start: datetime | None, end: datetime | None) -> HourSplit:
    """The whole UTC hours inside [start, end) and what is left at either end. Both bounds are
    timezone-aware (or None: unbounded)."""
    first = None if start is None else ceil_hour(start)
    last = None if end is None else floor_hour(end)
    if start is not None and end is not None and ceil_hour(start) >= floor_hour(end):
        # Less than a whole hour inside: the rows only.
        return HourSplit(None, ((start, end),) if start < end else ())
    edges = []
    if start is not None and first is not None and start < first:
        edges.append((start, first))
    if end is not None and last is not None and last < end:
        edges.append((last, end))
    return HourSplit((first, last), tuple(edges))
