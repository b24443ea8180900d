import json as jsonlib

from taizhang.core.management.base import TaizhangCommand
from taizhang.study import similarity
from taizhang.study.models import StudyArticle


class Command(TaizhangCommand):
    help = "学习：taizhang study similar [--threshold X] [--json] [--store]"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["similar"])
        parser.add_argument("--threshold", type=float, default=similarity.DEFAULT_THRESHOLD)
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--store",
            action="store_true",
            help="按默认阈值重建疑似雷同清单（大批导入后）",
        )

    def handle(self, *args, action, threshold: float, store: bool = False, **options):
        if not 0 < threshold <= 1:
            self.reject("--threshold 应在 0 与 1 之间（不含 0）", 2)
        if store:
            from taizhang.study.services import similar_pairs_store

            stored = similar_pairs_store(actor=None)
            self.stderr.write(f"已重建疑似雷同清单：{stored} 对")
        articles = StudyArticle.objects.filter(archived_at=None).exclude(text="")
        pairs = similarity.similar_pairs(
            articles.values_list("code", "text").iterator(chunk_size=2000), threshold=threshold
        )
        if options.get("json"):
            found = [{"articles": [a, b], "similarity": round(s, 2)} for a, b, s in pairs]
            self.stdout.write(jsonlib.dumps(found, ensure_ascii=False, indent=2))
            return
        if not pairs:
            self.stdout.write(f"没有相似度达到 {threshold:.2f} 的文章。")
            return
        titles = dict(articles.values_list("code", "title"))
        self.stdout.write(f"相似度达到 {threshold:.2f} 的文章共 {len(pairs)} 对：")
        for a, b, s in pairs:
            self.stdout.write(f"  {s:.2f}  {a}《{titles.get(a, '')}》 ↔ {b}《{titles.get(b, '')}》")
