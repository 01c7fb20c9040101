"""The /api/v1 risk schemas: one In/Out pair per endpoint, the list filters with the list
page's names. ``api`` declares the operations."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from anjian.risks import selectors


class EnterpriseRef(Schema):
    id: int
    name: str


class CodeRef(Schema):
    code: str
    name: str


class GradeOut(Schema):
    method: str = Field(description="lec / ls")
    score: Decimal
    level: str = Field(description="red 重大 / orange 较大 / yellow 一般 / blue 低")


class RiskPointOut(Schema):
    id: int
    enterprise: EnterpriseRef
    street: CodeRef
    industry: CodeRef
    name: str = Field(description="风险点名称")
    kind: str = Field(
        description="area 区域/场所 / equipment 设备设施 / activity 作业活动 / post 岗位"
    )
    location: str
    hazard_factors: str
    factor_class: str = Field(description="GB/T 13861 大类：1 人 / 2 物 / 3 环境 / 4 管理")
    accident_types: list[str] = Field(description="GB 6441 事故类别代码 01–20")
    control_level: str = Field(description="company / workshop / team / post")
    owner_name: str
    owner_phone: str
    emergency_phone: str
    reassess_due: date | None
    status: str = Field(description="active 在用 / retired 已注销")
    retire_reason: str
    inherent: GradeOut | None = Field(description="最近一次固有风险评估")
    residual: GradeOut | None = Field(description="最近一次剩余风险评估")
    current_level: str = Field(description="风险等级：有剩余风险评估取剩余，否则取固有；空为未评估")
    last_assessed_at: datetime | None
    version: int = Field(description="修改、注销时原样带回，用于并发冲突检测")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_street(obj):
        return obj.enterprise.street

    @staticmethod
    def resolve_accident_types(obj):
        return obj.accident_type_list

    @staticmethod
    def resolve_inherent(obj):
        if not obj.inherent_level:
            return None
        return {
            "method": obj.inherent_method,
            "score": obj.inherent_score,
            "level": obj.inherent_level,
        }

    @staticmethod
    def resolve_residual(obj):
        if not obj.residual_level:
            return None
        return {
            "method": obj.residual_method,
            "score": obj.residual_score,
            "level": obj.residual_level,
        }


class AssessmentOut(Schema):
    id: int
    method: str
    stage: str = Field(description="inherent 固有 / residual 剩余")
    l: Decimal | None = Field(None, alias="l_value")  # noqa: E741
    e: Decimal | None = Field(None, alias="e_value")
    c: Decimal | None = Field(None, alias="c_value")
    s: Decimal | None = Field(None, alias="s_value")
    score: Decimal
    level: str
    band_table: str = Field(description="所用分级标准及版本")
    band_table_version: int
    assessed_by: str
    assessed_at: datetime
    note: str

    @staticmethod
    def resolve_band_table(obj):
        return str(obj.band_table)

    @staticmethod
    def resolve_band_table_version(obj):
        return obj.band_table.version

    @staticmethod
    def resolve_assessed_by(obj):
        return str(obj.assessed_by)


class RiskMeasureOut(Schema):
    id: int
    kind: str = Field(description="engineering / management / training / ppe / emergency")
    text: str
    level: str
    owner_name: str
    owner_phone: str
    sort_order: int
    is_active: bool
    deactivate_reason: str
    version: int


class RiskPointDetailOut(RiskPointOut):
    measures: list[RiskMeasureOut]
    assessments: list[AssessmentOut]

    @staticmethod
    def resolve_measures(obj):
        return list(obj.measures.order_by("sort_order", "id"))

    @staticmethod
    def resolve_assessments(obj):
        return list(selectors.assessments_of(obj))


class RiskPointFilters(Schema):
    """The list page's filters, with the same names and meaning."""

    q: str | None = Field(None, description="搜索：风险点、部位、危险因素、单位、责任人")
    street: str | None = Field(None, description="街镇区划代码")
    industry: str | None = Field(None, description="监管行业代码")
    enterprise: int | None = Field(None, description="单位 id")
    enterprise_name: str | None = Field(None, description="单位名称包含")
    level: str | None = Field(None, description="red/orange/yellow/blue，none 为未评估")
    kind: str | None = None
    due: str | None = Field(None, description="复评：overdue/soon/ok/none")
    status: str | None = Field(None, description="省略为在用；retired 已注销；all 全部")
    sort: str | None = Field(
        None, description="level/name/enterprise/reassess_due/updated_at，前加 - 为倒序"
    )


class RiskPointIn(Schema):
    enterprise: int | None = Field(None, description="单位 id；企业用户可省略（本单位）")
    name: str
    kind: str
    location: str = ""
    hazard_factors: str
    factor_class: str
    accident_types: list[str] = Field(description='GB 6441 事故类别代码，如 ["08", "19"]')
    control_level: str
    owner_name: str
    owner_phone: str
    emergency_phone: str = ""
    reassess_due: date | None = None


class RiskPointPatch(Schema):
    """Only the fields to change, plus the version read earlier (409 if it moved on)."""

    version: int
    name: str | None = None
    kind: str | None = None
    location: str | None = None
    hazard_factors: str | None = None
    factor_class: str | None = None
    accident_types: list[str] | None = None
    control_level: str | None = None
    owner_name: str | None = None
    owner_phone: str | None = None
    emergency_phone: str | None = None
    reassess_due: date | None = None


class RetireIn(Schema):
    version: int
    reason: str


class AssessIn(Schema):
    method: str = Field(description="lec（填 l、e、c）或 ls（填 l、s）")
    stage: str = Field("inherent", description="inherent 固有风险 / residual 剩余风险")
    l: Decimal | None = None  # noqa: E741
    e: Decimal | None = None
    c: Decimal | None = None
    s: Decimal | None = None
    note: str = ""
    reassess_due: date | None = Field(None, description="下次评估日期，省略为一年后")


class RiskMeasureIn(Schema):
    kind: str
    text: str
    level: str
    owner_name: str
    owner_phone: str = ""
    sort_order: int | None = None


class RiskMeasurePatch(Schema):
    version: int
    kind: str | None = None
    text: str | None = None
    level: str | None = None
    owner_name: str | None = None
    owner_phone: str | None = None
    sort_order: int | None = None


class DeactivateIn(Schema):
    reason: str
    version: int | None = None


class BandOut(Schema):
    level: str
    limit: Decimal | None = Field(description="本级下限（与下一级的分界值）；低风险为空")
    range: str = Field(description="如 160 < D ≤ 320")


class FactorValueOut(Schema):
    value: Decimal
    label: str


class BandTableOut(Schema):
    id: int
    method: str
    version: int
    current: bool = Field(description="是否为现行版本")
    boundary_rule: str = Field(description="lower 边界值归入较低等级 / upper 归入较高等级")
    bands: list[BandOut]
    factors: dict[str, list[FactorValueOut]]
    source: str
    edition: str
    note: str
    published_at: datetime


class LibraryMeasureOut(Schema):
    kind: str
    level: str
    text: str


class LibraryEntryOut(Schema):
    id: int
    code: str
    topic: str
    name: str
    kind: str
    location_hint: str
    industry_codes: list[str]
    flags: list[str] = Field(description="适用的重点对象标识（单位的 involves_hazchem 等）")
    is_generic: bool
    hazard_factors: str
    factor_class: str
    accident_types: list[str]
    method: str
    l: Decimal | None = Field(None, alias="l_value")  # noqa: E741
    e: Decimal | None = Field(None, alias="e_value")
    c: Decimal | None = Field(None, alias="c_value")
    s: Decimal | None = Field(None, alias="s_value")
    control_level: str
    measures: list[LibraryMeasureOut]
    basis: str

    @staticmethod
    def resolve_industry_codes(obj):
        return obj.industry_code_list

    @staticmethod
    def resolve_flags(obj):
        return obj.flag_list

    @staticmethod
    def resolve_accident_types(obj):
        return [code for code in obj.accident_types.split(",") if code]
