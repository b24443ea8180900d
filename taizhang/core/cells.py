"""Reading one spreadsheet cell into a typed value, the way real ledger files hold them.

Every parser takes what a spreadsheet reader, a CSV file, a form or a JSON body gives
(str, int, float, bool, date, datetime, None) and returns a Python value, or raises
CellError with the reason in Chinese."""

import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
MULTI_SEPARATORS = re.compile(r"[、,，;；\n\r]+")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE]\+\d+$")  # as Excel shows it: 1.38001E+10
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$")
TRUE_WORDS = {"是", "y", "yes", "√", "✓", "✔", "true", "1", "对"}
FALSE_WORDS = {"否", "n", "no", "×", "✗", "false", "0", "不是"}


INT_LIMIT = 2_147_483_647  # what every database's integer column holds


class CellError(ValueError):
    """A cell that cannot be read; the message is for the user, in Chinese."""


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def half_width(text: str) -> str:
    """Full-width digits, letters and punctuation to half-width; the ideographic space to a space."""
    return "".join(
        chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else (" " if c == "\u3000" else c)
        for c in text
    )


def number_text(value: float | int) -> str:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError("不是有效的数值")
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def parse_text(raw) -> str:
    if type(raw) is str:  # most cells: checked first, imports read hundreds of thousands
        if raw.isascii():
            return raw.strip()
        return unicodedata.normalize("NFC", raw).replace("\u3000", " ").strip()
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, int | float):
        return number_text(raw)
    if isinstance(raw, dt.datetime):
        return raw.strftime("%Y-%m-%d %H:%M")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return parse_text(str(raw))


_CODE_THEN_NAME = re.compile(r"^\s*([\x21-\x7e]+)[\s\u3000]+(.*[^\x00-\x7f].*)$")


def parse_ref_code(raw) -> str:
    """A reference as a clerk writes it: the code alone, or "编码 名称" as the template's
    drop-downs offer it ("QSH-A-1 湖坊村党支部"): the code is what counts."""
    if isinstance(raw, str):
        match = _CODE_THEN_NAME.match(raw.strip())
        if match:
            raw = match.group(1)
    return parse_code(raw)


def parse_code(raw) -> str:
    """Codes are text: a number Excel made of a code is turned back; scientific notation
    means the digits were lost and is refused."""
    if isinstance(raw, float | int) and not isinstance(raw, bool):
        return number_text(raw)
    text = parse_text(raw)
    if not text.isascii():
        text = half_width(text)
    if not text.isalnum():
        text = re.sub(r"\s+", "", text)
    if _SCIENTIFIC.match(text):
        raise CellError(f"“{text}”是科学计数法，原编码已丢失，请把单元格设为文本后重新填写")
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text


def parse_int(raw, *, low: int | None = None, high: int | None = None, percent=False) -> int | None:
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise CellError("应为整数")
    if isinstance(raw, float) and percent and 0 < raw <= 1:
        # A spreadsheet cell formatted as a percentage holds the fraction: 100% is 1.0,
        # 60% is 0.6 (a reader sees the same float for a plain 1; write 1% for one per cent).
        value = raw * 100
    elif isinstance(raw, int | float):
        value = raw
    else:
        text = half_width(str(raw)).strip().rstrip("%").strip()
        try:
            value = float(text)
        except ValueError:
            raise CellError(f"“{raw}”不是整数") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise CellError(f"“{raw}”不是整数")
    if abs(value) > INT_LIMIT:
        raise CellError(f"“{raw}”数值过大")
    if abs(value - round(value)) > 1e-9:
        raise CellError(f"“{raw}”不是整数")
    value = int(round(value))
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            raise CellError(f"“{raw}”不能小于 {low}")
        if low is None:
            raise CellError(f"“{raw}”不能大于 {high}")
        raise CellError(f"“{raw}”超出范围 {low}–{high}")
    return value


def _serial_to_datetime(serial: float) -> dt.datetime:
    if not 1 <= serial < 2958466:  # Excel's 1900-01-01 .. 9999-12-31
        raise CellError(f"“{number_text(serial)}”不是有效日期")
    return EXCEL_EPOCH + dt.timedelta(days=serial)


def _date_from_text(text: str) -> dt.date:
    for pattern in _DATE_PATTERNS:
        if m := pattern.match(text):
            year, month, day = (int(g) for g in m.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                break
    if re.fullmatch(r"\d+(\.\d+)?", text) and len(text) <= 7:
        return _serial_to_datetime(float(text)).date()
    raise CellError(f"“{text}”不是有效日期，请写成 2023-09-15")


def parse_date(raw) -> dt.date | None:
    if is_blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        raise CellError("不是有效日期")
    if isinstance(raw, int | float):
        if 19000101 <= raw <= 99991231 and float(raw).is_integer():
            return _date_from_text(str(int(raw)))
        return _serial_to_datetime(float(raw)).date()
    text = half_width(str(raw)).strip()
    if "年" in text:
        text = re.sub(r"\s+", "", text)
    # A date-time written into a date column keeps its date ("2023-09-15 00:00").
    return _date_from_text(text.split()[0] if text else text)


def parse_datetime(raw) -> dt.datetime | None:
    if is_blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        value = raw
    elif isinstance(raw, dt.date):
        value = dt.datetime.combine(raw, dt.time())
    elif isinstance(raw, bool):
        raise CellError("不是有效时间")
    elif isinstance(raw, int | float):
        value = _serial_to_datetime(float(raw))
        value = value.replace(microsecond=0) + dt.timedelta(seconds=round(value.microsecond / 1e6))
    else:
        text = half_width(str(raw)).strip().replace("T", " ")
        date_part, _, time_part = text.partition(" ")
        day = _date_from_text(date_part.strip())
        time_part = time_part.strip()
        if not time_part:
            value = dt.datetime.combine(day, dt.time())
        else:
            m = _TIME.match(time_part)
            if not m:
                raise CellError(f"“{raw}”不是有效时间，请写成 2023-09-15 14:30")
            hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
            if hour > 23 or minute > 59 or second > 59:
                raise CellError(f"“{raw}”不是有效时间")
            value = dt.datetime.combine(day, dt.time(hour, minute, second))
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(SHANGHAI)


def parse_bool(raw, *, default: bool | None = None) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw is not None:
        text = number_text(raw)
    else:
        text = parse_text(raw)
        text = (text if text.isascii() else half_width(text)).lower()
    if not text:
        return default
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(f"“{raw}”应填“是”或“否”")


def parse_choice(raw, choices: list[str]) -> str:
    text = re.sub(r"\s+", "", parse_text(raw))
    if not text:
        return ""
    if text not in choices:
        raise CellError(f"“{text}”不是可选值（可选：{' / '.join(choices)}）")
    return text


def split_multi(raw) -> list[str]:
    """Several values in one cell, or a list from a form or JSON body."""
    if is_blank(raw):
        return []
    if isinstance(raw, list | tuple):
        items = [parse_text(v) for v in raw]
    else:
        items = MULTI_SEPARATORS.split(parse_text(raw))
    return [item.strip() for item in items if item and item.strip()]
