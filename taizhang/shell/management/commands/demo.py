import time

from taizhang.core import tree
from taizhang.core.figures import Window, figures_compute, ordered_figures
from taizhang.core.management.base import TaizhangCommand
from taizhang.core.scope import Scope
from taizhang.shell.demo import demo_logins, demo_run


class Command(TaizhangCommand):
    help = "载入演示区县：青山湖区（QSH）。可重复运行，第二次不做任何修改。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument("--if-empty", action="store_true", help="库中已有组织时跳过")
        parser.add_argument("--scale", type=float, default=1.0, help="规模系数（测试用，默认 1）")

    def handle(self, *args, seed, if_empty, scale, **options):
        started = time.monotonic()
        if if_empty and tree.live_orgs().exists():
            self.stdout.write("数据库中已有数据，跳过演示数据。")
        else:
            for name, outcome in demo_run(seed=seed, factor=scale).items():
                self.stdout.write(f"  {name}: {outcome.summary()}")
            values = figures_compute(Window(scope=Scope.all()))
            shown = "，".join(f"{f.label} {values[f.group][f.name]}" for f in ordered_figures())
            self.stdout.write(f"青山湖区：{shown}。用时 {time.monotonic() - started:.1f} 秒。")
        self.stdout.write("演示账号（用户名 / 密码 / 角色）：")
        for username, password, role, org in demo_logins:
            self.stdout.write(f"  {username} / {password} / {role}（{org}）")
