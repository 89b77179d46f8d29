"""Cutting a time range into whole UTC hours and the minutes at its edges."""

from __future__ import annotations

from datetime import UTC, datetime

from recyclic.utils.hours import HourSplit, ceil_hour, floor_hour, split_hours


def _at(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_whole_hours_need_no_rows() -> None:
    assert split_hours(_at(23, day=9), _at(23)) == HourSplit((_at(23, day=9), _at(23)), ())


def test_half_hour_bounds_read_their_minutes_from_the_rows() -> None:
    # A local day of India (UTC+5:30).
    start, end = _at(18, 30, day=9), _at(18, 30)
    assert split_hours(start, end) == HourSplit(
        (_at(19, day=9), _at(18)), ((start, _at(19, day=9)), (_at(18), end))
    )


def test_less_than_an_hour_inside_is_read_from_the_rows_only() -> None:
    assert split_hours(_at(10, 15), _at(11, 5)) == HourSplit(None, ((_at(10, 15), _at(11, 5)),))
    assert split_hours(_at(10, 15), _at(10, 45)) == HourSplit(None, ((_at(10, 15), _at(10, 45)),))
    assert split_hours(_at(10, 15), _at(10, 15)) == HourSplit(None, ())


def test_open_bounds() -> None:
    assert split_hours(None, None) == HourSplit((None, None), ())
    assert split_hours(None, _at(10, 20)) == HourSplit((None, _at(10)), ((_at(10), _at(10, 20)),))
    assert split_hours(_at(10, 20), None) == HourSplit((_at(11), None), ((_at(10, 20), _at(11)),))


def test_rounding() -> None:
    assert floor_hour(_at(10, 59)) == _at(10)
    assert ceil_hour(_at(10, 1)) == _at(11)
    assert ceil_hour(_at(10)) == _at(10)
