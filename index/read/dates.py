"""Publication dates as people write them: "2024-01-05", "5 January 2024", "Jan 5, 2024", "January 5th, 2024".

Dates are read with dateparser, in any language it knows, but only when they
name one day for certain. A date without a year ("January 5th") or a day
("Jan 2024"), one whose day and month could be swapped ("01/02/2024"), or a
relative one ("yesterday", which would depend on when the file is read) is not
guessed: :class:`UnreadableDate` says why, and the caller reports it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_WHOLE = ["day", "month", "year"]
_LONGEST = 64  # characters; "Wednesday, 5 September 2024 10:00:00 +0000" has 43, and long text is slow to parse
# Absolute dates only: a relative one would change with the day the file is indexed.
_PARSERS = ["custom-formats", "absolute-time"]


class UnreadableDate(ValueError):
    """A date was given but does not name one day; the message says why, for the user."""


def read_date(value: object) -> date | None:
    """The day ``value`` names: a date, a datetime or a written date; None when it is empty or missing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise UnreadableDate(f"{value!r} is not a date (write it as YYYY-MM-DD)")
    text = value.strip()
    if len(text) > _LONGEST:
        raise UnreadableDate(f"{text[:_LONGEST]!r}… is too long to be a date (write it as YYYY-MM-DD)")
    if _ISO.match(text):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            raise UnreadableDate(f"{text!r} is not a date in the calendar") from None
    return _written(text)


def _written(text: str) -> date:
    month_first, day_first = _parse(text, "MDY", _WHOLE), _parse(text, "DMY", _WHOLE)
    if month_first is None or day_first is None:
        raise UnreadableDate(f"{text!r} {_missing(text)}")
    if month_first != day_first:
        raise UnreadableDate(
            f"{text!r} could be {month_first.isoformat()} or {day_first.isoformat()} (write it as YYYY-MM-DD)"
        )
    return month_first


def _missing(text: str) -> str:
    """What a date that could not be read lacks, for the message."""
    if _parse(text, "MDY", []) is None:
        return "is not a date that can be read (write it as YYYY-MM-DD)"
    if _parse(text, "MDY", ["year"]) is None:
        return "has no year (it is not guessed)"
    return "names no day (it is not guessed)"


def _parse(text: str, order: str, parts: list[str]) -> date | None:
    found = _parser(order, tuple(parts)).get_date_data(text).date_obj
    return found.date() if found is not None else None


@cache
def _parser(order: str, parts: tuple[str, ...]) -> DateDataParser:
    from dateparser.date import DateDataParser  # slow to import; only dates written out need it

    settings = {"DATE_ORDER": order, "REQUIRE_PARTS": list(parts), "PARSERS": _PARSERS}
    return DateDataParser(settings=settings)
