"""Schemas of /api/v1/hazchem: the chemical catalogue, units with their inventories and how
each was identified and graded (GB 18218-2018), the history of a unit's grade, and the major
hazard sources.

Every class name starts with ``Hazchem``: a schema's class name is its name in the one
OpenAPI document. Figures (S, R, α, quantities) are decimals, answered as strings so that
no digit is lost (``"2.000000"``); ``terms`` and ``explain`` are the evaluation as the unit's
page shows it. Bodies are strict (an unknown field is 422 "不允许的字段"); coded values are
plain strings checked by the services (unit kind, mixture) or by ``query_choice`` (filters).
"""

from datetime import date, datetime
from decimal import Decimal
from functools import wraps

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from ninja import Field, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from anjian.hazchem import gb18218
from anjian.hazchem.choices import Grade, Mixture, SourceState, UnitKind
from anjian.hazchem.filters_sources import ALL_STATES, FLAG_CHOICES, TABLE1, TABLE2


def listed(choices) -> str:
    """The codes of a choices class with their labels, for a field's description."""
    return "、".join(f"{value} {label}" for value, label in choices.choices)


def query_choice(name: str, value, choices: list[str]) -> None:
    """A 422 naming the query parameter ``name`` when ``value`` is not one of ``choices``."""
    if value and value not in choices:
        raise HttpError(422, f"{name}：未知的值“{value}”（可选：{'、'.join(choices)}）")


# The services name a related record without ``_id`` (``chemical``); the bodies send the id.
BODY_FIELDS = {"enterprise": "enterprise_id", "chemical": "chemical_id"}


def named_fields(view):
    """Decorate an operation's view (under ``api_requires``): a service's ValidationError
    names the body's fields (``BODY_FIELDS``), so a 422 points at what the client sent."""

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


class HazchemStrictIn(Schema):
    """A body that refuses fields it does not know: a misspelt field silently left out
    would write the record without it."""

    model_config = ConfigDict(extra="forbid")


VERSION_HELP = "读取时的 version（必填；已被他人修改时返回 409）"


class HazchemVersionIn(HazchemStrictIn):
    version: int = Field(description=VERSION_HELP)


# --- the catalogue -----------------------------------------------------------------------------


class HazchemChemicalFilters(Schema):
    q: str | None = Field(None, description="品名、别名或CAS号")
    flag: str | None = Field(
        None, description="管控类别：" + "、".join(f"{n} {label}" for n, label in FLAG_CHOICES)
    )
    gb18218: str | None = Field(
        None, description=f"{TABLE1} 表1列名的；{TABLE2} 按表2类别确定临界量的"
    )
    retired: bool = Field(
        False, description="true：只列已停用的条目（须有目录管理权限；其他用户仍得在用的条目）"
    )


class HazchemChemicalOut(Schema):
    id: int
    name: str
    aliases: list[str] = Field(description="别名")
    cas: str
    un_number: str
    catalogue_number: int | None = Field(description="《危险化学品目录（2015版）》序号")
    ghs_classes: str = Field(description="危险性类别（GHS）")
    gb18218_classes: list[str] = Field(description="GB 18218 表2类别代码（表1未列名时）")
    table1_row: int | None = Field(description="GB 18218 表1行号")
    critical_quantity: Decimal | None = Field(description="表1列名的临界量Q（吨）")
    highly_toxic: bool = Field(description="剧毒")
    explosive_precursor: bool = Field(description="易制爆")
    drug_precursor: bool = Field(description="易制毒")
    key_supervised: bool = Field(description="重点监管")
    special_control: bool = Field(description="特别管控")
    source: str = Field(description="shipped 随平台提供、imported 目录导入、entered 手工登记")
    active: bool = Field(description="在用；false 为已停用（可恢复）")
    version: int

    @staticmethod
    def resolve_aliases(obj) -> list[str]:
        return [a.strip() for a in obj.aliases.replace(",", "、").split("、") if a.strip()]

    @staticmethod
    def resolve_critical_quantity(obj) -> Decimal | None:
        row = gb18218.row(obj.table1_row) if obj.table1_row else None
        return row.q if row is not None else None


# --- units and their inventories ---------------------------------------------------------------


class HazchemUnitFilters(Schema):
    q: str | None = Field(None, description="单元或单位名称")
    street: str | None = Field(None, description="区划代码（区或街道，按前缀）")
    kind: str | None = Field(None, description=listed(UnitKind))
    major: bool | None = Field(None, description="构成重大危险源")
    grade: str | None = Field(None, description="级别：" + listed(Grade))
    active: bool | None = Field(None, description="在用（false：已停用）")


class HazchemUnitOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    kind: str = Field(description=listed(UnitKind))
    kind_label: str
    name: str
    boundary: str
    latitude: Decimal | None
    longitude: Decimal | None
    population_500m: int = Field(description="500米范围内常住人口（定α）")
    active: bool
    retired_reason: str
    s_value: Decimal | None = Field(description="S = Σ q/Q")
    is_major: bool = Field(description="构成重大危险源（S ≥ 1）")
    alpha: Decimal | None = Field(description="校正系数α")
    r_value: Decimal | None = Field(description="R = α·Σ β·q/Q（构成重大危险源时）")
    grade: str = Field(description="级别：" + listed(Grade) + "；不构成为空")
    grade_label: str
    edition: str = Field(description="依据标准及版本")
    evaluated_at: datetime | None
    evaluation_error: str = Field(description="无法辨识的原因（目录变更后重新辨识失败时）")
    source_id: int | None = Field(description="其重大危险源（曾构成时）")
    version: int

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_grade_label(obj) -> str:
        return obj.get_grade_display() if obj.grade else ""

    @staticmethod
    def resolve_source_id(obj) -> int | None:
        try:
            return obj.source.pk
        except ObjectDoesNotExist:  # never a major hazard source
            return None


class HazchemTermOut(Schema):
    """One chemical's term of S and R, with the table rows it came from."""

    index: int
    chemical: str
    cas: str
    mixture: str
    matched_by: str = Field(description="如何与GB 18218对应（行号、CAS号、品名、类别）")
    q: str = Field(description="设计最大量q（吨）")
    critical: str = Field(description="临界量Q（吨）")
    critical_basis: str = Field(description="Q的出处（表1行或表2类别）")
    ratio: str = Field(description="q/Q")
    beta: str = Field(description="校正系数β（构成重大危险源时）")
    beta_basis: str = Field(description="β的出处（表3或表4）")
    weighted: str = Field(description="β·q/Q")


class HazchemLineOut(Schema):
    id: int
    chemical_id: int
    chemical_name: str
    cas: str
    max_quantity: Decimal = Field(description="设计最大量（吨）")
    mixture: str = Field(description=listed(Mixture))
    own_classes: list[str] = Field(description="混合物自身的表2类别")
    note: str
    version: int

    @staticmethod
    def resolve_chemical_name(obj) -> str:
        return obj.chemical.name

    @staticmethod
    def resolve_cas(obj) -> str:
        return obj.chemical.cas


class HazchemUnitDetailOut(HazchemUnitOut):
    terms: list[HazchemTermOut] = Field(description="每种化学品的 q/Q 与 β·q/Q")
    explain: list[str] = Field(description="计算过程（逐句）")
    lines: list[HazchemLineOut] = Field(description="危险化学品及设计最大量")

    @staticmethod
    def resolve_terms(obj) -> list[dict]:
        return (obj.evaluation or {}).get("terms", [])

    @staticmethod
    def resolve_explain(obj) -> list[str]:
        return (obj.evaluation or {}).get("explain", [])

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.select_related("chemical").order_by("id"))


class HazchemUnitFieldsIn(HazchemStrictIn):
    kind: str = Field(description=listed(UnitKind))
    name: str = Field(description="单元名称（本单位在用单元中唯一）")
    boundary: str = Field("", description="单元边界")
    latitude: Decimal | None = Field(None, description="纬度")
    longitude: Decimal | None = Field(None, description="经度")
    population_500m: int = Field(0, description="500米范围内常住人口")


class HazchemUnitIn(HazchemUnitFieldsIn):
    enterprise_id: int | None = Field(
        None, description="所属单位 id（须在管辖范围内，否则 404）；企业用户总是本单位"
    )


class HazchemUnitUpdateIn(HazchemVersionIn):
    kind: str | None = Field(None, description=listed(UnitKind))
    name: str | None = None
    boundary: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    population_500m: int | None = None


class HazchemRetireIn(HazchemVersionIn):
    reason: str = Field(description="停用原因（必填）")


class HazchemFileIn(HazchemVersionIn):
    filed_on: date = Field(description="备案日期（不晚于今天，不早于辨识日期）")
    filing_number: str = Field(description="备案编号")


class HazchemCloseIn(HazchemVersionIn):
    closed_on: date = Field(description="核销日期")
    reason: str = Field(description="核销理由（必填）")


class HazchemMonitoringIn(HazchemVersionIn):
    required: bool = Field(description="是否须在线监测（false：不计入在线监测率）")
    reason: str = Field(description="理由或依据（必填）")


class HazchemLineIn(HazchemStrictIn):
    chemical_id: int = Field(description="危险化学品目录中的 id（GET /hazchem/chemicals）")
    max_quantity: Decimal = Field(description="设计最大量（吨，大于0，最多4位小数）")
    mixture: str = Field(Mixture.NO, description=listed(Mixture))
    own_classes: list[str] = Field([], description="混合物按自身危险性类别时的表2类别代码")
    note: str = Field("", description="备注")


class HazchemLineUpdateIn(HazchemVersionIn):
    chemical_id: int | None = None
    max_quantity: Decimal | None = Field(None, description="设计最大量（吨）")
    mixture: str | None = Field(None, description=listed(Mixture))
    own_classes: list[str] | None = None
    note: str | None = None


class HazchemEvaluationOut(Schema):
    """One identification and grading of a unit, as it was."""

    id: int
    at: datetime
    by: str | None = Field(description="操作人")
    reason: str = Field(description="为何重新辨识（哪项变更）")
    s_value: Decimal
    is_major: bool
    r_value: Decimal | None
    grade: str
    grade_label: str
    edition: str
    terms: list[HazchemTermOut]
    explain: list[str]

    @staticmethod
    def resolve_by(obj) -> str | None:
        return (obj.by.name or obj.by.username) if obj.by is not None else None

    @staticmethod
    def resolve_grade_label(obj) -> str:
        return obj.get_grade_display() if obj.grade else ""

    @staticmethod
    def resolve_terms(obj) -> list[dict]:
        return (obj.evaluation or {}).get("terms", [])

    @staticmethod
    def resolve_explain(obj) -> list[str]:
        return (obj.evaluation or {}).get("explain", [])


# --- major hazard sources ----------------------------------------------------------------------

SOURCE_STATES = [*SourceState.values, ALL_STATES]


class HazchemSourceFilters(Schema):
    q: str | None = Field(None, description="编号、单元或单位名称")
    street: str | None = Field(None, description="区划代码（按前缀）")
    grade: str | None = Field(None, description="级别：" + listed(Grade))
    state: str | None = Field(
        None, description="状态：" + listed(SourceState) + f"；{ALL_STATES} 全部；省略为不含已核销"
    )
    qualifies: bool | None = Field(None, description="仍构成重大危险源")
    industry: str | None = Field(None, description="行业代码")
    overdue: bool | None = Field(None, description="逾期未备案（待备案且已过备案期限）")
    assessment_overdue: bool | None = Field(
        None, description="复评逾期（已备案且已过下次评估期限）"
    )


class HazchemSourceOut(Schema):
    id: int
    number: str = Field(description="编号")
    enterprise_id: int
    enterprise_name: str
    unit_id: int
    unit_name: str
    state: str = Field(description=listed(SourceState))
    state_label: str
    grade: str = Field(description=listed(Grade))
    grade_label: str
    qualifies: bool = Field(description="仍构成重大危险源（随单元辨识结果）")
    identified_on: date
    filing_due_on: date | None = Field(description="备案期限（辨识之日起15日）")
    filed_on: date | None
    filing_number: str
    filed_grade: str
    assessment_due_on: date | None
    monitoring_required: bool
    closed_on: date | None
    closed_reason: str
    version: int

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_grade_label(obj) -> str:
        return obj.get_grade_display() if obj.grade else ""


class HazchemSourceDetailOut(HazchemSourceOut):
    unit: HazchemUnitDetailOut = Field(description="其单元：辨识分级过程与危险化学品")
