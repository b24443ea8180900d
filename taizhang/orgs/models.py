from django.db import models

from taizhang.core.models import LedgerModel


class Category(LedgerModel):
    """A field of 分类指导 (classification guidance): 机关, 农村, 社区, …"""

    name = models.CharField("类别名称", max_length=40, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "所属领域"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class OrgKind(models.TextChoices):
    DISTRICT = "区委"
    COMMITTEE = "党委"
    WORKING_COMMITTEE = "党工委"
    LEADING_GROUP = "党组"
    GENERAL_BRANCH = "党总支"
    BRANCH = "党支部"
    OTHER = "其他"


# Materialized paths are the engine's (core/tree.py): fixed-width ids, text order is
# tree order.
from taizhang.core.tree import PATH_STEP, path_ids, path_root_id, path_segment  # noqa: E402,F401


class Organization(LedgerModel):
    """A node of the org tree. `path` is the materialized path of fixed-width ids
    ("00000001.00000005.00000023."): a subtree is one indexed prefix predicate, and
    sorting by path lists the tree depth-first."""

    code = models.CharField("组织编码", max_length=64, unique=True)
    name = models.CharField("组织名称", max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField("组织类别", max_length=8, choices=OrgKind.choices)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, verbose_name="所属领域"
    )
    path = models.CharField(max_length=1000, db_index=True, default="")  # 111 levels
    depth = models.PositiveSmallIntegerField(default=0)

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "组织"
        ordering = ["path"]

    def __str__(self):
        return self.name

    @property
    def org(self):
        return self


class PersonKind(models.TextChoices):
    ELDERLY = "年老体弱"
    MOBILE = "流动党员"
    RETIRED = "离退休"
    YOUTH = "青年"


class Person(LedgerModel):
    code = models.CharField("人员编号", max_length=64, unique=True)
    name = models.CharField("姓名", max_length=64)
    # Pinyin initials of every reading of the name (" zs" for 张三), for search on a phone.
    name_initials = models.CharField(max_length=255, default="")
    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="people")
    title = models.CharField("职务", max_length=100, blank=True)
    mobile = models.CharField("手机号码", max_length=11, blank=True)
    is_leader = models.BooleanField("县处级领导", default=False)
    is_member = models.BooleanField("党员", default=True)
    # Several of PersonKind, joined with "、" in a fixed order.
    kinds = models.CharField("人员类别", max_length=64, blank=True)
    liaison_orgs = models.ManyToManyField(
        Organization, blank=True, related_name="liaison_leaders", verbose_name="联系点"
    )

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "人员"
        ordering = ["code"]

    def __str__(self):
        return self.name


class WorkGroup(LedgerModel):
    """Scoped by its leader's organization (the engine keeps it in scope_path)."""

    code = models.CharField("工作组编码", max_length=64, unique=True)
    name = models.CharField("工作组名称", max_length=100)
    leader = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="led_groups"
    )
    members = models.ManyToManyField(Person, blank=True, related_name="work_groups")

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "工作组"
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def org(self):
        return self.leader.org if self.leader_id else None


class EnterpriseKind(models.TextChoices):
    INDUSTRY = "规上工业"
    TRADE = "限上批零住餐"
    CONSTRUCTION = "资质内建筑业"
    REAL_ESTATE = "房地产开发经营"
    SERVICES = "规上服务业"
    OTHER = "其他"


class Enterprise(LedgerModel):
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=200)
    # Pinyin initials of the name (" ncxskjyxgs"), to find 鑫盛 by typing "xs".
    name_initials = models.CharField(max_length=255, default="")
    kind = models.CharField("企业类别", max_length=16, choices=EnterpriseKind.choices, blank=True)
    local_org = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="enterprises"
    )
    cadres = models.ManyToManyField(Person, blank=True, related_name="enterprises")

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "企业"
        ordering = ["credit_code"]

    def __str__(self):
        return self.name
