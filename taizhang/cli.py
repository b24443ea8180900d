"""The `taizhang` console command (LEDGERS.md §3): a thin front to the management commands."""

import os
import sys

# Sub-commands whose names are Python keywords or too generic for Django's namespace.
ALIASES = {"import": "ledger_import", "export": "ledger_export", "template": "ledger_template"}
COMMANDS = [
    ("init", "创建或升级数据库"),
    ("demo", "载入演示区县（青山湖区）"),
    ("serve", "启动生产 Web 服务"),
    ("createuser", "创建用户并授权"),
    ("token", "为用户签发 API 令牌"),
    ("template", "生成带下拉选项的空白模板"),
    ("import", "导入台账文件"),
    ("export", "导出台账"),
    ("stats", "统计数字"),
]


def usage() -> str:
    lines = ["用法：taizhang 命令 [参数]", "", "命令："]
    lines += [f"  {name:<12}{text}" for name, text in COMMANDS]
    lines += ["", "每个命令的参数：taizhang 命令 --help"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.config.settings")
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage())
        sys.exit(0 if argv else 2)
    name = argv[0]
    if name not in dict(COMMANDS):
        print(f"未知命令“{name}”\n\n{usage()}", file=sys.stderr)
        sys.exit(2)
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    from django.db import DatabaseError

    try:
        execute_from_command_line(["taizhang", ALIASES.get(name, name), *argv[1:]])
    except DatabaseError as error:
        # A missing table or an unreachable server, not a bug to show as a traceback.
        print(f"数据库不可用或尚未初始化（请先运行 taizhang init）：{error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
