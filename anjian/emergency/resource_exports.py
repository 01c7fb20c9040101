"""应急资源 as Excel ledgers (台账): the columns of each kind, declared once, and the writers.

The importable columns carry what ``resource_import`` reads back (key = the service's field,
the header, whether required, a note and an example for the template), so a ledger exported
today imports tomorrow — the export-only columns (系统编号, 所属主体, 状态 …) are accepted
and ignored by the importer. Every value goes through ``core/excel.py``, which keeps a text
that looks like a formula as text.

Writers: ``write_resources(target, user=, kind=)`` (one kind, the user's scoped records or
the queryset a page filtered) and ``write_movements(target, user=)`` (the stock ledger). Pages
may instead hand ``columns(kind)`` to ``core.registry.RegistryExport``.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.excel import Column, write_ledger
from anjian.emergency import selectors_resources as selectors
from anjian.emergency.choices import (
    ExpertField,
    ShelterKind,
    Speciality,
    StorageLevel,
    SupplyCategory,
    TeamKind,
)


def _t(text) -> str:
    return str(gettext_lazy(text))


def _yes(value: bool) -> str:
    return _("是") if value else _("否")


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def labels(choices) -> tuple[str, ...]:
    return tuple(str(label) for _value, label in choices)


def speciality_labels(team) -> str:
    return "、".join(str(Speciality(code).label) for code in team.speciality_codes)


def _credit_code(obj) -> str:
    return obj.enterprise.credit_code if obj.enterprise_id else ""


def _owner(obj) -> str:
    return f"{obj.get_owner_kind_display()}：{obj.owner_name}"


ID = Column("id", _t("系统编号"), 10, export=lambda o: o.pk, importable=False)
REGION = Column(
    "region",
    _t("所属区划代码"),
    14,
    note=_t("街镇9位、区6位行政区划代码，如殷行街道 310110016；空白为您的管辖区划"),
    example="310110016",
    export=lambda o: o.region_id,
)
ENTERPRISE = Column(
    "enterprise",
    _t("所属单位统一社会信用代码"),
    22,
    note=_t("单位自有的资源填写；单位用户导入时一律为本单位"),
    example="",
    export=_credit_code,
)
OWNER = Column("owner", _t("所属主体"), 24, export=_owner, importable=False)
REGION_NAME = Column(
    "region_name", _t("所属区划"), 20, export=lambda o: o.region.full_name, importable=False
)
PLACE = [
    Column("address", _t("地址"), 30, example="上海市杨浦区殷行路1号", export=lambda o: o.address),
    Column(
        "longitude",
        _t("经度"),
        12,
        note=_t("WGS-84，如 121.530000；与纬度同时填写或同时空白"),
        example=121.53,
        export=lambda o: o.longitude,
    ),
    Column(
        "latitude",
        _t("纬度"),
        12,
        note=_t("WGS-84，如 31.320000"),
        example=31.32,
        export=lambda o: o.latitude,
    ),
]
UPDATED = Column(
    "updated", _t("更新时间"), 18, export=lambda o: _local(o.updated_at), importable=False
)
PHONE_NOTE = _t("手机或座机号码，如 13800138000、021-65012345")

TEAM = [
    ID,
    Column(
        "name",
        _t("队伍名称"),
        28,
        required=True,
        example="殷行街道应急救援队",
        export=lambda o: o.name,
    ),
    Column(
        "kind",
        _t("队伍类型"),
        18,
        required=True,
        choices=labels(TeamKind.choices),
        example=str(TeamKind.PROFESSIONAL.label),
        export=lambda o: o.get_kind_display(),
    ),
    Column(
        "specialities",
        _t("专业方向"),
        28,
        required=True,
        note=_t("可填多个，用顿号、逗号分隔：") + "、".join(labels(Speciality.choices)),
        choices=labels(Speciality.choices),
        example="灭火救援、建筑坍塌救援",
        export=speciality_labels,
    ),
    Column("leader", _t("队长"), 10, required=True, example="张三", export=lambda o: o.leader),
    Column(
        "phone",
        _t("联系电话"),
        16,
        required=True,
        note=PHONE_NOTE,
        example="021-65012345",
        export=lambda o: o.phone,
    ),
    Column("duty_phone", _t("值班电话"), 16, note=PHONE_NOTE, export=lambda o: o.duty_phone),
    Column(
        "headcount", _t("队员人数"), 10, note=_t("整数"), example=20, export=lambda o: o.headcount
    ),
    Column(
        "equipment_summary",
        _t("主要装备"),
        30,
        example="消防车2辆、破拆工具1套",
        export=lambda o: o.equipment_summary,
    ),
    REGION,
    ENTERPRISE,
    *PLACE,
    Column(
        "readiness",
        _t("战备状态"),
        10,
        export=lambda o: o.get_readiness_display(),
        importable=False,
    ),
    Column("active", _t("在册"), 6, export=lambda o: _yes(o.active), importable=False),
    OWNER,
    REGION_NAME,
    UPDATED,
]

WAREHOUSE = [
    ID,
    Column(
        "name",
        _t("储备库名称"),
        28,
        required=True,
        example="殷行街道应急物资储备库",
        export=lambda o: o.name,
    ),
    Column(
        "storage_level",
        _t("储备层级"),
        10,
        required=True,
        choices=labels(StorageLevel.choices),
        note=_t("与所属区划一致：市级—市，区级—区，街镇级—街镇，居村级和家庭—社区/村或网格"),
        example=str(StorageLevel.STREET.label),
        export=lambda o: o.get_storage_level_display(),
    ),
    Column("manager", _t("管理人"), 10, required=True, example="李四", export=lambda o: o.manager),
    Column(
        "phone",
        _t("联系电话"),
        16,
        required=True,
        note=PHONE_NOTE,
        example="13800138000",
        export=lambda o: o.phone,
    ),
    Column(
        "area_m2",
        _t("库房面积（㎡）"),
        12,
        note=_t("正整数"),
        example=300,
        export=lambda o: o.area_m2,
    ),
    REGION,
    ENTERPRISE,
    *PLACE,
    Column("active", _t("在用"), 6, export=lambda o: _yes(o.active), importable=False),
    OWNER,
    REGION_NAME,
    UPDATED,
]

SUPPLY = [
    ID,
    Column(
        "warehouse",
        _t("储备库"),
        26,
        required=True,
        example="殷行街道应急物资储备库",
        note=_t("您管辖范围内在用的储备库名称"),
        export=lambda o: o.warehouse.name,
    ),
    Column(
        "storage_level",
        _t("储备层级"),
        10,
        importable=False,
        export=lambda o: o.warehouse.get_storage_level_display(),
    ),
    Column("name", _t("物资名称"), 20, required=True, example="救生衣", export=lambda o: o.name),
    Column(
        "category",
        _t("物资类别"),
        14,
        required=True,
        choices=labels(SupplyCategory.choices),
        example=str(SupplyCategory.RESCUE.label),
        export=lambda o: o.get_category_display(),
    ),
    Column("spec", _t("规格型号"), 14, example="成人款", export=lambda o: o.spec),
    Column("unit", _t("计量单位"), 8, required=True, example="件", export=lambda o: o.unit),
    Column("batch", _t("批次"), 12, export=lambda o: o.batch),
    Column(
        "expires_on",
        _t("有效期至"),
        12,
        note=_t("日期，如 2027-06-30；长期有效的空白"),
        export=lambda o: o.expires_on,
    ),
    Column(
        "quantity",
        _t("库存数量"),
        10,
        note=_t("整数；导入时作为初始入库数量"),
        example=100,
        export=lambda o: o.quantity,
    ),
    Column(
        "reserve_target",
        _t("储备定额"),
        10,
        note=_t("整数；低于定额时提示补充"),
        example=200,
        export=lambda o: o.reserve_target,
    ),
    Column(
        "region", _t("所属区划代码"), 14, importable=False, export=lambda o: o.scope_region_code
    ),
]

EQUIPMENT = [
    ID,
    Column("name", _t("装备名称"), 24, required=True, example="排涝泵车", export=lambda o: o.name),
    Column(
        "category",
        _t("装备类别"),
        14,
        required=True,
        example="排水设备",
        export=lambda o: o.category,
    ),
    Column("spec", _t("规格型号"), 14, export=lambda o: o.spec),
    Column(
        "quantity",
        _t("数量"),
        8,
        required=True,
        note=_t("正整数"),
        example=2,
        export=lambda o: o.quantity,
    ),
    Column(
        "team",
        _t("配属队伍"),
        22,
        note=_t("队伍名称；与存放储备库只填其一"),
        export=lambda o: o.team.name if o.team_id else "",
    ),
    Column(
        "warehouse",
        _t("存放储备库"),
        22,
        note=_t("储备库名称"),
        export=lambda o: o.warehouse.name if o.warehouse_id else "",
    ),
    REGION,
    ENTERPRISE,
    *PLACE,
    Column("status", _t("状态"), 8, export=lambda o: o.get_status_display(), importable=False),
    Column("available", _t("可调用数量"), 10, export=lambda o: o.available, importable=False),
    OWNER,
    UPDATED,
]

SHELTER = [
    ID,
    Column(
        "name",
        _t("场所名称"),
        28,
        required=True,
        example="殷行中学避难场所",
        export=lambda o: o.name,
    ),
    Column(
        "kind",
        _t("场所类型"),
        14,
        required=True,
        choices=labels(ShelterKind.choices),
        example=str(ShelterKind.SHORT.label),
        export=lambda o: o.get_kind_display(),
    ),
    Column(
        "indoor",
        _t("室内场所"),
        8,
        choices=(_t("是"), _t("否")),
        example=_t("否"),
        export=lambda o: _yes(o.indoor),
    ),
    Column(
        "area_m2",
        _t("有效避难面积（㎡）"),
        14,
        required=True,
        note=_t("正整数"),
        example=5000,
        export=lambda o: o.area_m2,
    ),
    Column(
        "capacity",
        _t("可容纳人数"),
        10,
        required=True,
        note=_t("正整数"),
        example=1000,
        export=lambda o: o.capacity,
    ),
    Column(
        "facilities",
        _t("配套设施"),
        30,
        example="应急供水、应急厕所、医疗点",
        export=lambda o: o.facilities,
    ),
    Column("manager", _t("管理人"), 10, required=True, example="王五", export=lambda o: o.manager),
    Column(
        "phone",
        _t("联系电话"),
        16,
        required=True,
        note=PHONE_NOTE,
        example="021-65011111",
        export=lambda o: o.phone,
    ),
    REGION,
    ENTERPRISE,
    *PLACE,
    Column("status", _t("状态"), 8, export=lambda o: o.get_status_display(), importable=False),
    Column("occupancy", _t("已安置人数"), 10, export=lambda o: o.occupancy, importable=False),
    OWNER,
    UPDATED,
]

EXPERT = [
    ID,
    Column("name", _t("姓名"), 10, required=True, example="赵六", export=lambda o: o.name),
    Column(
        "field",
        _t("专业领域"),
        14,
        required=True,
        choices=labels(ExpertField.choices),
        example=str(ExpertField.HAZCHEM.label),
        export=lambda o: o.get_field_display(),
    ),
    Column("title", _t("职称"), 14, example="高级工程师", export=lambda o: o.title),
    Column("employer", _t("工作单位"), 24, example="上海化工研究院", export=lambda o: o.employer),
    Column(
        "phone",
        _t("联系电话"),
        16,
        required=True,
        note=PHONE_NOTE,
        example="13900139000",
        export=lambda o: o.phone,
    ),
    Column(
        "available",
        _t("可参与处置"),
        10,
        choices=(_t("是"), _t("否")),
        example=_t("是"),
        export=lambda o: _yes(o.available),
    ),
    REGION,
    *PLACE,
    OWNER,
    UPDATED,
]

MOVEMENTS = [
    Column("at", _t("时间"), 18, export=lambda m: _local(m.at)),
    Column("warehouse", _t("储备库"), 24, export=lambda m: m.supply.warehouse.name),
    Column("supply", _t("物资名称"), 18, export=lambda m: m.supply.name),
    Column("spec", _t("规格型号"), 12, export=lambda m: m.supply.spec),
    Column("batch", _t("批次"), 10, export=lambda m: m.supply.batch),
    Column("kind", _t("类型"), 10, export=lambda m: m.get_kind_display()),
    Column("delta", _t("数量变化"), 10, export=lambda m: m.delta),
    Column("balance", _t("变动后库存"), 10, export=lambda m: m.balance),
    Column("unit", _t("计量单位"), 8, export=lambda m: m.supply.unit),
    Column(
        "counterpart",
        _t("调入/调出库"),
        22,
        export=lambda m: m.counterpart.name if m.counterpart_id else "",
    ),
    Column("by", _t("经办人"), 12, export=lambda m: str(m.by)),
    Column("reason", _t("说明"), 30, export=lambda m: m.reason),
]

COLUMNS = {
    "team": TEAM,
    "warehouse": WAREHOUSE,
    "supply": SUPPLY,
    "equipment": EQUIPMENT,
    "shelter": SHELTER,
    "expert": EXPERT,
}
TITLES = {
    "team": gettext_lazy("救援队伍台账"),
    "warehouse": gettext_lazy("物资储备库台账"),
    "supply": gettext_lazy("应急物资台账"),
    "equipment": gettext_lazy("救援装备台账"),
    "shelter": gettext_lazy("避难场所台账"),
    "expert": gettext_lazy("应急专家台账"),
}
SELECT = {
    "team": selectors.teams,
    "warehouse": selectors.warehouses,
    "supply": selectors.supplies,
    "equipment": selectors.equipment,
    "shelter": selectors.shelters,
    "expert": selectors.experts,
}
RELATED = {
    "team": ("region", "enterprise"),
    "warehouse": ("region", "enterprise"),
    "supply": ("warehouse",),
    "equipment": ("region", "enterprise", "team", "warehouse"),
    "shelter": ("region", "enterprise"),
    "expert": ("region", "enterprise"),
}


def columns(kind: str) -> list[Column]:
    return COLUMNS[kind]


def about_lines(user, title) -> list[tuple[str, str]]:
    return [
        (_("台账"), str(title)),
        (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")),
        (_("导出人"), str(user)),
        (_("可见范围"), user.scope.label),
    ]


def write_resources(target, *, user, kind: str, queryset=None, about=None) -> int:
    """The ledger of ``kind``: ``queryset`` (a page's filtered list) or every record of the
    kind ``user`` sees; returns the row count."""
    queryset = SELECT[kind](user) if queryset is None else queryset
    return write_ledger(
        target,
        title=str(TITLES[kind]),
        columns=COLUMNS[kind],
        objects=queryset.select_related(*RELATED[kind]).iterator(chunk_size=2000),
        about=about or about_lines(user, TITLES[kind]),
    )


def write_movements(target, *, user, queryset=None, about=None) -> int:
    """The stock ledger (出入库台账): ``queryset`` or every movement ``user`` sees."""
    queryset = selectors.movements(user) if queryset is None else queryset
    title = gettext_lazy("出入库台账")
    return write_ledger(
        target,
        title=str(title),
        columns=MOVEMENTS,
        objects=queryset.iterator(chunk_size=2000),
        about=about or about_lines(user, title),
    )
