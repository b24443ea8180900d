import json as jsonlib

from taizhang.core.figures import UnknownOrg, window_for
from taizhang.core.management.base import TaizhangCommand
from taizhang.core.scope import Scope, subtree_q
from taizhang.research.conflicts import findings
from taizhang.research.selectors import as_trips
from taizhang.research.services import KIND_WORDS, window


class Command(TaizhangCommand):
    help = "调研：taizhang research conflicts [--org CODE] [--json]"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["conflicts"])
        parser.add_argument("--org", default="")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, action, org: str = "", **options):
        try:
            scoped = window_for(Scope.all(), org=org)
        except UnknownOrg as error:
            self.reject(str(error))
        trips = scoped.rows("research_trips")
        if scoped.org_path:
            # --org: the trips whose target lies in that subtree (an organization of it,
            # or an enterprise it is 属地 of), whoever led them.
            from taizhang.orgs.models import Enterprise, Organization

            orgs = Organization.objects.filter(subtree_q("path", scoped.org_path))
            firms = Enterprise.objects.filter(local_org__in=orgs)
            trips = (
                scoped.rows("research_trips")
                .model.objects.filter(archived_at=None)
                .filter(
                    target__in=[
                        *orgs.values_list("code", flat=True),
                        *firms.values_list("credit_code", flat=True),
                    ]
                )
            )
        found = findings(as_trips(trips), window=window())
        if options.get("json"):
            self.stdout.write(
                jsonlib.dumps([f.as_json() for f in found], ensure_ascii=False, indent=2)
            )
            return
        if not found:
            self.stdout.write("未发现扎堆、多头、重复调研。")
            return
        for f in found:
            self.stdout.write(f"{KIND_WORDS[f.kind]}  {f.target}  {'、'.join(f.trips)}")
        self.stdout.write(f"共 {len(found)} 组。")
