"""Calendar arithmetic: placing partial and relative dates on the calendar.

Values follow the contract: "YYYY-MM-DD" (day), "YYYY-MM" (month), "YYYY"
(year), ISO week "YYYY-Www" (week).  Hijri dates are converted with
`hijridate` (Umm al-Qura tables, valid 1343–1500 AH / 1924–2077 CE).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from hijridate import Gregorian, Hijri

# A date stated without a year is taken to be in the past unless the text
# says future; but the crawl/publication date can lag the event by a day or
# two, so a date this many days after the reference still counts as "now".
FORWARD_TOLERANCE_DAYS = 3
# A day and month with no year, no modifier and no future cue that fall this
# few days after the reference are read as upcoming ("حتى 23 أغسطس" in a
# paper of 1 August): last year's date would have been written with its year
# or "الماضي".  Further ahead, the last occurrence wins, as the issue asks.
FUTURE_WINDOW_DAYS = 90
# How far ahead a future-context date without a year may lie.
FUTURE_HORIZON_DAYS = 240


def parse_iso(value: str | None) -> date | None:
    """A YYYY-MM-DD (or ISO datetime) string as a date, None if invalid."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def day_value(d: date) -> str:
    return d.isoformat()


def month_value(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def week_value(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def valid_day(year: int, month: int, day: int) -> date | None:
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1 <= year <= 9999):
        return None
    if day > calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def place_day_month(day: int, month: int, ref: date, direction: str | None,
                    future: bool) -> date | None:
    """The year for a day and month given without one.

    `direction` comes from a modifier: "past" (الماضي: before the reference),
    "next" (المقبل: after it), "current" (الجاري: the reference's year and
    month context).  Without one, the most recent occurrence on or before the
    reference (with a small tolerance), or the next one in future context.
    """
    candidates = [valid_day(y, month, day) for y in (ref.year - 1, ref.year, ref.year + 1)]
    options = [c for c in candidates if c is not None]
    if not options:
        return None
    if direction == "current":
        same = valid_day(ref.year, month, day)
        return same
    if direction == "next":
        after = [c for c in options if c > ref]
        return min(after) if after else None
    if direction is None and future:
        # Future context, but a date almost a year ahead is more likely a
        # recent one in a clause about plans ("كان من المقرر أن تبدأ في …").
        after = [c for c in options if ref <= c <= ref + timedelta(days=FUTURE_HORIZON_DAYS)]
        if after:
            return min(after)
    if direction == "past":
        before = [c for c in options if c < ref]
        return max(before) if before else None
    limit = ref + timedelta(days=FUTURE_WINDOW_DAYS)
    before = [c for c in options if c <= limit]
    return max(before) if before else None


def place_month(month: int, ref: date, direction: str | None, future: bool) -> tuple[int, int]:
    """The year for a month given without one (same rules as a day)."""
    here = (ref.year, ref.month)
    if direction == "current":
        return ref.year, month
    if direction == "next" or (direction is None and future):
        year = ref.year if (ref.year, month) > here or (
            direction is None and month == ref.month) else ref.year + 1
        return year, month
    if direction == "past":
        return (ref.year, month) if month < ref.month else (ref.year - 1, month)
    if month <= ref.month or month == ref.month + 1:  # next month: upcoming
        return ref.year, month
    return ref.year - 1, month


def place_weekday(iso_weekday: int, ref: date, direction: str | None, future: bool) -> date:
    """The date of a weekday named relative to the reference date."""
    back = (ref.isoweekday() - iso_weekday) % 7
    ahead = (iso_weekday - ref.isoweekday()) % 7
    if direction == "past":
        return ref - timedelta(days=back or 7)
    if direction == "next":
        return ref + timedelta(days=ahead or 7)
    if future and direction is None:
        return ref + timedelta(days=ahead)
    return ref - timedelta(days=back)


def weekday_near(iso_weekday: int, target: date, offset: int) -> date:
    """The named weekday closest to a relative day ("أمس الاثنين").

    Papers are crawled a day or two after they are written, so when "اليوم
    الاثنين" meets a Tuesday reference the weekday is the better witness: the
    latest such weekday on or before the target day (or, for غدا, the
    nearest one).
    """
    if offset > 0:
        back = (target.isoweekday() - iso_weekday) % 7
        ahead = (iso_weekday - target.isoweekday()) % 7
        return target + timedelta(days=ahead) if ahead < back else target - timedelta(days=back)
    return target - timedelta(days=(target.isoweekday() - iso_weekday) % 7)


def hijri_to_gregorian(year: int, month: int, day: int) -> date | None:
    try:
        return Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None


def gregorian_to_hijri(d: date) -> tuple[int, int, int] | None:
    try:
        h = Gregorian(d.year, d.month, d.day).to_hijri()
    except (ValueError, OverflowError):
        return None
    return h.year, h.month, h.day


def hijri_month_length(year: int, month: int) -> int | None:
    try:
        return Hijri(year, month, 1).month_length()
    except (ValueError, OverflowError):
        return None


def place_hijri_day_month(day: int, month: int, ref: date, direction: str | None,
                          future: bool) -> date | None:
    """Gregorian date of a hijri day and month given without a year."""
    h = gregorian_to_hijri(ref)
    if h is None:
        return None
    options = [g for y in (h[0] - 1, h[0], h[0] + 1)
               if (g := hijri_to_gregorian(y, month, day)) is not None]
    if not options:
        return None
    if direction == "current":
        return hijri_to_gregorian(h[0], month, day)
    if direction == "next" or (direction is None and future):
        horizon = ref + timedelta(days=FUTURE_HORIZON_DAYS if direction is None else 400)
        after = [c for c in options if ref < c <= horizon]
        if after or direction == "next":
            return min(after) if after else None
    limit = ref if direction == "past" else ref + timedelta(days=FUTURE_WINDOW_DAYS)
    before = [c for c in options if c <= limit and (direction != "past" or c < ref)]
    return max(before) if before else None


def hijri_year_to_gregorian(year: int) -> int | None:
    """The Gregorian year holding most of a hijri year (its middle)."""
    mid = hijri_to_gregorian(year, 6, 15)
    return mid.year if mid else None
