from pathlib import Path

from taizhang.core.management.base import TaizhangCommand
from taizhang.core.reference import ledgers_markdown, product_ledgers


class Command(TaizhangCommand):
    help = "列出全部台账；--markdown 生成台账说明文档"

    def add_arguments(self, parser):
        parser.add_argument("--markdown", metavar="FILE", help="写入 Markdown 文档（- 为标准输出）")

    def handle(self, *args, markdown, **options):
        if markdown is None:
            for ledger in product_ledgers():
                required = "、".join(c.header for c in ledger.required)
                self.stdout.write(f"{ledger.name}\t{ledger.title}\t必填：{required}")
            return
        text = ledgers_markdown()
        if markdown == "-":
            self.stdout.write(text, ending="")
            return
        try:
            Path(markdown).write_text(text, encoding="utf-8")
        except OSError as error:
            self.reject(f"无法写入“{markdown}”：{error}", 2)
        self.stdout.write(f"台账说明已写入 {markdown}")
