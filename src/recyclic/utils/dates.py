"""Calendar periods cut in a site's time zone, as UTC instants for the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from recyclic.utils.periods import EARLIEST_DAY, LATEST_DAY, InvalidPeriod


def local_midnight(day: date, timezone: str) -> datetime:
    """The instant (UTC) a day starts in `timezone`."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def day_range(
    first: date | None, last: date | None, timezone: str
) -> tuple[datetime | None, datetime | None]:
    """[start, end) in UTC covering the days `first`..`last` inclusive; None leaves a side open.

    Days outside 1900–2999 are a 422 (years 1 and 9999 overflow once shifted to UTC)."""
    for day in (first, last):
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
            raise InvalidPeriod(
                f"Date hors limites : les périodes vont du {EARLIEST_DAY:%d/%m/%Y} "
                f"au {LATEST_DAY:%d/%m/%Y}."
            )
    start = local_midnight(first, timezone) if first is not None else None
    end = local_midnight(last + timedelta(days=1), timezone) if last is not None else None
    return start, end


def local_today(timezone: str, now: datetime | None = None) -> date:
    """Today's date in `timezone`."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)).date()
