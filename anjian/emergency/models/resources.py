"""应急资源: rescue teams and their members, warehouses and the supplies in them with their
stock ledger, equipment, shelters (避难场所) and experts — all on the map.

A supply line's ``quantity`` is what its ledger adds up to: every change writes one
``StockMovement`` with the delta and the balance after it, in the same transaction as a
conditional UPDATE that never takes the stock below zero (services). A shelter's
``occupancy`` is kept the same way by the assignments that send people to it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.scoping import ScopedQuerySet, ScopePaths
from anjian.emergency.choices import (
    EquipmentStatus,
    ExpertField,
    MovementKind,
    Readiness,
    ShelterKind,
    ShelterStatus,
    StorageLevel,
    SupplyCategory,
    TeamKind,
)
from anjian.emergency.models.base import Located, MaybeEnterpriseOwned, Owned

# Resources are shared for response: a department user sees every team, warehouse and
# shelter of its region, not only its industries' (enterprise users: their own only).
RESOURCE_SCOPE = ScopePaths(region="scope_region_code", industry=None, enterprise="enterprise_id")


class RescueTeam(Owned, Located):
    scope_paths = RESOURCE_SCOPE

    name = models.CharField(_("队伍名称"), max_length=120)
    kind = models.CharField(_("队伍类型"), max_length=16, choices=TeamKind.choices)
    # ",fire,hazchem," — the Speciality codes between commas, so one indexed-cell read can
    # filter by speciality with a portable LIKE.
    specialities = models.CharField(_("专业方向"), max_length=200)
    leader = models.CharField(_("队长"), max_length=60)
    phone = models.CharField(_("联系电话"), max_length=40)
    duty_phone = models.CharField(_("值班电话"), max_length=40, blank=True)
    headcount = models.PositiveIntegerField(_("队员人数"), default=0)
    equipment_summary = models.TextField(_("主要装备"), max_length=2000, blank=True)
    readiness = models.CharField(
        _("战备状态"), max_length=12, choices=Readiness.choices, default=Readiness.READY
    )
    active = models.BooleanField(_("在册"), default=True)
    synthetic = models.BooleanField(default=False, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("救援队伍")
        verbose_name_plural = _("救援队伍")
        ordering = ["scope_region_code", "name", "id"]
        indexes = [
            models.Index(fields=["cell", "readiness"], name="team_cell_readiness"),
            models.Index(fields=["scope_region_code", "kind"], name="team_region_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def speciality_codes(self) -> list[str]:
        return [code for code in self.specialities.split(",") if code]


class TeamMember(models.Model):
    team = models.ForeignKey(RescueTeam, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("姓名"), max_length=60)
    role = models.CharField(_("职务"), max_length=60, blank=True)
    speciality = models.CharField(_("专长"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    certificate = models.CharField(_("资格证书"), max_length=120, blank=True)
    active = models.BooleanField(_("在队"), default=True)

    class Meta:
        verbose_name = _("队员")
        verbose_name_plural = _("队员")
        ordering = ["team", "id"]

    def __str__(self) -> str:
        return self.name


class Warehouse(Owned, Located):
    scope_paths = RESOURCE_SCOPE

    name = models.CharField(_("储备库名称"), max_length=120)
    storage_level = models.CharField(_("储备层级"), max_length=12, choices=StorageLevel.choices)
    manager = models.CharField(_("管理人"), max_length=60)
    phone = models.CharField(_("联系电话"), max_length=40)
    area_m2 = models.PositiveIntegerField(_("库房面积（㎡）"), null=True, blank=True)
    active = models.BooleanField(_("在用"), default=True)
    synthetic = models.BooleanField(default=False, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("物资储备库")
        verbose_name_plural = _("物资储备库")
        ordering = ["scope_region_code", "name", "id"]
        indexes = [
            models.Index(fields=["scope_region_code", "storage_level"], name="warehouse_level"),
        ]

    def __str__(self) -> str:
        return self.name


class Supply(MaybeEnterpriseOwned):
    """One stock line: an item (and batch) in one warehouse. The warehouse's place and scope
    are copied in, so the nearest-supply search and scoping read this table alone."""

    scope_paths = RESOURCE_SCOPE

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="supplies")
    name = models.CharField(_("物资名称"), max_length=120)
    category = models.CharField(_("物资类别"), max_length=12, choices=SupplyCategory.choices)
    spec = models.CharField(_("规格型号"), max_length=120, blank=True)
    unit = models.CharField(_("计量单位"), max_length=12)
    batch = models.CharField(_("批次"), max_length=40, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("库存数量"), default=0, editable=False)
    reserve_target = models.PositiveIntegerField(_("储备定额"), null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)
    cell = models.IntegerField(null=True, blank=True, editable=False)
    active = models.BooleanField(_("在册"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("应急物资")
        verbose_name_plural = _("应急物资")
        ordering = ["warehouse", "name", "batch", "id"]
        indexes = [
            models.Index(fields=["cell", "category"], name="supply_cell_category"),
            models.Index(fields=["scope_region_code", "category"], name="supply_region_category"),
            models.Index(fields=["expires_on"], name="supply_expiry"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="supply_not_negative"),
            models.UniqueConstraint(
                fields=["warehouse", "name", "spec", "batch"], name="supply_line_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.warehouse.name}）"

    def copy_warehouse(self) -> None:
        warehouse = self.warehouse
        self.scope_region_code = warehouse.scope_region_code
        self.enterprise_id = warehouse.enterprise_id
        self.industry_id = warehouse.industry_id
        self.latitude, self.longitude, self.cell = (
            warehouse.latitude,
            warehouse.longitude,
            warehouse.cell,
        )


class StockMovement(models.Model):
    """One change of a supply line, never edited or deleted: the stock ledger."""

    supply = models.ForeignKey(Supply, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("类型"), max_length=12, choices=MovementKind.choices)
    delta = models.IntegerField(_("数量变化"))
    balance = models.PositiveIntegerField(_("变动后库存"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("经办人"),
    )
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    counterpart = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("调入/调出库"),
    )
    assignment = models.ForeignKey(
        "emergency.Assignment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
    )

    class Meta:
        verbose_name = _("出入库记录")
        verbose_name_plural = _("出入库记录")
        ordering = ["supply", "at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(delta=0), name="movement_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.supply_id} {self.get_kind_display()} {self.delta:+d}"


class Equipment(Owned, Located):
    scope_paths = RESOURCE_SCOPE

    name = models.CharField(_("装备名称"), max_length=120)
    category = models.CharField(_("装备类别"), max_length=60)
    spec = models.CharField(_("规格型号"), max_length=120, blank=True)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    team = models.ForeignKey(
        RescueTeam,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="equipment",
        verbose_name=_("配属队伍"),
    )
    warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="equipment",
        verbose_name=_("存放储备库"),
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=EquipmentStatus.choices, default=EquipmentStatus.USABLE
    )
    available = models.PositiveIntegerField(_("可调用数量"), default=1, editable=False)
    synthetic = models.BooleanField(default=False, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("救援装备")
        verbose_name_plural = _("救援装备")
        ordering = ["scope_region_code", "name", "id"]
        indexes = [models.Index(fields=["cell", "status"], name="equipment_cell_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(available__lte=models.F("quantity")),
                name="equipment_available_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Shelter(Owned, Located):
    scope_paths = RESOURCE_SCOPE

    name = models.CharField(_("场所名称"), max_length=120)
    kind = models.CharField(_("场所类型"), max_length=8, choices=ShelterKind.choices)
    indoor = models.BooleanField(_("室内场所"), default=False)
    area_m2 = models.PositiveIntegerField(_("有效避难面积（㎡）"))
    capacity = models.PositiveIntegerField(_("可容纳人数"))
    occupancy = models.PositiveIntegerField(_("已安置人数"), default=0, editable=False)
    facilities = models.TextField(_("配套设施"), max_length=2000, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ShelterStatus.choices, default=ShelterStatus.READY
    )
    manager = models.CharField(_("管理人"), max_length=60)
    phone = models.CharField(_("联系电话"), max_length=40)
    synthetic = models.BooleanField(default=False, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("避难场所")
        verbose_name_plural = _("避难场所")
        ordering = ["scope_region_code", "name", "id"]
        indexes = [models.Index(fields=["cell", "status"], name="shelter_cell_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(occupancy__lte=models.F("capacity")),
                name="shelter_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def free_places(self) -> int:
        return max(0, self.capacity - self.occupancy)


class Expert(Owned, Located):
    scope_paths = RESOURCE_SCOPE

    name = models.CharField(_("姓名"), max_length=60)
    field = models.CharField(_("专业领域"), max_length=20, choices=ExpertField.choices)
    title = models.CharField(_("职称"), max_length=60, blank=True)
    employer = models.CharField(_("工作单位"), max_length=120, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40)
    available = models.BooleanField(_("可参与处置"), default=True)
    synthetic = models.BooleanField(default=False, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("应急专家")
        verbose_name_plural = _("应急专家")
        ordering = ["scope_region_code", "field", "name", "id"]
        indexes = [models.Index(fields=["cell", "field"], name="expert_cell_field")]

    def __str__(self) -> str:
        return self.name


__all__ = [
    "RESOURCE_SCOPE",
    "Equipment",
    "Expert",
    "RescueTeam",
    "Shelter",
    "StockMovement",
    "Supply",
    "TeamMember",
    "Warehouse",
]
