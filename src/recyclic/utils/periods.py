"""Reporting periods cut in a site's time zone: days, ISO weeks, months, quarters, years.

A period is a range of local dates (end inclusive) and the matching UTC instants
[starts_at, ends_at): a day across a daylight-saving change lasts 23 or 25 hours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from recyclic.core.exceptions import InvalidInput

PeriodKind = Literal["daily", "weekly", "monthly", "quarterly", "yearly", "custom"]
MAX_CUSTOM_DAYS = 3 * 366
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)


class InvalidPeriod(InvalidInput):
    code = "invalid_period"
    message = "Période invalide."


@dataclass(frozen=True, slots=True)
class Period:
    kind: PeriodKind
    start: date
    end: date  # inclusive
    starts_at: datetime  # UTC, inclusive
    ends_at: datetime  # UTC, exclusive
    timezone: str

    @property
    def label(self) -> str:
        """'2026-11-26', '2026-W48', '2026-11', '2026-Q4', '2026', or 'from_to'."""
        if self.kind == "daily":
            return self.start.isoformat()
        if self.kind == "weekly":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "monthly":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarterly":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "yearly":
            return str(self.start.year)
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def zone(name: str) -> ZoneInfo:
    """The time zone, or a 422 naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidPeriod(f"Fuseau horaire inconnu : {name}.", code="invalid_timezone") from None


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant at which `day` starts in `tz`."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def local_date(moment: datetime, timezone: str) -> date:
    """The site-local calendar date of a UTC instant."""
    return moment.astimezone(zone(timezone)).date()


def make_period(kind: PeriodKind, start: date, end: date, timezone: str) -> Period:
    """The period of local dates [start, end] in `timezone`."""
    # Years 1 and 9999 overflow once shifted to UTC; no shop reports outside these.
    if start < EARLIEST_DAY or end > LATEST_DAY:
        raise InvalidPeriod(
            f"Date hors limites : les périodes vont du {EARLIEST_DAY:%d/%m/%Y} "
            f"au {LATEST_DAY:%d/%m/%Y}."
        )
    tz = zone(timezone)
    return Period(
        kind=kind,
        start=start,
        end=end,
        starts_at=local_midnight(start, tz),
        ends_at=local_midnight(end + timedelta(days=1), tz),
        timezone=timezone,
    )


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def parse_period(kind: str, value: str, timezone: str) -> Period:
    """`daily 2026-11-26`, `weekly 2026-W48`, `monthly 2026-11`, `quarterly 2026-Q4`,
    `yearly 2026`."""
    value = value.strip()
    try:
        if kind == "daily":
            day = date.fromisoformat(value)
            return make_period("daily", day, day, timezone)
        if kind == "weekly":
            match = re.fullmatch(r"(\d{4})-W(\d{2})", value)
            if not match:
                raise ValueError
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
            return make_period("weekly", monday, monday + timedelta(days=6), timezone)
        if kind == "monthly":
            match = re.fullmatch(r"(\d{4})-(\d{2})", value)
            if not match:
                raise ValueError
            year, month = int(match[1]), int(match[2])
            return make_period("monthly", date(year, month, 1), _month_end(year, month), timezone)
        if kind == "quarterly":
            match = re.fullmatch(r"(\d{4})-Q([1-4])", value)
            if not match:
                raise ValueError
            year, quarter = int(match[1]), int(match[2])
            first = 3 * (quarter - 1) + 1
            return make_period(
                "quarterly", date(year, first, 1), _month_end(year, first + 2), timezone
            )
        if kind == "yearly":
            if not re.fullmatch(r"\d{4}", value):
                raise ValueError
            year = int(value)
            return make_period("yearly", date(year, 1, 1), date(year, 12, 31), timezone)
    except ValueError:
        raise InvalidPeriod(
            f"Date invalide pour une période {kind} : {value!r} "
            "(ex. 2026-11-26, 2026-W48, 2026-11, 2026-Q4, 2026)."
        ) from None
    raise InvalidPeriod(
        f"Type de période inconnu : {kind!r} (daily, weekly, monthly, quarterly, yearly)."
    )


def custom_period(start: date, end: date, timezone: str, *, limit_length: bool = True) -> Period:
    """From–to period (both dates inclusive); at most about three years for reports."""
    if end < start:
        raise InvalidPeriod("La date de fin précède la date de début.")
    if limit_length and (end - start).days > MAX_CUSTOM_DAYS:
        raise InvalidPeriod("Période trop longue (3 ans au plus).")
    return make_period("custom", start, end, timezone)


def ensure_ordered(first_day: date | None, last_day: date | None) -> None:
    """Refuse a from/to filter that ends before it starts (either end may be open)."""
    if first_day is not None and last_day is not None and first_day > last_day:
        raise InvalidPeriod("Période invalide : la date de début est après la date de fin.")


def offset_segments(period: Period) -> list[tuple[datetime, int]]:
    """[(first UTC instant, UTC offset in seconds)] covering [starts_at, ends_at): one segment
    per offset in force, so a database without time zones can still cut local days.

    Offsets change at most a couple of times a year and never twice in a day: each day is
    checked at both ends and a change is found to the second by bisection.
    """
    tz = zone(period.timezone)

    def offset(moment: datetime) -> int:
        delta = moment.astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    segments = [(period.starts_at, offset(period.starts_at))]
    day = period.starts_at
    while day < period.ends_at:
        last = min(day + timedelta(days=1), period.ends_at) - timedelta(microseconds=1)
        if offset(last) != segments[-1][1]:
            low, high = day, last
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if offset(middle) == segments[-1][1]:
                    low = middle
                else:
                    high = middle
            changed_at = high.replace(microsecond=0)
            if offset(changed_at) == segments[-1][1]:
                changed_at = (high + timedelta(seconds=1)).replace(microsecond=0)
            segments.append((changed_at, offset(changed_at)))
        day += timedelta(days=1)
    return segments


def days_of(period: Period) -> list[date]:
    """Every local date of the period, in order."""
    return [period.start + timedelta(days=n) for n in range((period.end - period.start).days + 1)]


def requested_period(
    kind: str | None, value: str | None, first: date | None, last: date | None, timezone: str
) -> Period:
    """The period an export asks for: `period` + `date`, or `from` + `to` (inclusive)."""
    named = kind is not None or value is not None
    ranged = first is not None or last is not None
    if named and ranged:
        raise InvalidPeriod("Donnez soit period et date, soit from et to, pas les deux.")
    if named:
        if kind is None or value is None:
            raise InvalidPeriod(
                "Une période nommée demande period (daily, weekly, monthly, quarterly, yearly) "
                "et date (ex. 2026-11)."
            )
        return parse_period(kind, value, timezone)
    if first is None or last is None:
        raise InvalidPeriod(
            "Précisez la période : period et date (ex. period=monthly&date=2026-11), "
            "ou from et to (ex. from=2026-11-01&to=2026-11-30)."
        )
    return custom_period(first, last, timezone)
