"""Pinyin initials, so that "zs" typed on a phone finds 张三."""

from functools import lru_cache

from pypinyin import Style, pinyin


@lru_cache(maxsize=20000)
def _initial(char: str) -> str:
    if char.isascii():
        return char.lower() if char.isalnum() else ""
    letters = pinyin(char, style=Style.FIRST_LETTER, errors="ignore", strict=False)
    return letters[0][0].lower() if letters and letters[0] else ""


def initials(text: str) -> str:
    return "".join(_initial(c) for c in text or "")
