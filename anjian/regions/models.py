"""The region tree (GB/T 2260 codes), the supervised industries and the departments.

Region codes are a materialised path: 31 → 3101 → 310110 → 310110001 → 310110001001,
and grids extend their parent's code with ``W`` and three digits. Scope is a code
prefix, so no tree library is needed and a scope filter never joins this table.
"""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.models import TimeStampedModel
from anjian.regions.choices import RegionLevel, RegionSource
from anjian.regions.levels import ancestor_codes

region_code_validator = RegexValidator(
    r"^\d{2}(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?(W\d{3})?$", _("区划代码格式不正确")
)


class RegionQuerySet(models.QuerySet):
    def under(self, code: str) -> "RegionQuerySet":
        """The region ``code`` and everything below it."""
        return self.filter(code__startswith=code)

    def streets(self) -> "RegionQuerySet":
        return self.filter(level=RegionLevel.STREET)

    def active(self) -> "RegionQuerySet":
        return self.filter(is_active=True)


class Region(TimeStampedModel):
    """A node of the region tree: 省/市/区/街镇 from GB/T 2260 data; 社区/网格 added here."""

    code = models.CharField(
        _("区划代码"), max_length=24, primary_key=True, validators=[region_code_validator]
    )
    name = models.CharField(_("名称"), max_length=64)
    full_name = models.CharField(_("全称"), max_length=200, editable=False)
    level = models.PositiveSmallIntegerField(_("层级"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级区划"),
    )
    latitude = models.DecimalField(
        _("标注点纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("地图上标注名称的位置（WGS-84）"),
    )
    longitude = models.DecimalField(
        _("标注点经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    boundary = models.JSONField(
        _("边界"),
        null=True,
        blank=True,
        help_text=_("GeoJSON 几何（近似轮廓，用于无底图时的地图）"),
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=RegionSource.choices, default=RegionSource.LOCAL
    )
    is_active = models.BooleanField(_("启用"), default=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"], name="region_level_code")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.full_name = self.compose_full_name()
        super().save(*args, **kwargs)

    def compose_full_name(self) -> str:
        names = [] if self.name in ("市辖区", "县") else [self.name]
        node = self.parent
        while node is not None:
            # Municipalities list a placeholder city "市辖区" that nobody writes.
            if node.name not in ("市辖区", "县"):
                names.append(node.name)
            node = node.parent
        return "".join(reversed(names)) or self.name

    def ancestor_codes(self) -> list[str]:
        """Codes of this region and its ancestors, deepest first."""
        return ancestor_codes(self.code)

    def ancestor(self, level: int) -> "Region | None":
        node = self
        while node is not None and node.level > level:
            node = node.parent
        return node if node is not None and node.level == level else None


class Industry(models.Model):
    """监管行业: the supervision domain an enterprise belongs to (管行业必须管安全)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    group = models.CharField(_("门类"), max_length=20, blank=True, help_text=_("如：工贸、危化"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)
    # 公共区域: the domain of hazards in public places (roads, buildings, public spaces), not
    # an enterprise's trade. Set by the defaults, not edited: the clearing figures' 按责任主体
    # filter counts by it, so a unit may never be in such an industry nor a place outside one.
    for_places = models.BooleanField(_("公共区域"), default=False, editable=False)

    class Meta:
        verbose_name = _("监管行业")
        verbose_name_plural = _("监管行业")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class DepartmentQuerySet(models.QuerySet):
    def supervising(self, industry_id: int, region: Region) -> "Department | None":
        """The department that supervises ``industry`` at ``region``: nearest level wins."""
        codes = ancestor_codes(region.code)
        candidates = list(
            self.filter(is_active=True, region_id__in=codes, industries__id=industry_id).order_by(
                "sort_order", "pk"
            )
        )
        candidates.sort(key=lambda d: codes.index(d.region_id))
        return candidates[0] if candidates else None


class Department(TimeStampedModel):
    """A government department of a region and the industries it supervises."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("所属区划")
    )
    name = models.CharField(_("名称"), max_length=80)
    short_name = models.CharField(_("简称"), max_length=20)
    is_comprehensive = models.BooleanField(
        _("综合监管部门"), default=False, help_text=_("应急管理局/安委办：对全行业负综合监管职责")
    )
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="departments", verbose_name=_("监管行业")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["region_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="department_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
