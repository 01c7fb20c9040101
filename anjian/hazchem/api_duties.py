"""/api/v1/hazchem — 包保责任 (joined to the hazchem router in api.py): a source's holders
(every term) and checks, naming a holder, ending a term, recording a check; the check
frequencies (city-wide) and 包保检查完成率 with the sources each of its figures counts.

As the rest of the hazchem API: a source is read through the caller's scope (404 outside
it); every write is a service call (``services_duties``) — a refusal is 422 on the body's
field, a stale ``version`` (or ``replaces``: the holder the client saw) 409, a closed source
409, a role without ``chemunit.manage`` 403. The figure takes the page's query parameters and
gives the same numbers."""

from datetime import date, datetime
from functools import wraps

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.core.pagination import paginate
from anjian.hazchem import permissions as perms
from anjian.hazchem import selectors, selectors_duties, services_duties
from anjian.hazchem.choices import DutyRole, Grade
from anjian.hazchem.duty_periods import DutyPeriod, Rule
from anjian.hazchem.schemas import HazchemStrictIn, listed, query_choice
from anjian.hazchem.selectors_duties import STATUSES, SourceRow, Tally, Where

router = Router(tags=["包保责任"])

DUTIES = ["包保责任"]
BODY_FIELDS = {"user": "user_id", "duty": "duty_id"}
FIRST_YEAR = 2000


def named_fields(view):
    """A service's ValidationError names the body's fields (``user`` → ``user_id``)."""

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


def source_read(request: HttpRequest, source_id: int):
    visible = selectors.sources(request.user).select_related("enterprise", "unit")
    return get_object_or_404(visible, pk=source_id)


# --- schemas ------------------------------------------------------------------------------------


class HazchemDutyOut(Schema):
    """One term of one holder (``until`` null: holds the role now)."""

    id: int
    source_id: int
    role: str = Field(description=listed(DutyRole))
    role_label: str
    name: str
    position: str
    phone: str
    user_id: int | None = Field(description="责任人的平台账号（本单位账号）")
    since: date
    until: date | None
    current: bool = Field(description="现任")
    end_reason: str
    version: int

    @staticmethod
    def resolve_role_label(obj) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_current(obj) -> bool:
        return obj.until is None


class HazchemDutyIn(HazchemStrictIn):
    role: str = Field(description=listed(DutyRole))
    name: str = Field(description="姓名")
    position: str = Field("", description="职务")
    phone: str = Field(description="联系电话")
    user_id: int | None = Field(None, description="平台账号 id（本单位的有效账号；可省略）")
    since: date = Field(description="起始日期（不晚于今天，不早于现任的起始日期；现任同日卸任）")
    replaces: int | None = Field(
        description="读取时该角色现任责任人的 id（没有则为 null）；已被他人更换时 409"
    )


class HazchemDutyEndIn(HazchemStrictIn):
    version: int = Field(description="读取时该任期的 version（已被他人修改时 409）")
    until: date = Field(description="截止日期（不早于起始日期和其最近一次检查，不晚于今天）")
    reason: str = Field(description="结束原因（必填）")


class HazchemCheckOut(Schema):
    id: int
    source_id: int
    duty_id: int
    role: str = Field(description=listed(DutyRole))
    role_label: str
    holder: str = Field(description="检查的包保责任人")
    checked_on: date
    findings: str
    hazards_found: int
    recorded_by: str = Field(description="登记人（责任人本人或代为登记者）")
    recorded_at: datetime

    @staticmethod
    def resolve_role_label(obj) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_holder(obj) -> str:
        return obj.duty.name

    @staticmethod
    def resolve_recorded_by(obj) -> str:
        return obj.recorded_by.name or obj.recorded_by.username

    @staticmethod
    def resolve_recorded_at(obj) -> datetime:
        return obj.created_at


class HazchemCheckFilters(Schema):
    role: str | None = Field(None, description=listed(DutyRole))


class HazchemCheckIn(HazchemStrictIn):
    duty_id: int = Field(description="检查的包保责任人（该源的任一任期，GET …/duties）")
    checked_on: date = Field(description="检查日期（在其任期内，不晚于今天）")
    findings: str = Field(description="检查情况（必填）")
    hazards_found: int = Field(0, description="发现隐患数（0或正整数）")


class HazchemDutyRuleOut(Schema):
    role: str = Field(description=listed(DutyRole))
    role_label: str
    period: str = Field(description=listed(DutyPeriod))
    period_label: str
    checks: int = Field(description="每周期至少检查次数（不设固定频次为0）")
    words: str
    basis: str = Field(description="依据或修改说明")
    version: int = Field(description="0 为平台默认；修改时带上")
    set_by: str
    set_at: datetime | None

    @staticmethod
    def resolve_role_label(obj: Rule) -> str:
        return str(DutyRole(obj.role).label)

    @staticmethod
    def resolve_period_label(obj: Rule) -> str:
        return str(DutyPeriod(obj.period).label)

    @staticmethod
    def resolve_basis(obj: Rule) -> str:
        return str(obj.basis)


class HazchemDutyRuleIn(HazchemStrictIn):
    version: int = Field(description="读取时的 version（0：平台默认；已被他人修改时 409）")
    period: str = Field(description=listed(DutyPeriod))
    checks: int | None = Field(None, description="每周期至少检查次数（不设固定频次时省略）")
    basis: str = Field(description="依据或修改说明（必填）")


class HazchemCompletionFilters(Schema):
    year: int | None = Field(None, description="年度（省略为今年）")
    quarter: int | None = Field(None, description="季度 1–4，0 为全年（省略为本季度）")
    street: str | None = Field(None, description="区划代码（区或街道，按前缀）")
    grade: str | None = Field(None, description=listed(Grade))
    enterprise: int | None = Field(None, description="单位 id")
    role: str | None = Field(None, description=listed(DutyRole))
    q: str | None = Field(None, description="编号、单元或单位名称")


class HazchemCompletionSourceFilters(HazchemCompletionFilters):
    status: str | None = Field(
        None, description="；".join(f"{key or '省略'} {label}" for key, label in STATUSES.items())
    )


class HazchemTallyOut(Schema):
    key: str
    label: str
    sources: int = Field(description="纳入统计的重大危险源")
    required: int = Field(description="应检查周期")
    done: int = Field(description="已完成周期")
    rate: float | None = Field(description="包保检查完成率（%，一位小数；无应检查周期为 null）")
    owed: int = Field(description="有应检查周期的重大危险源")
    complete: int = Field(description="检查全部完成的重大危险源")
    short: int = Field(description="检查不足的重大危险源")
    no_holder: int = Field(description="未明确包保责任人的重大危险源")


class HazchemCompletionOut(Schema):
    year: int
    quarter: int
    label: str
    first: date
    last: date
    today: date
    total: HazchemTallyOut
    by_region: list[HazchemTallyOut] = Field(description="按街道（或区）")
    by_grade: list[HazchemTallyOut]
    by_enterprise: list[HazchemTallyOut]
    by_role: list[HazchemTallyOut]
    rules: list[HazchemDutyRuleOut]


class HazchemRoleResultOut(Schema):
    role: str
    required: int
    done: int
    short: list[str] = Field(description="检查不足的周期")


class HazchemCompletionSourceOut(Schema):
    source_id: int
    number: str
    unit_name: str
    enterprise_id: int
    enterprise_name: str
    grade: str
    required: int
    done: int
    holders: dict[str, str | None] = Field(description="各角色现任责任人姓名（null：未明确）")
    roles: list[HazchemRoleResultOut]
    missing: list[str] = Field(description="缺少什么（文字）")


def _tally(tally: Tally) -> dict:
    names = ("key", "label", "sources", "required", "done", "rate", "owed", "complete")
    return {
        **{name: getattr(tally, name) for name in names},
        "short": tally.short,
        "no_holder": tally.no_holder,
    }


def _source_row(row: SourceRow) -> dict:
    source = row.source
    return {
        "source_id": source.pk,
        "number": source.number,
        "unit_name": source.unit.name,
        "enterprise_id": source.enterprise_id,
        "enterprise_name": source.enterprise.name,
        "grade": source.grade,
        "required": row.required,
        "done": row.done,
        "holders": {role: duty.name if duty else None for role, duty in row.holders.items()},
        "roles": [
            {
                "role": role,
                "required": result.required,
                "done": result.done,
                "short": [item.period.label for item in result.short],
            }
            for role, result in row.results.items()
        ],
        "missing": row.missing(),
    }


def where_of(filters: HazchemCompletionFilters) -> Where:
    today = timezone.localdate()
    year = filters.year or today.year
    if not FIRST_YEAR <= year <= today.year + 1:
        raise HttpError(422, f"year：应为 {FIRST_YEAR}—{today.year + 1} 之间的年份")
    quarter = (today.month - 1) // 3 + 1 if filters.quarter is None else filters.quarter
    if not 0 <= quarter <= 4:
        raise HttpError(422, "quarter：应为 0（全年）或 1—4")
    query_choice("grade", filters.grade, Grade.values)
    query_choice("role", filters.role, DutyRole.values)
    if filters.street and not filters.street.isdigit():
        raise HttpError(422, f"street：应为区划代码（数字），而不是“{filters.street}”")
    return Where(
        year=year,
        quarter=quarter,
        street=filters.street or "",
        grade=filters.grade or "",
        enterprise=filters.enterprise,
        role=filters.role or "",
        q=(filters.q or "").strip(),
    )


# --- holders and checks -------------------------------------------------------------------------


@router.get(
    "/sources/{int:source_id}/duties",
    response={200: list[HazchemDutyOut], **errors(404)},
    summary="重大危险源的包保责任人（历任，现任在前）",
    tags=DUTIES,
)
@api_requires(perms.HAZCHEM_VIEW)
def list_duties(request: HttpRequest, source_id: int):
    source = source_read(request, source_id)
    order = DutyRole.values
    return sorted(
        source.duties.all(),
        key=lambda d: (d.until is not None, order.index(d.role), -d.since.toordinal()),
    )


@router.post(
    "/sources/{int:source_id}/duties",
    response={201: HazchemDutyOut, **errors(403, 404, 409, 422)},
    summary="明确或更换包保责任人",
    description="带 replaces（读取时的现任 id，没有则 null）；现任于 since 当日卸任。"
    "已核销的重大危险源 409。责任人有本单位平台账号时通知其本人。",
    tags=DUTIES,
)
@api_requires(perms.UNIT_MANAGE)
@named_fields
def assign_duty(request: HttpRequest, source_id: int, payload: HazchemDutyIn):
    source_read(request, source_id)
    data = payload.dict()
    role, replaces = data.pop("role"), data.pop("replaces")
    data["user"] = data.pop("user_id")
    duty = services_duties.duty_assign(
        request.user, source_id=source_id, role=role, replaces=replaces, data=data
    )
    return Status(201, duty)


@router.post(
    "/sources/{int:source_id}/duties/{int:duty_id}/end",
    response={200: HazchemDutyOut, **errors(403, 404, 409, 422)},
    summary="结束包保责任人的任期",
    description="带 version、until、reason；该角色随即无人担任，请尽快明确新的责任人。",
    tags=DUTIES,
)
@api_requires(perms.UNIT_MANAGE)
def end_duty(request: HttpRequest, source_id: int, duty_id: int, payload: HazchemDutyEndIn):
    source_read(request, source_id)
    return services_duties.duty_end(
        request.user,
        source_id=source_id,
        duty_id=duty_id,
        expected_version=payload.version,
        until=payload.until,
        reason=payload.reason,
    )


@router.get(
    "/sources/{int:source_id}/checks",
    response={200: list[HazchemCheckOut], **errors(404, 422)},
    summary="重大危险源的包保履职检查记录（最新在前，分页）",
    tags=DUTIES,
)
@api_requires(perms.HAZCHEM_VIEW)
@paginate(page_size=50)
def list_checks(request: HttpRequest, source_id: int, filters: Query[HazchemCheckFilters]):
    source = source_read(request, source_id)
    query_choice("role", filters.role, DutyRole.values)
    found = source.checks.select_related("duty", "recorded_by").order_by("-checked_on", "-id")
    return found.filter(role=filters.role) if filters.role else found


@router.post(
    "/sources/{int:source_id}/checks",
    response={201: HazchemCheckOut, **errors(403, 404, 409, 422)},
    summary="登记包保履职检查",
    description="责任人本人或代为登记；日期在其任期内且不晚于今天；同一人重复提交同一检查只记一次。",
    tags=DUTIES,
)
@api_requires(perms.UNIT_MANAGE)
@named_fields
def record_check(request: HttpRequest, source_id: int, payload: HazchemCheckIn):
    source_read(request, source_id)
    data = payload.dict()
    data["duty"] = data.pop("duty_id")
    check = services_duties.check_record(request.user, source_id=source_id, data=data)
    return Status(201, check)


# --- frequencies and the figure -----------------------------------------------------------------


@router.get(
    "/duty-rules",
    response={200: list[HazchemDutyRuleOut]},
    summary="包保检查频次（全市统一；现行）",
    description="平台默认据应急厅〔2021〕12号回忆整理（置信度低，原文待核实），version 为 0。",
    tags=DUTIES,
)
@api_requires(perms.HAZCHEM_VIEW)
def list_duty_rules(request: HttpRequest):
    return list(selectors_duties.rules_in_force().values())


@router.post(
    "/duty-rules/{role}",
    response={200: HazchemDutyRuleOut, **errors(403, 409, 422)},
    summary="修改一个角色的包保检查频次（全市统一配置）",
    description="管辖范围覆盖全市的用户；带读取时的 version；历次修改留存。",
    tags=DUTIES,
)
@api_requires(perms.DUTYRULE_MANAGE)
def set_duty_rule(request: HttpRequest, role: str, payload: HazchemDutyRuleIn):
    query_choice("role", role, DutyRole.values)
    services_duties.duty_rule_set(
        request.user,
        role=role,
        expected_version=payload.version,
        data={"period": payload.period, "checks": payload.checks, "basis": payload.basis},
    )
    return selectors_duties.rules_in_force()[role]


@router.get(
    "/duty-completion",
    response={200: HazchemCompletionOut, **errors(422)},
    summary="包保检查完成率（按街道、级别、单位、角色）",
    description="与“包保履职”页面相同的条件和口径：已完成周期 ÷ 应检查周期。",
    tags=DUTIES,
)
@api_requires(perms.HAZCHEM_VIEW)
def duty_completion(request: HttpRequest, filters: Query[HazchemCompletionFilters]):
    where = where_of(filters)
    found = selectors_duties.completion(request.user, where, today=timezone.localdate())
    return {
        "year": where.year,
        "quarter": where.quarter,
        "label": where.label,
        "first": where.first,
        "last": where.last,
        "today": found.today,
        "total": _tally(found.total),
        "by_region": [_tally(t) for t in found.by_region],
        "by_grade": [_tally(t) for t in found.by_grade],
        "by_enterprise": [_tally(t) for t in found.by_enterprise],
        "by_role": [_tally(t) for t in found.by_role],
        "rules": list(found.rules.values()),
    }


@router.get(
    "/duty-completion/sources",
    response={200: list[HazchemCompletionSourceOut], **errors(422)},
    summary="包保检查完成率的明细：某项统计所计的重大危险源及其缺少什么（分页）",
    tags=DUTIES,
)
@api_requires(perms.HAZCHEM_VIEW)
@paginate(page_size=50)
def duty_completion_sources(request: HttpRequest, filters: Query[HazchemCompletionSourceFilters]):
    query_choice("status", filters.status, [key for key in STATUSES if key])
    where = where_of(filters)
    found = selectors_duties.completion(request.user, where, today=timezone.localdate())
    return [_source_row(row) for row in found.listed(filters.status or "")]
