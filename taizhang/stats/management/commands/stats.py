import json as jsonlib

from taizhang.core.cells import CellError, parse_date
from taizhang.core.figures import (
    UnknownOrg,
    figures_compute,
    group_registry,
    ordered_figures,
    window_for,
)
from taizhang.core.management.base import TaizhangCommand
from taizhang.core.scope import Scope


class Command(TaizhangCommand):
    help = "统计数字（LEDGERS.md §4）"

    def add_arguments(self, parser):
        parser.add_argument("--org", default="")
        parser.add_argument("--from", dest="date_from", default="")
        parser.add_argument("--to", dest="date_to", default="")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, org, date_from, date_to, json: bool = False, **options):
        try:
            start, end = parse_date(date_from), parse_date(date_to)
        except CellError as error:
            self.reject(f"日期：{error}", 2)
        try:
            # The operator at the command line reads everything.
            window = window_for(Scope.all(), org=org, date_from=start, date_to=end)
        except UnknownOrg as error:
            self.reject(str(error))
        values = figures_compute(window)
        if options.get("json") or json:
            self.stdout.write(jsonlib.dumps(values, ensure_ascii=False, indent=2))
            return
        shown = None
        for figure in ordered_figures():
            if figure.group != shown:
                shown = figure.group
                self.stdout.write(group_registry[figure.group].title)
            self.stdout.write(f"  {figure.label}：{values[figure.group][figure.name]}")
