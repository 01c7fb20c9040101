"""The hazard API's schemas (``api.py`` keeps the endpoints: their operation ids are
built from the module's name). Separate In/Out schemas per endpoint."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema

from anjian.core.api import ActionOut, available_actions
from anjian.hazards.choices import ListingLevel, Source
from anjian.hazards.lifecycle import HAZARD
from anjian.hazards.models import Hazard, MeasureState


class ClauseRef(Schema):
    id: int
    code: str
    citation: str
    text: str


class PhotoOut(Schema):
    id: int
    stage: str
    taken_at: datetime | None
    uploaded_at: datetime


class HazardOut(Schema):
    id: int
    number: str = Field(description="隐患编号")
    enterprise_id: int | None = Field(description="所属单位；公共区域的隐患为空")
    enterprise_name: str | None = None
    place_id: int | None = Field(
        description="所属公共区域（路段、外立面、公共空间等）；单位的隐患为空"
    )
    place_name: str | None = None
    scope_region_code: str = Field(description="所属区划（网格或街镇）代码")
    industry: str = Field(alias="industry.code", description="监管行业代码")
    source: str = Field(description="、".join(f"{s.value} {s.label}" for s in Source))
    title: str
    description: str
    location: str
    category: str
    found_at: datetime
    grade: str = Field(description="空=未定级, general 一般, major 重大")
    state: str = Field(
        description="reported 待上账 / registered 已上账 / rectifying 整改中 / "
        "awaiting_acceptance 待验收 / closed 已销号 / void 已作废"
    )
    overdue: bool
    overdue_days: int
    deadline: date | None
    owner_name: str
    owner_phone: str
    measures: str
    funds: Decimal | None
    contingency_plan: str
    interim_measures: str
    rectification_note: str
    acceptance_note: str
    closed_at: datetime | None
    closed_on_time: bool | None
    fixed_on_spot: bool
    void_reason: str
    escalation_level: int
    version: int = Field(description="执行操作时原样带回，用于并发冲突检测")

    @staticmethod
    def resolve_overdue(obj: Hazard) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_enterprise_name(obj: Hazard) -> str | None:
        return obj.enterprise.name if obj.enterprise_id else None

    @staticmethod
    def resolve_place_name(obj: Hazard) -> str | None:
        return obj.place.name if obj.place_id else None


class HazardDetailOut(HazardOut):
    clauses: list[ClauseRef]
    photos: list[PhotoOut]
    actions: list[ActionOut] = Field(
        [],
        description="调用者现在可以执行的操作：流程转换（POST /{id}/<name>，close_on_spot 为 "
        "close-on-spot）与不改变状态的操作（photos、details、note、extension、"
        "extension_decide、escalate、listing、sign_off、revisit、merge）",
    )

    @staticmethod
    def resolve_actions(obj: Hazard, context) -> list:
        return available_actions(HAZARD, obj, context)

    @staticmethod
    def resolve_clauses(obj: Hazard):
        return [
            {"id": c.pk, "code": c.code, "citation": c.citation, "text": c.text}
            for c in obj.clauses.select_related("document")
        ]

    @staticmethod
    def resolve_photos(obj: Hazard):
        return list(obj.photos.all())


class HazardFilters(Schema):
    q: str | None = Field(None, description="搜索：编号、名称、描述、部位、单位")
    street: str | None = Field(None, description="街镇（或网格）区划代码前缀")
    district: str | None = Field(None, description="区区划代码")
    industry: str | None = Field(None, description="监管行业代码")
    enterprise: int | None = None
    place: int | None = Field(None, description="公共区域 id")
    owner: str | None = Field(
        None, description="责任主体：enterprise 生产经营单位 / place 公共区域"
    )
    state: list[str] = Field([], description="状态，可多个")
    grade: str | None = None
    source: str | None = None
    progress: str | None = Field(
        None, description="open/overdue/due_soon/closed/on_time/late/on_spot/listed/escalated"
    )
    month_from: str | None = Field(None, description="发现月份自 YYYY-MM")
    month_to: str | None = Field(None, description="发现月份至 YYYY-MM")
    sort: str | None = None


class ReportIn(Schema):
    enterprise_id: int | None = Field(None, description="所属单位（与 place_id 二者填一）")
    place_id: int | None = Field(None, description="所属公共区域（与 enterprise_id 二者填一）")
    report_key: UUID | None = Field(
        None,
        description="一次性提交键：同一用户以同一键重复提交（网络重试）只登记一次，"
        "返回第一次登记的隐患（200）",
    )
    source: str
    title: str
    description: str
    location: str
    category: str = ""
    found_at: datetime | None = None
    clause_ids: list[int] = Field([], description="符合的重大事故隐患判定条款；任一即为重大")
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class HazardVersionIn(Schema):
    version: int | None = Field(None, description="读取时的 version；省略则不检查")


class RegisterIn(HazardVersionIn):
    grade: str = Field(description="general / major")
    deadline: date
    owner_name: str
    owner_phone: str = ""
    measures: str
    clause_ids: list[int] | None = None
    funds: Decimal | None = Field(None, description="整改资金（万元），重大隐患必填")
    contingency_plan: str = ""
    interim_measures: str = ""


class SubmitIn(HazardVersionIn):
    rectification_note: str


class AcceptIn(HazardVersionIn):
    acceptance_note: str


class HazardReasonIn(HazardVersionIn):
    reason: str


class ExtensionIn(Schema):
    requested_deadline: date
    reason: str


class DecisionIn(Schema):
    approve: bool
    reason: str = ""


class ListingIn(Schema):
    level: str = Field(description="、".join(f"{x.value} {x.label}" for x in ListingLevel))
    authority: str
    document_number: str
    deadline: date
    requirements: str = ""


class ExtensionOut(Schema):
    id: int
    hazard_id: int
    current_deadline: date
    requested_deadline: date
    reason: str
    state: str
    decision_reason: str


class ListingOut(Schema):
    id: int
    hazard_id: int
    level: str
    authority: str
    document_number: str
    listed_on: date
    deadline: date
    state: str


class FiguresOut(Schema):
    found: int
    voided: int
    registered: int
    closed: int
    closed_on_time: int
    open: int
    major: int
    major_open: int
    on_spot: int
    overdue: int
    overdue_major: int
    due_soon: int
    registered_rate: float | None = Field(description="上账率 %")
    rectification_rate: float | None = Field(description="整改率 %")
    on_time_rate: float | None = Field(description="按期整改率 %")
    average_days: float | None = Field(description="平均整改用时（天）")
    by_source: dict[str, dict[str, int]]


class SignOffIn(Schema):
    note: str


class RevisitIn(Schema):
    result: str = Field(description="sustained 整改成效巩固 / relapsed 隐患反弹")
    note: str


class RevisitOut(Schema):
    id: int
    hazard_id: int
    due_on: date
    sampled: bool
    state: str
    result: str
    note: str


class DuplicateOut(Schema):
    id: int
    hazard_id: int
    other_id: int
    similarity: float
    state: str


class HazardEventOut(Schema):
    action: str
    from_state: str
    to_state: str
    by: str | None = Field(None, alias="by.username")
    at: datetime
    reason: str
    data: dict


class HazardCorrectionIn(Schema):
    version: int = Field(description="读取时的 version")
    title: str | None = None
    description: str | None = None
    location: str | None = None
    category: str | None = Field(None, description="危险有害因素类别：空/1/2/3/4")
    clause_ids: list[int] | None = Field(
        None, description="重大事故隐患判定条款（整体替换）；任一即为重大"
    )


class HazardNoteIn(Schema):
    note: str = Field(description="补充说明（写入处理记录，不改变登记内容）")


class SystemMeasureOut(Schema):
    id: int
    region: str = Field(alias="region_id", description="区划代码")
    region_name: str = Field(alias="region.name")
    industry: str | None = Field(None, description="监管行业代码（可空：不限行业）")
    problem: str = Field(description="共性问题/突出隐患")
    measure: str = Field(description="制度措施")
    lead_unit: str = Field(description="牵头单位")
    partner_units: str = Field(description="责任单位")
    deadline: date = Field(description="完成时限")
    state: str = Field(description="、".join(f"{s.value} {s.label}" for s in MeasureState))
    progress: str = Field(description="落实情况")
    hazard_ids: list[int] = Field(description="关联隐患")
    created_at: datetime
    version: int = Field(description="修改时原样带回，用于并发冲突检测")

    @staticmethod
    def resolve_industry(obj) -> str | None:
        return obj.industry.code if obj.industry_id else None

    @staticmethod
    def resolve_hazard_ids(obj) -> list[int]:
        return [hazard.pk for hazard in obj.hazards.all()]


class SystemMeasureIn(Schema):
    region: str = Field(description="区划代码（须在您的管辖范围内）")
    industry: str | None = Field(None, description="监管行业代码；空=不限行业")
    problem: str
    measure: str
    lead_unit: str
    partner_units: str = ""
    deadline: date
    state: str = MeasureState.IN_PROGRESS
    progress: str = ""
    hazard_ids: list[int] = Field([], description="关联隐患（须在您的管辖范围内）")


class SystemMeasureUpdateIn(SystemMeasureIn):
    version: int = Field(description="读取时的 version")
