"""Pinyin initials, so that "zs" typed on a phone finds 张三 — and "zgf" finds 曾国藩,
whose surname a dictionary reads céng first: every reading of a character counts."""

from functools import lru_cache
from itertools import islice, product

from pypinyin import Style, pinyin

MAX_READINGS = 16  # combinations kept per name (polyphonic characters multiply them)
MAX_LENGTH = 255  # the column that keeps them


@lru_cache(maxsize=20000)
def _initials_of(char: str) -> tuple[str, ...]:
    if char.isascii():
        return (char.lower(),) if char.isalnum() else ("",)
    letters = pinyin(char, style=Style.FIRST_LETTER, heteronym=True, errors="ignore", strict=False)
    found = tuple(dict.fromkeys(x.lower() for x in letters[0] if x)) if letters else ()
    return found or ("",)


@lru_cache(maxsize=65536)  # names repeat: a 40,000-row import holds far fewer distinct ones
def initials(text: str) -> str:
    """The initials of every reading, each preceded by a space: 曾国藩 → " cgf zgf".
    Search for a prefix q with `contains=" " + q`."""
    readings = ("".join(p) for p in product(*(_initials_of(c) for c in text or "")))
    found = ""
    for reading in sorted(set(islice(readings, MAX_READINGS))):
        if len(found) + len(reading) + 1 > MAX_LENGTH:
            break  # a long name: the readings that fit its column
        found += f" {reading}"
    return found
