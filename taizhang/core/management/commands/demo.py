import time

from taizhang.core.demo_logins import DEMO_LOGINS, logins_ensure
from taizhang.core.management.base import TaizhangCommand
from taizhang.orgs.demo import Scale, build_base
from taizhang.orgs.models import Organization
from taizhang.orgs.services import categories_ensure_defaults
from taizhang.stats.selectors import figures


class Command(TaizhangCommand):
    help = "载入演示区县：青山湖区（QSH）。可重复运行，第二次不做任何修改。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument("--if-empty", action="store_true", help="库中已有组织时跳过")
        parser.add_argument("--scale", type=float, default=1.0, help="规模系数（测试用，默认 1）")

    def handle(self, *args, seed, if_empty, scale, **options):
        started = time.monotonic()
        if if_empty and Organization.objects.exists():
            self.stdout.write("数据库中已有数据，跳过演示数据。")
        else:
            categories_ensure_defaults()
            outcomes = build_base(seed=seed, scale=_scaled(scale))
            for name, outcome in outcomes.items():
                self.stdout.write(
                    f"  {name}: 新增 {len(outcome.created)}，更新 {len(outcome.updated)}，未变 {outcome.unchanged}"
                )
            logins_ensure()
            values = figures(org="QSH")["orgs"]
            self.stdout.write(
                f"青山湖区：组织 {values['organizations']} 个（党支部 {values['branches']} 个），"
                f"党员 {values['members']} 名，县处级领导 {values['leaders']} 名。"
                f"用时 {time.monotonic() - started:.1f} 秒。"
            )
        self.stdout.write("演示账号（用户名 / 密码 / 角色）：")
        for username, password, role, org in DEMO_LOGINS:
            self.stdout.write(f"  {username} / {password} / {role}（{org}）")


def _scaled(factor: float) -> Scale:
    if factor >= 1:
        return Scale()
    base = Scale()
    step = max(1, round(1 / max(factor, 0.05)))
    committees = base.committees[::step]
    return Scale(
        members=max(400, int(base.members * factor)),
        leaders=max(12, int(base.leaders * factor)),
        four_teams=max(4, int(base.four_teams * factor)),
        cadres=max(10, int(base.cadres * factor)),
        committees=[(n, k, a, min(g, 2), min(p, 3), min(d, 2)) for n, k, a, g, p, d in committees],
    )
