"""Meeting series as RFC 5545 RRULEs (python-dateutil), built from a human form:
每月 / 每周, the weekday, the time, the first date and the last."""

import datetime as dt
from dataclasses import dataclass
from itertools import islice

from dateutil.rrule import rrulestr

from taizhang.core.cells import SHANGHAI

MAX_OCCURRENCES = 500
WEEKDAYS = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]
RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
FREQUENCIES = {"每周": "WEEKLY", "每月": "MONTHLY"}


class RuleRefused(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Rule:
    rrule: str  # "FREQ=WEEKLY;BYDAY=MO;UNTIL=20231127T235959"
    starts_at: dt.datetime  # aware, Asia/Shanghai


def rule_from_form(
    *, frequency: str, weekday: str, time: str, start: dt.date | None, until: dt.date | None
) -> Rule:
    """The human form to a rule; RuleRefused (Chinese, naming the field) on bad input."""
    if frequency not in FREQUENCIES:
        raise RuleRefused("frequency", "重复方式只能是每月或每周")
    if start is None:
        raise RuleRefused("start", "首次日期必须填写")
    if until is None:
        raise RuleRefused("until", "截止日期必须填写")
    try:
        hour, minute = (int(p) for p in time.strip().replace("：", ":").split(":"))
        at = dt.time(hour, minute)
    except (ValueError, TypeError):
        raise RuleRefused("time", f"“{time}”不是有效时间，请写成 14:30") from None
    parts = [f"FREQ={FREQUENCIES[frequency]}"]
    if frequency == "每周":
        if weekday not in WEEKDAYS:
            raise RuleRefused("weekday", "每周的会议请选择星期几")
        parts.append(f"BYDAY={RRULE_DAYS[WEEKDAYS.index(weekday)]}")
    else:
        parts.append(f"BYMONTHDAY={start.day}")
    parts.append(f"UNTIL={until:%Y%m%d}T235959")
    return Rule(";".join(parts), dt.datetime.combine(start, at, tzinfo=SHANGHAI))


def _rule(rrule: str, starts_at: dt.datetime):
    naive = starts_at.astimezone(SHANGHAI).replace(tzinfo=None)
    return rrulestr(rrule, dtstart=naive)


def check(rule: Rule) -> None:
    """Refuse a rule that never occurs or occurs more than 500 times."""
    try:
        found = list(islice(_rule(rule.rrule, rule.starts_at), MAX_OCCURRENCES + 1))
    except (ValueError, TypeError):
        raise RuleRefused("rrule", "重复规则无效") from None
    if not found:
        raise RuleRefused("until", "按此规则不会有任何一次会议，请检查首次日期与截止日期")
    if len(found) > MAX_OCCURRENCES:
        raise RuleRefused("until", f"按此规则会议超过 {MAX_OCCURRENCES} 次，请缩短截止日期")


def occurrences(series, *, after: dt.datetime | None = None, limit: int = MAX_OCCURRENCES):
    """The series' occurrences (aware), in order, from `after` when given."""
    rule = _rule(series.rrule, series.starts_at)
    found = (t.replace(tzinfo=SHANGHAI) for t in rule)
    if after is not None:
        found = (t for t in found if t >= after)
    return list(islice(found, limit))


def describe(series) -> str:
    """每周星期一 14:30（至 2023-11-27）"""
    rule = dict(p.split("=", 1) for p in series.rrule.split(";"))
    start = series.starts_at.astimezone(SHANGHAI)
    until = rule.get("UNTIL", "")[:8]
    end = f"（至 {until[:4]}-{until[4:6]}-{until[6:]}）" if until else ""
    if rule.get("FREQ") == "WEEKLY":
        day = WEEKDAYS[RRULE_DAYS.index(rule.get("BYDAY", "MO"))]
        return f"每周{day} {start:%H:%M}{end}"
    return f"每月{start.day}日 {start:%H:%M}{end}"


def meeting_code(series, original_at: dt.datetime) -> str:
    """One meeting per series and day: the key says which."""
    return f"{series.code}-{original_at.astimezone(SHANGHAI):%Y%m%d}"
