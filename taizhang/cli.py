"""The `taizhang` console command (LEDGERS.md §3): a thin front to the management
commands that the installed apps declare public (AppConfig.commands)."""

import os
import sys


def usage(commands: dict) -> str:
    lines = ["用法：taizhang 命令 [参数]", "", "命令："]
    lines += [f"  {name:<12}{text}" for name, (_, text) in commands.items()]
    lines += ["", "每个命令的参数：taizhang 命令 --help"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    # Everything the command and the server it starts create (the database, uploads,
    # logs, backups, temp files) is the service user's alone: files 0600, folders 0700.
    os.umask(0o077)
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.config.settings")
    import django

    django.setup()
    from taizhang.shell.discovery import commands

    public = commands()
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage(public))
        sys.exit(0 if argv else 2)
    name = argv[0]
    if name not in public:
        print(f"未知命令“{name}”\n\n{usage(public)}", file=sys.stderr)
        sys.exit(2)
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(["taizhang", public[name][0], *argv[1:]])
    except DatabaseError as error:
        # A missing table or an unreachable server, not a bug to show as a traceback.
        print(f"数据库不可用或尚未初始化（请先运行 taizhang init）：{error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
