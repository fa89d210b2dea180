"""Time zones as documents write them: an IANA name, or an abbreviation people use.

"Daily at 09:00 PST" means Pacific time, daylight saving included, to everyone who
writes it; a spec needs the IANA zone whose rules say so (America/Los_Angeles). An
abbreviation that stands for several zones (IST: India, Ireland, Israel; CST: Central
US, China) is read as the one listed here, the most common in operations documents; a
name that is neither is kept as written, and the spec's rule OP116 reports it.
"""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

__all__ = ["find_zone", "iana_zone"]

_ABBREVIATIONS = {
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "PT": "America/Los_Angeles",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "MT": "America/Denver",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "CT": "America/Chicago",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "ET": "America/New_York",
    "AKST": "America/Anchorage",
    "HST": "Pacific/Honolulu",
    "GMT": "UTC",
    "Z": "UTC",
    "BST": "Europe/London",
    "WET": "Europe/Lisbon",
    "CET": "Europe/Berlin",
    "CEST": "Europe/Berlin",
    "EET": "Europe/Athens",
    "EEST": "Europe/Athens",
    "MSK": "Europe/Moscow",
    "IST": "Asia/Kolkata",
    "SGT": "Asia/Singapore",
    "HKT": "Asia/Hong_Kong",
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
}


@cache
def _canonical() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def iana_zone(written: str) -> str:
    """The IANA zone ``written`` stands for (see the module docstring)."""
    text = written.strip()
    return _ABBREVIATIONS.get(text.upper()) or _canonical().get(text.lower()) or text


def find_zone(text: str) -> str | None:
    """The first time zone ``text`` names ("08:00 Europe/Berlin", "Mon 09:00 PST"), as
    its IANA name; ``None`` when it names none."""
    for token in re.findall(r"[A-Za-z][A-Za-z_]*(?:/[A-Za-z_+-]+)*", text):
        if token.isupper() and token in _ABBREVIATIONS:  # "PST", never the word "et"
            return _ABBREVIATIONS[token]
        if "/" in token or token == "UTC":
            named = _canonical().get(token.lower())
            if named is not None:
                return named
    return None
