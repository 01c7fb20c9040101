"""The accident API's schemas (``api.py`` keeps the endpoints: their operation ids are built
from the module's name). Separate In/Out schemas per endpoint, every name prefixed
``Accident`` (a schema's class name is its name in the one OpenAPI document).

The In schemas refuse fields they do not know (422 "不允许的字段"): a misspelt figure
(``"death": 3``) silently left out would file the accident with no deaths and the wrong
grade and chain.
"""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from anjian.accidents import grading, selectors
from anjian.accidents.choices import (
    AccidentType,
    Category,
    FlagKind,
    Grade,
    Level,
    Nature,
    Rating,
)
from anjian.accidents.lifecycle import ACCIDENT
from anjian.accidents.models import Accident, AccidentState
from anjian.core import outbox
from anjian.core.api import ActionOut, available_actions


def listed(choices) -> str:
    return "、".join(f"{value} {label}" for value, label in choices.choices)


def _name(user) -> str | None:
    return (user.name or user.username) if user is not None else None


# --- out -----------------------------------------------------------------------------------


class AccidentOut(Schema):
    """One line of the list: what happened, where, the figures, the grade and the state."""

    id: int
    number: str = Field(description="事故编号")
    region_code: str = Field(description="发生地（街镇或网格）区划代码")
    enterprise_id: int | None = Field(description="事故单位 id（登记在册的单位）")
    unit_name: str = Field(description="事故单位名称")
    occurred_at: datetime
    known_at: datetime = Field(description="单位负责人接报时间（逐级上报时限由此起算）")
    place: str
    accident_type: str = Field(description="GB 6441 事故类别：" + listed(AccidentType))
    accident_type_label: str
    category: str = Field(description="统计类别：" + listed(Category))
    category_label: str
    deaths: int
    missing: int
    serious_injuries: int
    minor_injuries: int
    direct_loss: int = Field(description="直接经济损失（元）")
    grade: str = Field(description="事故等级（493号令第三条）：" + listed(Grade))
    grade_label: str
    state: str = Field(description=listed(AccidentState))
    state_label: str
    version: int = Field(description="续报和办理各环节时原样带回，用于并发冲突检测")

    @staticmethod
    def resolve_accident_type_label(obj: Accident) -> str:
        return obj.get_accident_type_display()

    @staticmethod
    def resolve_category_label(obj: Accident) -> str:
        return obj.get_category_display()

    @staticmethod
    def resolve_grade_label(obj: Accident) -> str:
        return obj.get_grade_display()

    @staticmethod
    def resolve_state_label(obj: Accident) -> str:
        return obj.get_state_display()


class AccidentChainStepOut(Schema):
    level: str = Field(description=listed(Level))
    level_label: str
    required: bool = Field(description="按现等级须报告到此层级")
    due_at: datetime = Field(description="报告时限")
    informed_at: datetime | None = Field(description="报告时间")
    recipient: str = Field(description="接报单位及接报人")
    channel: str = Field(description="报告方式")
    status: str = Field(
        description="informed 按时报告 / late 迟报 / due 待报告 / overdue 已超时未报告 / "
        "not_required 按现等级无须报告"
    )
    status_label: str


class AccidentReportOut(Schema):
    """The quick report or a follow-up, with the figures it gave."""

    sequence: int
    kind: str = Field(description="quick 快报 / follow_up 续报")
    kind_label: str
    reported_at: datetime
    reported_by: str | None = Field(description="报告人")
    deaths: int
    missing: int
    serious_injuries: int
    minor_injuries: int
    direct_loss: int = Field(description="直接经济损失（元）")
    grade: str = Field(description="据此定级")
    previous_grade: str = Field(description="此次报告前的等级（等级变化时）")
    content: str
    reason: str = Field(description="伤亡人数或损失减少的原因")
    after_window: bool = Field(description="伤亡变化超过补报期限（30日；道路交通、火灾7日）")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_reported_by(obj) -> str | None:
        return _name(obj.reported_by)


class AccidentFlagOut(Schema):
    id: int
    kind: str = Field(description=listed(FlagKind))
    kind_label: str
    reason: str = Field(description="认定理由")
    set_by: str | None = Field(description="认定人；空表示系统按报告时限自动标记")
    set_at: datetime
    withdrawn: bool = Field(description="已撤销（撤销的标记保留在记录中）")
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    withdrawn_reason: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_set_by(obj) -> str | None:
        return _name(obj.set_by)

    @staticmethod
    def resolve_withdrawn(obj) -> bool:
        return obj.withdrawn_at is not None

    @staticmethod
    def resolve_withdrawn_by(obj) -> str | None:
        return _name(obj.withdrawn_by)


class AccidentInvestigationOut(Schema):
    led_by: str = Field(description="组织调查的人民政府层级：" + listed(Level))
    led_by_label: str
    entrusted_to_unit: bool = Field(description="委托事故单位调查")
    leader: str
    members: str
    started_on: date
    due_on: date = Field(description="调查报告期限（含延期，技术鉴定天数不计入）")
    extension_days: int = Field(description="延长天数（只能延长一次）")
    extension_reason: str
    appraisal_days: int = Field(description="技术鉴定天数")
    submitted_on: date | None = Field(description="调查报告提交日期")
    cause: str
    nature: str = Field(description="事故性质：" + listed(Nature))
    findings: str = Field(description="调查报告摘要")
    replied_on: date | None = Field(description="批复日期")
    version: int = Field(description="修改调查信息（PATCH）时原样带回")

    @staticmethod
    def resolve_led_by_label(obj) -> str:
        return obj.get_led_by_display()


class AccidentResponsibilityOut(Schema):
    id: int
    party: str = Field(description="责任单位或人员")
    is_person: bool
    finding: str = Field(description="责任认定")
    handling: str = Field(description="处理意见")
    fine: int | None = Field(description="罚款（元）")


class AccidentMeasureOut(Schema):
    id: int
    description: str = Field(description="整改措施")
    responsible: str = Field(description="责任单位")
    due_on: date
    state: str = Field(description="open 落实中 / done 已落实")
    state_label: str
    overdue: bool
    done_on: date | None
    done_note: str = Field(description="落实情况")
    version: int

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()


class AccidentEvaluationOut(Schema):
    due_on: date = Field(description="评估期限（批复后一年）")
    evaluated_on: date
    rating: str = Field(description=listed(Rating))
    rating_label: str
    conclusion: str
    evaluated_by: str | None

    @staticmethod
    def resolve_rating_label(obj) -> str:
        return obj.get_rating_display()

    @staticmethod
    def resolve_evaluated_by(obj) -> str | None:
        return _name(obj.evaluated_by)


class AccidentDeliveryOut(Schema):
    """A 直报 message to an upper-level system (the outbox) and whether it arrived."""

    message_id: UUID = Field(description="消息编号（接收方据此去重）")
    receiver: str = Field(description="接收系统")
    topic: str = Field(description="accident.quick_report 快报 / accident.follow_up 续报")
    state: str = Field(description="pending 待送达 / delivered 已送达")
    state_label: str = Field(description="如“已送达 10:01”“待重试（第3次失败：HTTP 503）”")
    attempts: int
    last_error: str
    created_at: datetime
    delivered_at: datetime | None

    @staticmethod
    def resolve_state_label(obj) -> str:
        return outbox.state_label(obj)


class AccidentDetailOut(AccidentOut):
    region_name: str = Field(alias="region.name")
    latitude: Decimal | None
    longitude: Decimal | None
    larger_risk: bool = Field(description="较大涉险事故")
    summary: str = Field(description="事故简要经过")
    measures_taken: str = Field(description="已采取的措施")
    grade_reasons: list[str] = Field(description="决定等级的指标，如“死亡（含失踪）3人”")
    window_ends_at: datetime = Field(description="伤亡变化补报期限")
    reported_at: datetime = Field(description="快报时间")
    reported_by: str | None = Field(description="快报人")
    chain: list[AccidentChainStepOut] = Field(description="逐级上报：各层级的时限和报告情况")
    reports: list[AccidentReportOut] = Field(description="快报和续报（伤亡人数的变化）")
    flags: list[AccidentFlagOut] = Field(description="迟报/漏报/谎报/瞒报（含已撤销的）")
    investigation: AccidentInvestigationOut | None
    responsibilities: list[AccidentResponsibilityOut]
    measures: list[AccidentMeasureOut] = Field(description="整改措施")
    evaluation: AccidentEvaluationOut | None = Field(description="整改措施落实后评估")
    deliveries: list[AccidentDeliveryOut] = Field(
        description="直报上级系统的消息及送达情况（未配置接收系统时为空）"
    )
    actions: list[ActionOut] = Field(
        description="调用者现在可以执行的操作：流程转换 investigate、close、evaluate、void"
        "（POST /{id}/investigation、/close、/evaluation、/void）与不改变状态的操作 "
        "follow_up、inform、flag、investigation、measure"
    )

    @staticmethod
    def resolve_grade_reasons(obj: Accident) -> list[str]:
        return grading.reasons(
            grading.Casualties(
                deaths=obj.deaths,
                missing=obj.missing,
                serious_injuries=obj.serious_injuries,
                minor_injuries=obj.minor_injuries,
                direct_loss=obj.direct_loss,
            )
        )

    @staticmethod
    def resolve_reported_by(obj: Accident) -> str | None:
        return _name(obj.reported_by)

    @staticmethod
    def resolve_chain(obj: Accident) -> list[dict]:
        return [
            {
                "level": line.step.level,
                "level_label": line.step.get_level_display(),
                "required": line.step.required,
                "due_at": line.step.due_at,
                "informed_at": line.step.informed_at,
                "recipient": line.step.recipient,
                "channel": line.step.channel,
                "status": line.status,
                "status_label": line.label,
            }
            for line in selectors.chain(obj)
        ]

    @staticmethod
    def resolve_reports(obj: Accident) -> list:
        return list(obj.reports.select_related("reported_by").order_by("sequence"))

    @staticmethod
    def resolve_flags(obj: Accident) -> list:
        return list(obj.flags.select_related("set_by", "withdrawn_by"))

    @staticmethod
    def resolve_investigation(obj: Accident):
        return getattr(obj, "investigation", None)

    @staticmethod
    def resolve_responsibilities(obj: Accident) -> list:
        return list(obj.responsibilities.all())

    @staticmethod
    def resolve_measures(obj: Accident) -> list:
        return list(obj.measures.all())

    @staticmethod
    def resolve_evaluation(obj: Accident):
        return getattr(obj, "evaluation", None)

    @staticmethod
    def resolve_deliveries(obj: Accident) -> list:
        return list(outbox.messages_for(obj))

    @staticmethod
    def resolve_actions(obj: Accident, context) -> list:
        return available_actions(ACCIDENT, obj, context)


# --- in ------------------------------------------------------------------------------------


class AccidentFilters(Schema):
    """The list's filters: the same as the list page and the indicators' drill-down."""

    region: str | None = Field(None, description="区划代码前缀（区、街镇或网格）")
    year: int | None = Field(None, description="发生年份")
    month: int | None = Field(None, description="发生月份 1–12（与 year 同用）")
    through_month: int | None = Field(
        None, description="与 year 同用：1 月至该月（累计，如指标的年初至今）"
    )
    group: str | None = Field(
        None, description="all 全部 / industry_trade 工矿商贸 / road 道路交通"
    )
    category: str | None = Field(None, description="统计类别")
    grade: list[str] = Field([], description="事故等级（可重复：任一等级）")
    grade_at_least: str | None = Field(None, description="该等级及以上，如 larger：较大及以上")
    state: str | None = Field(None, description=listed(AccidentState))
    counted: bool = Field(False, description="true：只列统计在内的（不含已作废）")
    q: str | None = Field(None, description="搜索：事故编号、单位名称、发生地点")


class _StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class AccidentFiguresIn(_StrictIn):
    deaths: int = Field(0, ge=0, description="死亡人数")
    missing: int = Field(0, ge=0, description="失踪人数")
    serious_injuries: int = Field(0, ge=0, description="重伤人数（含急性工业中毒）")
    minor_injuries: int = Field(0, ge=0, description="轻伤人数")
    direct_loss: Decimal = Field(0, ge=0, description="直接经济损失（元，不是万元）")


class AccidentReportIn(AccidentFiguresIn):
    """快报: the figures as known now; grade and chain are computed from them."""

    enterprise_id: int | None = Field(
        None, description="事故单位 id（登记在册的单位，须在管辖范围内）；企业用户为本单位"
    )
    region: str | None = Field(
        None,
        description="事故发生地（街镇或网格区划代码，须在管辖范围内）；填 enterprise_id 时可省略，"
        "为该单位所在街镇",
    )
    unit_name: str = Field("", description="事故单位名称；填 enterprise_id 时可省略")
    occurred_at: datetime = Field(description="发生时间（带时区，如 2026-03-01T08:30:00+08:00）")
    known_at: datetime | None = Field(
        None, description="单位负责人接报时间；省略为发生时间（逐级上报时限由此起算）"
    )
    place: str = Field(description="发生地点")
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    accident_type: str = Field(description="GB 6441 事故类别：" + listed(AccidentType))
    category: str = Field(description="统计类别：" + listed(Category))
    larger_risk: bool = Field(False, description="较大涉险事故")
    summary: str = Field(description="事故简要经过")
    measures_taken: str = Field("", description="已采取的措施")
    report_token: UUID | None = Field(
        None,
        description="一次性提交键：同一用户以同一键重复提交（网络重试、重复点击）只登记一次，"
        "返回第一次登记的事故（200）",
    )


class AccidentFollowUpIn(_StrictIn):
    """续报: only the figures that changed need be sent; the others stay as they are."""

    version: int | None = Field(None, description="读取时的 version；省略则不做并发检查")
    content: str = Field(description="续报内容：事故进展、救援和善后情况")
    reason: str = Field("", description="伤亡人数或损失减少时必填（如失踪人员已找到）")
    deaths: int | None = Field(None, ge=0)
    missing: int | None = Field(None, ge=0)
    serious_injuries: int | None = Field(None, ge=0)
    minor_injuries: int | None = Field(None, ge=0)
    direct_loss: Decimal | None = Field(None, ge=0, description="直接经济损失（元）")


class AccidentInformIn(_StrictIn):
    level: str = Field(description="报告层级：" + listed(Level))
    informed_at: datetime = Field(description="报告时间（带时区）")
    recipient: str = Field(description="接报单位及接报人")
    channel: str = Field("", description="报告方式，如电话、传真、系统直报")


class AccidentFlagIn(_StrictIn):
    kind: str = Field(description=listed(FlagKind))
    reason: str = Field(description="认定理由和依据")


class AccidentReasonIn(_StrictIn):
    reason: str = Field(description="理由（必填）")


class AccidentInvestigationStartIn(_StrictIn):
    version: int | None = Field(None, description="事故的 version；省略则不做并发检查")
    leader: str = Field(description="调查组组长")
    members: str = Field(description="调查组成员（每行一人：姓名、单位、职务）")
    started_on: date | None = Field(None, description="成立日期；省略为今天")
    entrusted_to_unit: bool = Field(
        False, description="委托事故单位调查（仅限未造成人员伤亡的一般事故）"
    )


class AccidentInvestigationUpdateIn(_StrictIn):
    """Only the fields sent change; ``version`` is the investigation's."""

    version: int | None = Field(
        None, description="调查信息的 version（investigation.version）；省略则不做并发检查"
    )
    appraisal_days: int | None = Field(None, description="技术鉴定天数（不计入调查期限）")
    submitted_on: date | None = Field(None, description="调查报告提交日期")
    cause: str | None = Field(None, description="事故原因")
    nature: str | None = Field(None, description="事故性质：" + listed(Nature))
    findings: str | None = Field(None, description="调查报告摘要")
    replied_on: date | None = Field(None, description="批复日期")


class AccidentExtensionIn(_StrictIn):
    days: int = Field(description="延长天数（不超过原期限，只能延长一次）")
    reason: str = Field(description="延期理由和批准机关")


class AccidentResponsibilityIn(_StrictIn):
    party: str = Field(description="责任单位或人员")
    is_person: bool = Field(True, description="个人（false 为单位）")
    finding: str = Field(description="责任认定")
    handling: str = Field(description="处理意见")
    fine: int | None = Field(None, ge=0, description="罚款（元）")


class AccidentMeasureIn(_StrictIn):
    description: str = Field(description="整改措施")
    responsible: str = Field(description="责任单位")
    due_on: date = Field(description="完成期限")


class AccidentMeasureDoneIn(_StrictIn):
    done_on: date | None = Field(None, description="完成日期；省略为今天")
    done_note: str = Field(description="落实情况")


class AccidentVersionIn(_StrictIn):
    version: int | None = Field(None, description="读取时的 version；省略则不做并发检查")


class AccidentEvaluationIn(AccidentVersionIn):
    rating: str = Field(description=listed(Rating))
    conclusion: str = Field(description="评估意见")
    evaluated_on: date | None = Field(None, description="评估日期；省略为今天")


class AccidentVoidIn(AccidentVersionIn):
    reason: str = Field(description="作废理由（误报、经核实不属于生产安全事故等）")
