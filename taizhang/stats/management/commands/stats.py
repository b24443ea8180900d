import json as jsonlib

from taizhang.core.cells import CellError, parse_date
from taizhang.core.management.base import TaizhangCommand
from taizhang.stats.figures import FIGURES, GROUP_TITLES
from taizhang.stats.selectors import UnknownOrg, figures


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
            values = figures(org=org, date_from=start, date_to=end)
        except UnknownOrg as error:
            self.reject(str(error))
        if options.get("json") or json:
            self.stdout.write(_dumps(values))
            return
        for group, title in GROUP_TITLES.items():
            self.stdout.write(title)
            for figure in (f for f in FIGURES if f.group == group):
                self.stdout.write(f"  {figure.label}：{values[group][figure.key]}")


def _dumps(values) -> str:
    return jsonlib.dumps(values, ensure_ascii=False, indent=2)
