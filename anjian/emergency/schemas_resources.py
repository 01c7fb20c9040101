"""Schemas of /api/v1/emergency's resources: rescue teams and their members, warehouses,
supplies and their stock ledger, equipment, shelters, experts, and the nearest-resource
search."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Schema

from anjian.emergency.choices import (
    EquipmentStatus,
    ExpertField,
    MovementKind,
    Readiness,
    ResourceKind,
    ShelterKind,
    ShelterStatus,
    Speciality,
    StorageLevel,
    SupplyCategory,
    TeamKind,
)
from anjian.emergency.schemas import (
    EmergencyOwnerIn,
    EmergencyOwnerOut,
    EmergencyPlaceIn,
    EmergencyPlaceOut,
    EmergencyStrictIn,
    EmergencyVersionIn,
    label_of,
    listed,
    user_name,
)


class EmergencyResourceFilters(Schema):
    """What every resource list takes (each list adds its own)."""

    q: str | None = Field(None, description="搜索：名称")
    region: str | None = Field(None, description="区划代码前缀")


# --- teams ---------------------------------------------------------------------------------


class EmergencyTeamOut(EmergencyOwnerOut, EmergencyPlaceOut):
    id: int
    name: str
    kind: str = Field(description=listed(TeamKind))
    kind_label: str
    specialities: list[str] = Field(description="专业方向：" + listed(Speciality))
    speciality_labels: list[str]
    leader: str
    phone: str
    duty_phone: str
    headcount: int
    equipment_summary: str
    readiness: str = Field(description=listed(Readiness))
    readiness_label: str
    active: bool
    version: int

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_specialities(obj) -> list[str]:
        return obj.speciality_codes

    @staticmethod
    def resolve_speciality_labels(obj) -> list[str]:
        return [label_of(Speciality, code) for code in obj.speciality_codes]

    @staticmethod
    def resolve_readiness_label(obj) -> str:
        return obj.get_readiness_display()


class EmergencyTeamMemberOut(Schema):
    id: int
    name: str
    role: str
    speciality: str
    phone: str
    certificate: str
    active: bool


class EmergencyTeamDetailOut(EmergencyTeamOut):
    members: list[EmergencyTeamMemberOut] = Field(description="队员（含已离队的）")

    @staticmethod
    def resolve_members(obj) -> list:
        return list(obj.members.all())


class EmergencyTeamFilters(EmergencyResourceFilters):
    kind: str | None = Field(None, description=listed(TeamKind))
    speciality: str | None = Field(None, description=listed(Speciality))
    readiness: str | None = Field(None, description=listed(Readiness))
    active: bool | None = Field(None, description="在册")


class EmergencyTeamFieldsIn(EmergencyStrictIn):
    name: str = Field(description="队伍名称")
    kind: str = Field(description=listed(TeamKind))
    specialities: list[str] = Field(description="专业方向（至少一项）：" + listed(Speciality))
    leader: str = Field(description="队长")
    phone: str = Field(description="联系电话")
    duty_phone: str = Field("", description="值班电话")
    headcount: int = Field(0, ge=0, description="队员人数")
    equipment_summary: str = Field("", description="主要装备")
    active: bool = Field(True, description="在册")


class EmergencyTeamIn(EmergencyOwnerIn, EmergencyPlaceIn, EmergencyTeamFieldsIn):
    """A new team, ready (待命)."""


class EmergencyTeamUpdateIn(EmergencyVersionIn):
    name: str | None = None
    kind: str | None = Field(None, description=listed(TeamKind))
    specialities: list[str] | None = Field(None, description=listed(Speciality))
    leader: str | None = None
    phone: str | None = None
    duty_phone: str | None = None
    headcount: int | None = Field(None, ge=0)
    equipment_summary: str | None = None
    active: bool | None = None
    address: str | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class EmergencyReadinessIn(EmergencyVersionIn):
    readiness: str = Field(
        description="待命 ready、休整 resting、不可用 unavailable（出动中 deployed 由调派设定）"
    )


class EmergencyTeamMemberIn(EmergencyStrictIn):
    name: str
    role: str = Field("", description="职务")
    speciality: str = Field("", description="专长")
    phone: str = ""
    certificate: str = Field("", description="资格证书")


# --- warehouses and supplies ---------------------------------------------------------------


class EmergencyWarehouseOut(EmergencyOwnerOut, EmergencyPlaceOut):
    id: int
    name: str
    storage_level: str = Field(description="储备层级：" + listed(StorageLevel))
    storage_level_label: str
    manager: str
    phone: str
    area_m2: int | None
    active: bool
    version: int

    @staticmethod
    def resolve_storage_level_label(obj) -> str:
        return obj.get_storage_level_display()


class EmergencyWarehouseFilters(EmergencyResourceFilters):
    storage_level: str | None = Field(None, description=listed(StorageLevel))
    active: bool | None = Field(None, description="在用")


class EmergencyWarehouseFieldsIn(EmergencyStrictIn):
    name: str = Field(description="储备库名称")
    storage_level: str = Field(description="储备层级：" + listed(StorageLevel))
    manager: str = Field(description="管理人")
    phone: str = Field(description="联系电话")
    area_m2: int | None = Field(None, ge=0, description="库房面积（㎡）")
    active: bool = True


class EmergencyWarehouseIn(EmergencyOwnerIn, EmergencyPlaceIn, EmergencyWarehouseFieldsIn):
    pass


class EmergencyWarehouseUpdateIn(EmergencyVersionIn):
    name: str | None = None
    storage_level: str | None = Field(None, description=listed(StorageLevel))
    manager: str | None = None
    phone: str | None = None
    area_m2: int | None = Field(None, ge=0)
    active: bool | None = None
    address: str | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class EmergencySupplyOut(Schema):
    id: int
    warehouse_id: int
    warehouse_name: str = Field(alias="warehouse.name")
    name: str
    category: str = Field(description=listed(SupplyCategory))
    category_label: str
    spec: str
    unit: str
    batch: str
    expires_on: date | None
    expired: bool
    quantity: int = Field(description="库存数量（出入库记录之和）")
    reserve_target: int | None = Field(description="储备定额")
    below_target: bool
    latitude: float | None
    longitude: float | None
    active: bool
    version: int

    @staticmethod
    def resolve_category_label(obj) -> str:
        return obj.get_category_display()

    @staticmethod
    def resolve_expired(obj) -> bool:
        return obj.expires_on is not None and obj.expires_on < timezone.localdate()

    @staticmethod
    def resolve_below_target(obj) -> bool:
        return obj.reserve_target is not None and obj.quantity < obj.reserve_target


class EmergencySupplyFilters(EmergencyResourceFilters):
    warehouse: int | None = Field(None, description="储备库 id")
    category: str | None = Field(None, description=listed(SupplyCategory))
    storage_level: str | None = Field(None, description="储备库的层级：" + listed(StorageLevel))
    expiry: str | None = Field(None, description="expired 有库存且已过期 / soon 有库存且30天内到期")
    below_target: bool | None = Field(None, description="true：低于储备定额")
    active: bool = Field(True, description="false：列出已停用的")


class EmergencySupplyFieldsIn(EmergencyStrictIn):
    name: str = Field(description="物资名称")
    category: str = Field(description=listed(SupplyCategory))
    spec: str = Field("", description="规格型号")
    unit: str = Field(description="计量单位")
    batch: str = Field("", description="批次")
    expires_on: date | None = Field(None, description="有效期至")
    reserve_target: int | None = Field(None, ge=0, description="储备定额")
    active: bool = True


class EmergencySupplyIn(EmergencySupplyFieldsIn):
    warehouse_id: int = Field(description="储备库 id（须在管辖范围内）")
    quantity: int = Field(0, ge=0, description="初始库存（大于0时登记一条入库记录）")


class EmergencySupplyUpdateIn(EmergencyVersionIn):
    """Not the quantity: stock changes only through the ledger."""

    name: str | None = None
    category: str | None = Field(None, description=listed(SupplyCategory))
    spec: str | None = None
    unit: str | None = None
    batch: str | None = None
    expires_on: date | None = None
    reserve_target: int | None = Field(None, ge=0)
    active: bool | None = None


class EmergencyMovementOut(Schema):
    id: int
    kind: str = Field(description=listed(MovementKind))
    kind_label: str
    delta: int = Field(description="数量变化（入库为正，出库为负）")
    balance: int = Field(description="变动后库存")
    at: datetime
    by: str | None = Field(description="经办人")
    reason: str
    counterpart_id: int | None = Field(description="调入/调出库 id")
    assignment_id: int | None = Field(description="应急调拨对应的调派 id")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_by(obj) -> str | None:
        return user_name(obj.by)


class EmergencyReceiveIn(EmergencyStrictIn):
    quantity: int = Field(gt=0, description="入库数量")
    reason: str = Field("", description="说明（来源、采购批次等）")


class EmergencyIssueIn(EmergencyStrictIn):
    quantity: int = Field(gt=0, description="出库数量（不能超过库存）")
    kind: str = Field(MovementKind.ISSUE, description="issue 出库、rotation 轮换出库、scrap 报废")
    reason: str = Field(description="出库事由")


class EmergencyTransferIn(EmergencyStrictIn):
    to_warehouse_id: int = Field(description="调入的储备库 id（须在管辖范围内）")
    quantity: int = Field(gt=0, description="调拨数量（不能超过库存）")
    reason: str = Field("", description="说明")


class EmergencyCountIn(EmergencyStrictIn):
    counted: int = Field(ge=0, description="盘点实存数量")
    reason: str = Field(description="盘点说明")


class EmergencyTransferOut(Schema):
    out: EmergencyMovementOut = Field(description="调出记录")
    into: EmergencyMovementOut = Field(description="调入记录")


class EmergencyCountOut(Schema):
    movement: EmergencyMovementOut | None = Field(description="盘点调整记录；账实相符时为空")
    supply: EmergencySupplyOut


# --- equipment, shelters, experts ----------------------------------------------------------


class EmergencyEquipmentOut(EmergencyOwnerOut, EmergencyPlaceOut):
    id: int
    name: str
    category: str = Field(description="装备类别")
    spec: str
    quantity: int
    available: int = Field(description="可调用数量")
    team_id: int | None = Field(description="配属队伍 id")
    warehouse_id: int | None = Field(description="存放储备库 id")
    status: str = Field(description=listed(EquipmentStatus))
    status_label: str
    version: int

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class EmergencyEquipmentFilters(EmergencyResourceFilters):
    category: str | None = Field(None, description="装备类别")
    status: str | None = Field(None, description=listed(EquipmentStatus))
    team: int | None = Field(None, description="配属队伍 id")
    warehouse: int | None = Field(None, description="存放储备库 id")


class EmergencyEquipmentFieldsIn(EmergencyStrictIn):
    name: str = Field(description="装备名称")
    category: str = Field(description="装备类别，如“排水设备”")
    spec: str = Field("", description="规格型号")
    quantity: int = Field(1, ge=1, description="数量")
    team_id: int | None = Field(None, description="配属队伍 id")
    warehouse_id: int | None = Field(None, description="存放储备库 id")
    status: str = Field(EquipmentStatus.USABLE, description=listed(EquipmentStatus))


class EmergencyEquipmentIn(EmergencyOwnerIn, EmergencyPlaceIn, EmergencyEquipmentFieldsIn):
    pass


class EmergencyEquipmentUpdateIn(EmergencyVersionIn):
    name: str | None = None
    category: str | None = None
    spec: str | None = None
    quantity: int | None = Field(None, ge=1)
    team_id: int | None = None
    warehouse_id: int | None = None
    status: str | None = Field(None, description=listed(EquipmentStatus))
    address: str | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class EmergencyShelterOut(EmergencyOwnerOut, EmergencyPlaceOut):
    id: int
    name: str
    kind: str = Field(description=listed(ShelterKind))
    kind_label: str
    indoor: bool
    area_m2: int = Field(description="有效避难面积（㎡）")
    capacity: int = Field(description="可容纳人数")
    occupancy: int = Field(description="已安置人数")
    free_places: int
    facilities: str
    status: str = Field(description=listed(ShelterStatus))
    status_label: str
    manager: str
    phone: str
    version: int

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class EmergencyShelterFilters(EmergencyResourceFilters):
    kind: str | None = Field(None, description=listed(ShelterKind))
    status: str | None = Field(None, description=listed(ShelterStatus))


class EmergencyShelterFieldsIn(EmergencyStrictIn):
    name: str = Field(description="场所名称")
    kind: str = Field(description=listed(ShelterKind))
    indoor: bool = Field(False, description="室内场所")
    area_m2: int = Field(ge=1, description="有效避难面积（㎡）")
    capacity: int = Field(ge=1, description="可容纳人数")
    facilities: str = Field("", description="配套设施")
    status: str = Field(ShelterStatus.READY, description=listed(ShelterStatus))
    manager: str = Field(description="管理人")
    phone: str = Field(description="联系电话")


class EmergencyShelterIn(EmergencyOwnerIn, EmergencyPlaceIn, EmergencyShelterFieldsIn):
    pass


class EmergencyShelterUpdateIn(EmergencyVersionIn):
    name: str | None = None
    kind: str | None = Field(None, description=listed(ShelterKind))
    indoor: bool | None = None
    area_m2: int | None = Field(None, ge=1)
    capacity: int | None = Field(None, ge=1)
    facilities: str | None = None
    status: str | None = Field(None, description=listed(ShelterStatus))
    manager: str | None = None
    phone: str | None = None
    address: str | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class EmergencyExpertOut(EmergencyOwnerOut, EmergencyPlaceOut):
    id: int
    name: str
    field: str = Field(description=listed(ExpertField))
    field_label: str
    title: str = Field(description="职称")
    employer: str = Field(description="工作单位")
    phone: str
    available: bool = Field(description="可参与处置")
    version: int

    @staticmethod
    def resolve_field_label(obj) -> str:
        return obj.get_field_display()


class EmergencyExpertFilters(EmergencyResourceFilters):
    field: str | None = Field(None, description=listed(ExpertField))
    available: bool | None = None


class EmergencyExpertFieldsIn(EmergencyStrictIn):
    name: str = Field(description="姓名")
    field: str = Field(description="专业领域：" + listed(ExpertField))
    title: str = Field("", description="职称")
    employer: str = Field("", description="工作单位")
    phone: str = Field(description="联系电话")
    available: bool = Field(True, description="可参与处置")


class EmergencyExpertIn(EmergencyOwnerIn, EmergencyPlaceIn, EmergencyExpertFieldsIn):
    pass


class EmergencyExpertUpdateIn(EmergencyVersionIn):
    name: str | None = None
    field: str | None = Field(None, description=listed(ExpertField))
    title: str | None = None
    employer: str | None = None
    phone: str | None = None
    available: bool | None = None
    address: str | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


# --- the nearest available -----------------------------------------------------------------


class EmergencyNearestQuery(Schema):
    kind: str = Field(description="资源类型：" + listed(ResourceKind))
    lat: float = Field(ge=-90, le=90, description="纬度（WGS 84）")
    lon: float = Field(ge=-180, le=180, description="经度（WGS 84）")
    limit: int = Field(10, ge=1, le=50, description="最多返回几个（1–50）")
    speciality: str | None = Field(None, description="队伍的专业方向：" + listed(Speciality))
    category: str | None = Field(
        None, description="物资类别（" + listed(SupplyCategory) + "）或装备类别"
    )
    field: str | None = Field(None, description="专家的专业领域：" + listed(ExpertField))
    name: str | None = Field(None, description="物资或装备名称（包含）")
    quantity: int = Field(
        1, ge=1, description="至少需要的数量：物资库存、装备可调用数、避难场所空余位置"
    )


class EmergencyCandidateOut(Schema):
    """One available resource, nearest first."""

    kind: str = Field(description=listed(ResourceKind))
    kind_label: str
    id: int
    name: str
    distance_km: float = Field(description="直线（大圆）距离，公里")
    available: int = Field(description="可调用数量：队伍、专家为1；物资为库存；避难场所为空余位置")
    latitude: float | None
    longitude: float | None
    owner_name: str = Field(description="所属主体或储备库")
    phone: str
    note: str = Field(description="专业方向、规格、储备库等")
