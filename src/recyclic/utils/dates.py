"""Calendar periods cut in a site's time zone, as UTC instants for the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_midnight(day: date, timezone: str) -> datetime:
    """The instant (UTC) a day starts in `timezone`."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def day_range(
    first: date | None, last: date | None, timezone: str
) -> tuple[datetime | None, datetime | None]:
    """[start, end) in UTC covering the days `first`..`last` inclusive; None leaves a side open."""
    start = local_midnight(first, timezone) if first is not None else None
    end = local_midnight(last + timedelta(days=1), timezone) if last is not None else None
    return start, end


def local_today(timezone: str, now: datetime | None = None) -> date:
    """Today's date in `timezone`."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)).date()
