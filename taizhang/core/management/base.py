import sys

from django.core.management.base import BaseCommand

from taizhang.core.ledger import get_ledger
from taizhang.core.source import command_line


class TaizhangCommand(BaseCommand):
    """Exit codes of LEDGERS.md §3: 1 rejected input, 2 usage or unreadable file."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        from django.apps import apps

        names = {
            command: public
            for config in apps.get_app_configs()
            for public, (command, _) in getattr(config, "commands", {}).items()
        }
        public = names.get(subcommand, subcommand)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.prog = f"taizhang {public}"
        return parser

    def execute(self, *args, **options):
        with command_line():
            return super().execute(*args, **options)

    def reject(self, lines, code: int = 1):
        for line in [lines] if isinstance(lines, str) else lines:
            self.stderr.write(line)
        sys.exit(code)

    def ledger(self, name: str):
        try:
            return get_ledger(name)
        except LookupError as error:
            self.reject(str(error), 2)
