import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from taizhang.core.management.base import TaizhangCommand


def home_private() -> None:
    """TAIZHANG_HOME and every folder in it 0700, every file 0600 (the SQLite database
    and its journal, the secret key, attachments, static files, logs, backups): a home
    made before, or by another umask, is brought in line."""
    home = Path(settings.HOME)
    paths = [home]
    if connection.vendor == "sqlite":  # the database with its -wal and -shm, wherever it is
        database = Path(str(settings.DATABASES["default"]["NAME"]))
        if database.is_absolute() and database.exists():
            paths += database.parent.glob(f"{database.name}*")
    for root, folders, files in os.walk(home):
        paths += [Path(root, name) for name in folders + files]
    for path in paths:
        if path.is_symlink() or not path.exists():
            continue
        path.chmod(0o700 if path.is_dir() else 0o600)


class Command(TaizhangCommand):
    help = "创建或升级数据库"

    def handle(self, *args, **options):
        os.umask(0o077)
        # Apps put their defaults in place on post_migrate (e.g. the 所属领域 list).
        call_command("migrate", interactive=False, verbosity=0)
        home_private()
        self.stdout.write("数据库已就绪。")
