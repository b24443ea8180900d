"""Column kinds: everything the engine does with one kind of value, in one object.

A kind reads a raw cell (spreadsheet, form, JSON), shows the value on a page and in a
file, gives it to JSON and to the model, reads it back from the database, filters a list
by it, draws its form input and types it in the API schema. Declarations name a kind by
its string (`Column("会议时间", "held_at", "datetime")`); adding a kind is adding a class
here, not a branch in six modules."""

import decimal
import re

from . import cells
from .cells import CellError


class Kind:
    name = ""
    many = False  # several values in one cell
    input = "text"  # the form input a page draws
    filterable = False  # offered as a drop-down filter on the list page
    api_type: object = str | None
    empty: object = ""

    def parse(self, column, raw):
        return cells.parse_text(raw)

    def display(self, column, value) -> str:
        return "" if value is None else str(value)

    def jsonable(self, column, value):
        return value

    def cell(self, column, value):
        """The value an exported spreadsheet cell holds."""
        return self.display(column, value)

    def from_db(self, column, value):
        """A value read from the database (values_list) to its canonical form."""
        return self.empty if value is None else value

    def lookup(self, column) -> str | None:
        """The values_list lookup that reads the canonical value (None: not a column)."""
        return column.attr

    def to_model(self, column, obj, value, ctx) -> None:
        setattr(obj, column.attr, self.empty if value is None else value)

    def model_value(self, column, obj):
        """The canonical value of a loaded instance."""
        return self.from_db(column, getattr(obj, column.attr))

    def filter(self, column, queryset, value):
        return queryset.filter(**{column.attr: value})

    def form_value(self, column, value):
        return "" if value is None else self.display(column, value)

    def options(self, column, refs: dict) -> list[str]:
        """Drop-down options of a template column."""
        return []

    def values(self, column) -> list[str]:
        """The values a list filter and a form's select offer."""
        return []

    def describe(self, column) -> str:
        return ""

    def sort_lookup(self, column) -> str | None:
        return None if self.many else column.attr


_CONTROL = re.compile(r"\s*[\x00-\x1f\x7f]+\s*")


class Text(Kind):
    """One line: a line break a spreadsheet cell held (Alt+Enter) becomes a space, and no
    control character is kept (a name ends up in .ics feeds, headers, file names)."""

    name = "text"

    def parse(self, column, raw):
        text = cells.parse_text(raw)
        if _CONTROL.search(text):
            text = _CONTROL.sub(" ", text).strip()
        return text


class LongText(Text):
    """内容 / 正文 / 情况记录 / 问题描述: several paragraphs, line breaks kept."""

    name = "longtext"
    input = "textarea"

    def parse(self, column, raw):
        if isinstance(raw, str):
            text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")
            return "\n".join(line.rstrip() for line in text.strip().split("\n"))
        return cells.parse_text(raw)

    def sort_lookup(self, column):
        return None


class Code(Kind):
    name = "code"

    def parse(self, column, raw):
        return cells.parse_code(raw)


class Int(Kind):
    name = "int"
    input = "number"
    api_type = int | None
    empty = None

    def parse(self, column, raw):
        return cells.parse_int(raw, low=column.low, high=column.high)

    def cell(self, column, value):
        return value


class Percent(Int):
    name = "percent"

    def parse(self, column, raw):
        return cells.parse_int(raw, low=0, high=100, percent=True)

    def describe(self, column):
        return "；0–100，可写 60%；表格中设为百分比格式的单元格（如 100%）按百分比读取"


class Decimal(Kind):
    """Amounts and measures (投资额, 面积): exact, with the model field's decimal places."""

    name = "decimal"
    input = "decimal"
    api_type = str | None
    empty = None

    def parse(self, column, raw):
        if cells.is_blank(raw):
            return None
        if isinstance(raw, bool):
            raise CellError("应为数值")
        if isinstance(raw, float):
            text = cells.number_text(raw)
        else:
            text = cells.half_width(str(raw)).strip().replace(",", "").replace("，", "")
        try:
            value = decimal.Decimal(text)
        except decimal.InvalidOperation:
            raise CellError(f"“{raw}”不是数值") from None
        if not value.is_finite():
            raise CellError(f"“{raw}”不是数值")
        places = column.decimal_places or 0
        whole = column.max_digits - places if column.max_digits else 28
        if value.adjusted() >= whole:  # more integer digits than the column holds
            raise CellError(f"“{raw}”数值过大（整数部分最多 {whole} 位）")
        if column.decimal_places is not None:
            value = value.quantize(decimal.Decimal(1).scaleb(-places), decimal.ROUND_HALF_UP)
        return value

    def display(self, column, value):
        return "" if value is None else f"{value:f}"

    def jsonable(self, column, value):
        return None if value is None else f"{value:f}"

    def cell(self, column, value):
        return None if value is None else float(value)


class Date(Kind):
    name = "date"
    input = "date"
    empty = None

    def parse(self, column, raw):
        return _plausible(cells.parse_date(raw))

    def display(self, column, value):
        return "" if value is None else value.isoformat()

    def jsonable(self, column, value):
        return None if value is None else value.isoformat()

    def cell(self, column, value):
        return value

    def describe(self, column):
        return "；如 2023-09-15"

    def date_lookup(self, column) -> str:
        return column.attr


EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def _plausible(value):
    """A ledger's dates lie in living memory: year 1 or 9999 is a typo, and days around
    it cannot even be computed (a calendar, a crowding window would overflow)."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise cells.CellError(f"年份应在 {EARLIEST_YEAR} 至 {LATEST_YEAR} 之间")
    return value


class DateTime(Date):
    name = "datetime"
    input = "datetime-local"

    def parse(self, column, raw):
        return _plausible(cells.parse_datetime(raw))

    def display(self, column, value):
        return "" if value is None else value.astimezone(cells.SHANGHAI).strftime("%Y-%m-%d %H:%M")

    def jsonable(self, column, value):
        if value is None:
            return None
        return value.astimezone(cells.SHANGHAI).isoformat(timespec="minutes")

    def form_value(self, column, value):
        if value is None:
            return ""
        return value.astimezone(cells.SHANGHAI).strftime("%Y-%m-%dT%H:%M")

    def describe(self, column):
        return "；如 2023-09-15 14:30"

    def date_lookup(self, column) -> str:
        return f"{column.attr}__date"


class Bool(Kind):
    name = "bool"
    input = "select"
    filterable = True
    api_type = bool
    empty = False

    def parse(self, column, raw):
        return cells.parse_bool(raw)

    def display(self, column, value):
        return "" if value is None else ("是" if value else "否")

    def cell(self, column, value):
        return self.display(column, value)

    def to_model(self, column, obj, value, ctx):
        setattr(obj, column.attr, bool(value))

    def filter(self, column, queryset, value):
        return queryset.filter(**{column.attr: value in ("是", "true", "1", True)})

    def options(self, column, refs):
        return ["是", "否"]

    def values(self, column) -> list[str]:
        return ["是", "否"]


class Choice(Kind):
    name = "choice"
    input = "select"
    filterable = True

    def parse(self, column, raw):
        return cells.parse_choice(raw, column.choices)

    def options(self, column, refs):
        return list(column.choices)

    def values(self, column) -> list[str]:
        return list(column.choices)

    def describe(self, column):
        return "；可选：" + " / ".join(column.choices)


class Choices(Choice):
    """Several of an enumeration in one cell, stored joined with 、 in declared order."""

    name = "choices"
    many = True
    input = "checkboxes"

    def parse(self, column, raw):
        if cells.is_blank(raw):
            return ""
        picked = {cells.parse_choice(item, column.choices) for item in cells.split_multi(raw)}
        return "、".join(c for c in column.choices if c in picked)

    def filter(self, column, queryset, value):
        return queryset.filter(**{f"{column.attr}__contains": value})

    def form_value(self, column, value):
        return value.split("、") if value else []

    def describe(self, column):
        return "；可多选：" + " / ".join(column.choices)


class Ref(Kind):
    """Another ledger's key, stored as a foreign key."""

    name = "ref"
    input = "ref"

    def parse(self, column, raw):
        return cells.parse_ref_code(raw)

    def target_key(self, column) -> str:
        from .ledger import registry

        return registry[column.ref].key.attr

    def lookup(self, column):
        return f"{column.attr}__{self.target_key(column)}"

    def model_value(self, column, obj):
        target = getattr(obj, column.attr)
        return getattr(target, self.target_key(column)) if target is not None else ""

    def to_model(self, column, obj, value, ctx):
        setattr(obj, f"{column.attr}_id", ctx.ref_id(column, value))

    def options(self, column, refs):
        return refs.get(column.ref, [])

    def sort_lookup(self, column):
        return self.lookup(column)

    def describe(self, column):
        return f"；{_titles(column)}的编码"


class Refs(Ref):
    """Several keys of another ledger, stored as a many-to-many relation."""

    name = "refs"
    many = True
    input = "multi"
    api_type = list[str]
    empty = []

    def parse(self, column, raw):
        return sorted({code for code in map(cells.parse_ref_code, cells.split_multi(raw)) if code})

    def display(self, column, value):
        return "、".join(str(v) for v in value) if value else ""

    def lookup(self, column):
        return None

    def model_value(self, column, obj):
        key = self.target_key(column)
        return sorted(getattr(v, key) for v in getattr(obj, column.attr).all())

    def to_model(self, column, obj, value, ctx):
        pass  # written by the write service once the row has its primary key

    def form_value(self, column, value):
        return self.display(column, value)

    def describe(self, column):
        return f"；{_titles(column)}的编码，可多个"


class AnyRef(Code):
    """The key of any of several ledgers, stored as text (调研对象编码: an 组织编码 or a
    统一社会信用代码)."""

    name = "anyref"
    input = "anyref"

    def parse(self, column, raw):
        return cells.parse_ref_code(raw)

    def describe(self, column):
        return f"；{_titles(column)}的编码"


class File(Kind):
    """An attached file (evidence, minutes, a plan document): the column holds the key of
    an `Attachment`, stored through Django's storage and served only through the row's
    read door."""

    name = "file"
    input = "file"

    def parse(self, column, raw):
        text = cells.parse_text(raw)
        if text and not re.fullmatch(r"[0-9a-f]{32}", text):
            raise CellError("附件只能在页面上传，或填写系统导出的附件编号")
        return text

    def describe(self, column):
        return "；附件编号（上传附件后得到）"


def _titles(column) -> str:
    from .ledger import registry

    return "或".join(registry[t].title if t in registry else t for t in column.targets)


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Text(),
        LongText(),
        Code(),
        Int(),
        Percent(),
        Decimal(),
        Date(),
        DateTime(),
        Bool(),
        Choice(),
        Choices(),
        Ref(),
        Refs(),
        AnyRef(),
        File(),
    )
}
