"""Schemas of /api/v1/specialwork: permits with the facts their grade was computed from, why
it is that grade, what the permit still needs, its gas analyses and approvals; the bodies
that apply, analyse, sign and move a permit; the figures by kind and grade.

Every class name starts with ``Specialwork``: a schema's class name is its name in the one
OpenAPI document. Bodies are strict (an unknown field is 422 "不允许的字段"); coded values
are plain strings checked by the services (kind, place, role) or by ``query_choice``.
Numbers are decimals (a load sent as text is 422 on that field); times are ISO 8601 (a time
without a zone is Shanghai time)."""

from datetime import date, datetime
from decimal import Decimal
from functools import wraps

from django.core.exceptions import ValidationError
from ninja import Field, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from anjian.core.api import ActionOut, available_actions
from anjian.specialwork import gates, gb30871
from anjian.specialwork.choices import ApproverRole, Grade, HeightHazard, HotPlace, Kind, State
from anjian.specialwork.lifecycle import PERMIT


def listed(choices) -> str:
    return "、".join(f"{value} {label}" for value, label in choices.choices)


def query_choice(name: str, value, choices) -> None:
    """A 422 naming the query parameter ``name`` when ``value`` is not one of ``choices``."""
    if value and value not in choices:
        raise HttpError(422, f"{name}：未知的值“{value}”（可选：{'、'.join(choices)}）")


# The services name a related record without ``_id`` (``unit``); the bodies send the id.
BODY_FIELDS = {"enterprise": "enterprise_id", "unit": "unit_id", "source": "source_id"}


def named_fields(view):
    """A service's ValidationError names the body's fields (``BODY_FIELDS``), so a 422
    points at what the client sent."""

    @wraps(view)
    def renamed(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            raise ValidationError(
                {BODY_FIELDS.get(f, f): messages for f, messages in error.message_dict.items()}
            ) from None

    return renamed


def body_data(payload: Schema, *, unset: bool = False) -> dict:
    """A body as the services take it (``unit_id`` → ``unit`` …)."""
    data = payload.dict(exclude_unset=unset)
    data.pop("version", None)
    for field, sent in BODY_FIELDS.items():
        if sent in data:
            data[field] = data.pop(sent)
    return data


class SpecialworkStrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


VERSION_HELP = "读取时的 version（必填；已被他人修改时返回 409）"


class SpecialworkVersionIn(SpecialworkStrictIn):
    version: int = Field(description=VERSION_HELP)


class SpecialworkReasonIn(SpecialworkVersionIn):
    reason: str = Field(description="原因（必填）")


class SpecialworkCloseIn(SpecialworkVersionIn):
    note: str = Field("", description="完工验收说明（可选）")


class SpecialworkProgressIn(SpecialworkStrictIn):
    note: str = Field(description="作业记录（必填），如检测数据、作业进展")


# --- permits -----------------------------------------------------------------------------------


class SpecialworkPermitFilters(Schema):
    q: str | None = Field(None, description="编号、作业地点或单位名称")
    kind: str | None = Field(None, description="作业类别：" + listed(Kind))
    grade: str | None = Field(None, description="作业级别：" + listed(Grade))
    state: str | None = Field(
        None, description="状态：" + listed(State) + "；submitted 已提交（不含草稿）；open 有效"
    )
    enterprise_id: int | None = Field(None, description="单位")
    street: str | None = Field(None, description="区划代码（区或街道，按前缀）")
    date_from: date | None = Field(None, description="计划开始日期自")
    date_to: date | None = Field(None, description="计划开始日期至")


class SpecialworkPermitOut(Schema):
    id: int
    number: str = Field(description="作业票编号")
    kind: str = Field(description=listed(Kind))
    kind_label: str
    grade: str = Field(description="作业级别（不分级的为空）：" + listed(Grade))
    grade_label: str = Field(description="如“特级动火作业”“Ⅱ级高处作业”“受限空间作业”")
    state: str = Field(description=listed(State))
    state_label: str
    enterprise_id: int
    enterprise_name: str
    place: str = Field(description="作业地点")
    planned_start: datetime
    planned_end: datetime
    valid_until: datetime = Field(description="有效期至（按类别和级别计算）")
    guardian: str = Field(description="监护人")
    version: int

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_grade_label(obj) -> str:
        return obj.grade_label

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return obj.enterprise.name


class SpecialworkStepOut(Schema):
    stage: str = Field(description="countersign 审核会签、approve 审批")
    role: str = Field(description=listed(ApproverRole))
    label: str
    signed: bool = Field(description="已同意且未撤回")


class SpecialworkGateOut(Schema):
    label: str
    ok: bool
    reason: str | None = Field(description="不满足时的原因")


class SpecialworkAnalysisOut(Schema):
    id: int
    taken_at: datetime
    point: str
    lel_percent: Decimal | None
    flammable_percent: Decimal | None
    oxygen_percent: Decimal | None
    toxic_name: str
    toxic_value: Decimal | None
    toxic_limit: Decimal | None
    toxic_unit: str
    passed: bool = Field(description="合格（按 GB 30871-2022 5.3.2、6.4 判定）")
    checks: list[dict] = Field(description="逐项判定：what、measured、limit、ok")
    analyst: str


class SpecialworkApprovalOut(Schema):
    id: int
    stage: str
    role: str
    role_label: str
    person: str
    at: datetime
    agreed: bool
    opinion: str
    withdrawn: bool = Field(description="退回修改时撤回")

    @staticmethod
    def resolve_role_label(obj) -> str:
        return obj.get_role_display()


class SpecialworkPermitDetailOut(SpecialworkPermitOut):
    grade_reasons: list[str] = Field(description="定级依据（逐条）")
    edition: str = Field(description="依据标准及版本")
    hot_place: str = Field(description="动火部位：" + listed(HotPlace))
    shutdown_approved: bool
    night_work: bool
    strong_wind: bool
    other_special: bool
    rest_days: list[str] = Field(description="作业时段内的节假日、公休日")
    height_m: Decimal | None
    height_hazards: list[str] = Field(description=listed(HeightHazard))
    load_t: Decimal | None
    hazard_area: bool
    long_use: bool
    deep_near_lines: bool
    oxygen_rich: bool
    unit_id: int | None = Field(description="危化品单元")
    source_id: int | None = Field(description="重大危险源")
    content: str
    workers: list[str]
    applicant: str
    started_at: datetime | None
    paused_at: datetime | None
    ended_at: datetime | None
    validity: str = Field(description="有效期规定")
    readings_needed: list[str] = Field(description="作业前气体分析须包含：flammable、oxygen")
    approvals_needed: list[SpecialworkStepOut] = Field(description="附录B 表B.1 的审批环节")
    gates: list[SpecialworkGateOut] = Field(description="开始（或恢复）作业的条件")
    analyses: list[SpecialworkAnalysisOut]
    approvals: list[SpecialworkApprovalOut]
    actions: list[ActionOut] = Field(description="调用者现在可以做的")

    @staticmethod
    def resolve_applicant(obj) -> str:
        return str(obj.applicant)

    @staticmethod
    def resolve_validity(obj) -> str:
        return gb30871.validity_words(obj.kind, obj.grade, gates.facts_of(obj))

    @staticmethod
    def resolve_readings_needed(obj) -> list[str]:
        return list(gb30871.readings_needed(obj.kind, gates.facts_of(obj)))

    @staticmethod
    def resolve_approvals_needed(obj) -> list[dict]:
        signed = gates.signatures(obj)
        return [
            {
                "stage": step.stage,
                "role": step.role,
                "label": str(step),
                "signed": step.key in signed and signed[step.key].agreed,
            }
            for step in gates.steps(obj)
        ]

    @staticmethod
    def resolve_gates(obj) -> list[dict]:
        found = gates.resume_gates(obj) if obj.state == State.PAUSED else gates.start_gates(obj)
        return [{"label": g.label, "ok": g.ok, "reason": g.reason} for g in found]

    @staticmethod
    def resolve_analyses(obj) -> list:
        return list(obj.analyses.order_by("-taken_at", "-id"))

    @staticmethod
    def resolve_approvals(obj) -> list:
        return list(obj.approvals.order_by("at", "id"))

    @staticmethod
    def resolve_actions(obj, context) -> list:
        return available_actions(PERMIT, obj, context)


class SpecialworkPermitFieldsIn(SpecialworkStrictIn):
    kind: str = Field(description=listed(Kind))
    hot_place: str = Field("", description="动火部位（动火作业）：" + listed(HotPlace))
    shutdown_approved: bool = Field(False, description="动火：已停车置换隔离，经批准按二级管理")
    night_work: bool = Field(False, description="动火：夜间作业（开始或结束在22—6时的自动认定）")
    strong_wind: bool = Field(False, description="动火：五级风以上室外动火")
    other_special: bool = Field(False, description="动火：其他特殊情况")
    height_m: Decimal | None = Field(None, description="高处作业：作业高度（米，≥2）")
    height_hazards: list[str] = Field(
        [], description="高处作业：客观危险因素：" + listed(HeightHazard)
    )
    load_t: Decimal | None = Field(None, description="吊装作业：吊物质量（吨，≥10）")
    hazard_area: bool = Field(False, description="临时用电：在运行装置的火灾爆炸危险场所内")
    long_use: bool = Field(False, description="临时用电：特殊情况，期限至30天")
    deep_near_lines: bool = Field(False, description="动土：深度超过1.2米且可能有可燃有毒管线")
    oxygen_rich: bool = Field(False, description="动火、受限空间：富氧环境或氧气设备")
    unit_id: int | None = Field(None, description="本单位的危化品单元")
    source_id: int | None = Field(None, description="本单位的重大危险源")
    place: str = Field(description="作业地点")
    content: str = Field(description="作业内容")
    planned_start: datetime = Field(description="计划开始时间")
    planned_end: datetime = Field(description="计划结束时间（不超过有效期）")
    guardian: str = Field(description="监护人")
    workers: list[str] = Field(description="作业人员")


class SpecialworkPermitIn(SpecialworkPermitFieldsIn):
    enterprise_id: int | None = Field(
        None, description="作业单位（企业用户省略：总是本单位；管理员必填）"
    )


class SpecialworkPermitUpdateIn(SpecialworkVersionIn):
    kind: str | None = None
    hot_place: str | None = None
    shutdown_approved: bool | None = None
    night_work: bool | None = None
    strong_wind: bool | None = None
    other_special: bool | None = None
    height_m: Decimal | None = None
    height_hazards: list[str] | None = None
    load_t: Decimal | None = None
    hazard_area: bool | None = None
    long_use: bool | None = None
    deep_near_lines: bool | None = None
    oxygen_rich: bool | None = None
    unit_id: int | None = None
    source_id: int | None = None
    place: str | None = None
    content: str | None = None
    planned_start: datetime | None = None
    planned_end: datetime | None = None
    guardian: str | None = None
    workers: list[str] | None = None


class SpecialworkAnalysisIn(SpecialworkStrictIn):
    taken_at: datetime = Field(description="取样时间（不晚于现在）")
    point: str = Field(description="取样部位")
    lel_percent: Decimal | None = Field(None, description="可燃介质爆炸下限（%，体积分数）")
    flammable_percent: Decimal | None = Field(
        None, description="可燃气体浓度（%，体积分数，不是%LEL）"
    )
    oxygen_percent: Decimal | None = Field(None, description="氧含量（%，体积分数）")
    toxic_name: str = Field("", description="有毒物质名称")
    toxic_value: Decimal | None = Field(None, description="有毒物质浓度")
    toxic_limit: Decimal | None = Field(None, description="容许浓度（分析人按GBZ 2.1填写）")
    toxic_unit: str = Field("", description="mg/m³ 或 ppm")
    analyst: str = Field(description="分析人")


class SpecialworkApprovalIn(SpecialworkVersionIn):
    stage: str = Field("approve", description="countersign 审核会签、approve 审批")
    role: str = Field(description="附录B 表B.1 的角色：" + listed(ApproverRole))
    person: str = Field("", description="签字人（省略时取审批人设置）")
    agreed: bool = Field(description="同意；不同意则退回修改，已有签字撤回")
    opinion: str = Field(description="意见（必填）")


# --- figures -----------------------------------------------------------------------------------


class SpecialworkFigureOut(Schema):
    key: str = Field(description="作业类别、级别或状态的代码")
    label: str
    count: int
    list_query: dict = Field(description="列表（页面或 /permits）显示这些作业票的条件")


class SpecialworkKindFiguresOut(Schema):
    kind: str
    label: str
    count: int
    list_query: dict
    grades: list[SpecialworkFigureOut]


class SpecialworkFiguresOut(Schema):
    date_from: date | None
    date_to: date | None
    total: int
    kinds: list[SpecialworkKindFiguresOut]
    states: list[SpecialworkFigureOut]


class SpecialworkFiguresFilters(Schema):
    date_from: date | None = Field(None, description="计划开始日期自")
    date_to: date | None = Field(None, description="计划开始日期至")
    street: str | None = Field(None, description="区划代码（区或街道，按前缀）")
