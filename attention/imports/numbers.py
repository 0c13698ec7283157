"""Numbers written by people: decimal point or decimal comma, with or without thousands groups.

``1.000,50`` is 1000.5 in much of Europe and ``1,000.50`` in the US; reading one convention as
the other silently changes a value by a factor of 1,000 or more. Each number is read as
"point", "comma" or "either" (digits only, or one separator followed by exactly three digits,
like ``1,500``: a thousands group or three decimals). A file's convention is the one its
unambiguous numbers show; a file whose numbers disagree, or whose ambiguous numbers have no
unambiguous neighbour to settle them, is an error unless the user names the convention.
"""

from __future__ import annotations

import re
from typing import Literal

Convention = Literal["point", "comma"]
CONVENTIONS: tuple[Convention, ...] = ("point", "comma")
_SEPARATORS: dict[Convention, tuple[str, str]] = {"point": (",", "."), "comma": (".", ",")}
_SPACES = re.compile(r"[\s\u00a0\u202f']")  # grouping by spaces or apostrophes: never decimal
_SIGNED = re.compile(r"^[+-]?(?P<body>[0-9.,]+)$")


def clean(text: str) -> str:
    """The number without currency signs, spaces and apostrophes used as thousands groups."""
    return _SPACES.sub("", text.strip().replace("$", "").replace("USD", ""))


def _valid_in(body: str, convention: Convention) -> bool:
    group, decimal = _SEPARATORS[convention]
    if body.count(decimal) > 1:
        return False
    whole, _, fraction = body.partition(decimal)
    if group in fraction or (decimal in body and not fraction):
        return False
    if group not in whole:
        return bool(whole) or bool(fraction)
    head, *groups = whole.split(group)
    return 1 <= len(head) <= 3 and all(len(g) == 3 for g in groups)


def conventions_of(text: str) -> tuple[Convention, ...]:
    """The conventions under which ``text`` is a well-formed number: both, one, or none."""
    found = _SIGNED.match(clean(text))
    if found is None:
        return ()
    body = found.group("body")
    return tuple(c for c in CONVENTIONS if _valid_in(body, c))


def to_float(text: str, convention: Convention) -> float:
    """``text`` read in ``convention``; ValueError when it is not a number written that way."""
    cleaned = clean(text)
    if convention not in conventions_of(cleaned):
        raise ValueError(f"{text!r} is not a number written with a decimal {convention}")
    group, decimal = _SEPARATORS[convention]
    return float(cleaned.replace(group, "").replace(decimal, "."))


def file_convention(values: list[tuple[int, str]], given: Convention | None) -> Convention:
    """The convention of a column given as (line, text) pairs; ValueError naming the lines
    when the numbers disagree or none of them settles an ambiguous one."""
    if given is not None:
        return given
    first_of: dict[Convention, int] = {}
    ambiguous: int | None = None
    for line, text in values:
        fits = conventions_of(text)
        if len(fits) == 1:
            first_of.setdefault(fits[0], line)
        elif len(fits) == 2 and any(sep in clean(text) for sep in ".,") and ambiguous is None:
            ambiguous = line
    if len(first_of) == 2:
        raise ValueError(
            f"line {first_of['point']} uses a decimal point and line {first_of['comma']} a decimal comma; "
            "make the file consistent or pass --decimal point|comma"
        )
    if first_of:
        return next(iter(first_of))
    if ambiguous is not None:
        raise ValueError(
            f"line {ambiguous}: {dict(values)[ambiguous]!r} can be read with a decimal point or a "
            "decimal comma, and no other number in the file tells which; pass --decimal point|comma"
        )
    return "point"
