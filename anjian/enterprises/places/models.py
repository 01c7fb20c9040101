"""A public place or object (路段, 桥梁, 房屋, 外立面, 公共空间) that hazards may belong to."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.accounts.models import phone_validator
from anjian.core import pinyin
from anjian.core.models import VersionedModel
from anjian.core.scoping import ScopedQuerySet, ScopePaths
from anjian.regions.choices import RegionLevel


class PlaceKind(models.TextChoices):
    ROAD_SECTION = "road", _("路段")
    BRIDGE = "bridge", _("桥梁隧道")
    BUILDING = "building", _("房屋建筑（含自建房）")
    FACADE = "facade", _("建筑外立面及户外招牌")
    PUBLIC_SPACE = "space", _("公共空间")
    OTHER = "other", _("其他")


# The 公共区域 industry a new place of each kind is in unless chosen otherwise.
DEFAULT_INDUSTRY = {
    PlaceKind.ROAD_SECTION: "road_traffic",
    PlaceKind.BRIDGE: "municipal_facilities",
    PlaceKind.BUILDING: "buildings",
    PlaceKind.FACADE: "buildings",
    PlaceKind.PUBLIC_SPACE: "public_spaces",
    PlaceKind.OTHER: "public_spaces",
}


class PublicPlaceQuerySet(ScopedQuerySet):
    def in_use(self) -> "PublicPlaceQuerySet":
        return self.filter(is_active=True)

    def search(self, query: str) -> "PublicPlaceQuerySet":
        words = query.split()
        result = self
        for word in words:
            result = result.filter(
                models.Q(name__icontains=word)
                | models.Q(address__icontains=word)
                | models.Q(name_sort_key__startswith=pinyin.sort_key(word))
            )
        return result


class PublicPlace(VersionedModel):
    """A road section, bridge, building, facade or public space under supervision.

    Like a unit it has a street (and grid), whose code is ``scope_region_code``, and an
    industry — one of the 公共区域 industries (``Industry.for_places``) — so that its
    hazards are scoped and counted exactly like a unit's. Enterprise users never see it.
    Never deleted: ``is_active`` off (停用) keeps its hazards and history.
    """

    scope_paths = ScopePaths(region="scope_region_code", industry="industry_id")

    kind = models.CharField(_("类型"), max_length=12, choices=PlaceKind.choices)
    name = models.CharField(
        _("名称"), max_length=120, help_text=_("如：黄兴路（控江路—国和路）、长阳路 128 号外立面")
    )
    address = models.CharField(_("位置描述"), max_length=200)
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("WGS-84"),
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("WGS-84"),
    )
    street = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": RegionLevel.STREET},
        verbose_name=_("所属街镇"),
    )
    grid = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level__in": (RegionLevel.COMMUNITY, RegionLevel.GRID)},
        verbose_name=_("所属网格/社区"),
    )
    scope_region_code = models.CharField(max_length=24, editable=False, db_index=True)
    industry = models.ForeignKey(
        "regions.Industry",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("监管领域"),  # a 公共区域 one (``clean`` says so in words)
    )
    responsible_department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任部门"),
        help_text=_("不填则按监管领域自动确定"),
    )
    contact_name = models.CharField(_("责任人"), max_length=40, blank=True)
    contact_phone = models.CharField(
        _("联系电话"), max_length=20, blank=True, validators=[phone_validator]
    )
    note = models.TextField(_("备注"), max_length=1000, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    name_sort_key = models.CharField(max_length=pinyin.SORT_KEY_LENGTH, editable=False, default="")

    objects = PublicPlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("公共区域")
        verbose_name_plural = _("公共区域")
        ordering = ["name_sort_key", "pk"]
        indexes = [
            models.Index(
                fields=["scope_region_code", "industry"],
                name="place_scope_industry",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(scope_region_code=""), name="place_scope_region_set"
            ),
            models.UniqueConstraint(fields=["street", "name"], name="place_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.street_id and self.street.level != RegionLevel.STREET:
            errors["street"] = _("请选择街道或镇")
        if self.grid_id and self.street_id and not self.grid_id.startswith(self.street_id):
            errors["grid"] = _("网格/社区不属于所选街镇")
        if self.industry_id and not self.industry.for_places:
            errors["industry"] = _(
                "请选择公共区域的监管领域（道路交通、市政设施、房屋建筑、公共空间）"
            )
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = _(
                "经度和纬度需同时填写"
            )
        if errors:
            raise ValidationError(errors)

    def refresh_derived_fields(self) -> None:
        self.scope_region_code = self.grid_id or self.street_id or ""
        self.name_sort_key = pinyin.sort_key(self.name)

    def save(self, *args, **kwargs):
        self.refresh_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "scope_region_code", "name_sort_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("enterprises:place_detail", args=[self.pk])

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None
