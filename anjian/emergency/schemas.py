"""What the emergency API's schemas share: strict bodies, the owner of a record, a place on
the map, the history of a lifecycle, and the check of coded values.

The schemas themselves are in ``schemas_plans`` (plans, drills, figures),
``schemas_resources`` (teams, warehouses, supplies, equipment, shelters, experts, nearest)
and ``schemas_incidents`` (incidents, assignments, timeline). Every class name starts with
``Emergency``: a schema's class name is its name in the one OpenAPI document (other apps
have their own ``PlanOut``).

Coded values (plan type, speciality, level …) are plain strings in the schemas, checked by
``check_choices``: a value that is not one of the codes is a 422 on its field with the codes
listed, in Chinese (a schema enum would answer only "格式不正确").
"""

from datetime import datetime
from functools import wraps

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from anjian.emergency.choices import OwnerKind


def listed(choices) -> str:
    """The codes of a choices class with their labels, for a field's description."""
    return "、".join(f"{value} {label}" for value, label in choices.choices)


def user_name(user) -> str | None:
    return (user.name or user.username) if user is not None else None


def label_of(choices, value) -> str:
    """The Chinese label of a code ('' for an empty code)."""
    if not value:
        return ""
    return str(choices(value).label) if value in choices.values else str(value)


def unknown_choice(value, choices) -> str:
    return _("“%(value)s”不是可选的值（可选：%(codes)s）") % {
        "value": value,
        "codes": "、".join(choices.values),
    }


def check_choices(values: dict, fields: dict[str, type[models.TextChoices]]) -> None:
    """ValidationError naming each field of ``values`` whose code is not one of its
    choices (empty and absent values are left to the service)."""
    errors = {}
    for field, choices in fields.items():
        value = values.get(field)
        if isinstance(value, list | tuple):
            wrong = [item for item in value if item not in choices.values]
            if wrong:
                errors[field] = unknown_choice("、".join(map(str, wrong)), choices)
        elif value not in (None, "") and value not in choices.values:
            errors[field] = unknown_choice(value, choices)
    if errors:
        raise ValidationError(errors)


def query_choice(name: str, value, choices) -> None:
    """A 422 naming the query parameter ``name`` when ``value`` (or one of a list) is not
    one of ``choices``' codes."""
    for one in value if isinstance(value, list) else [value]:
        if one and one not in choices.values:
            codes = "、".join(choices.values)
            raise HttpError(422, f"{name}：未知的值“{one}”（可选：{codes}）")


def listable(queryset):
    """``queryset`` for ``core.pagination``, or an empty list when its filter can match
    nothing at all (a scope that sees none of the model: an enterprise user and incidents,
    an expert without a region). Pagination reads a page with the filter compiled into its
    SQL, which Django refuses (``EmptyResultSet``) for such a filter."""
    try:
        queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return []
    return queryset


# The services name a related record's field without ``_id`` (``enterprise``); the bodies
# send the id (``enterprise_id``): a 422 names the field the client sent.
BODY_FIELDS = {
    name: f"{name}_id"
    for name in ("department", "enterprise", "plan", "team", "warehouse", "to_warehouse")
}


def named_fields(view):
    """Decorate an operation's view (under ``api_requires``): the ValidationError a
    service raises names the body's fields (``BODY_FIELDS``). Not through
    ``Router.add_decorator``: that wraps only the bound copies of the operations, and the
    access walk (web/tests/test_url_access.py) compares them with the routers' own."""

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


class EmergencyStrictIn(Schema):
    """A body that refuses fields it does not know (422 "不允许的字段"): a misspelt field
    silently left out would write the record without it."""

    model_config = ConfigDict(extra="forbid")


VERSION_HELP = "读取时的 version；省略则不做并发检查（已被他人修改时返回 409）"


class EmergencyVersionIn(EmergencyStrictIn):
    version: int | None = Field(None, description=VERSION_HELP)


class EmergencyReasonIn(EmergencyVersionIn):
    reason: str = Field(description="理由（必填）")


# --- the owner and the place ---------------------------------------------------------------


class EmergencyOwnerIn(EmergencyStrictIn):
    """Whose record it is. An enterprise user always writes for its own unit."""

    owner_kind: str | None = Field(
        None,
        description="所属主体：" + listed(OwnerKind) + "。企业用户总是本单位；资源可省略（"
        "填 enterprise_id 为单位，填 department_id 为部门，否则为人民政府）",
    )
    region: str | None = Field(
        None,
        description="所属区划代码（人民政府的区划；省略为本人所在区划；部门、单位的记录可省略），"
        "须在管辖范围内",
    )
    department_id: int | None = Field(None, description="所属部门 id（部门的记录）")
    enterprise_id: int | None = Field(
        None, description="所属单位 id（单位的记录，须在管辖范围内）；企业用户为本单位"
    )


class EmergencyPlaceIn(Schema):
    address: str = Field("", description="地址")
    latitude: float | None = Field(None, ge=-90, le=90, description="纬度（WGS 84）")
    longitude: float | None = Field(None, ge=-180, le=180, description="经度（WGS 84）")


class EmergencyOwnerOut(Schema):
    owner_kind: str = Field(description=listed(OwnerKind))
    owner_kind_label: str
    owner_name: str = Field(description="所属主体名称：单位、部门或区划")
    region_code: str = Field(alias="region_id", description="所属区划代码")
    department_id: int | None
    enterprise_id: int | None

    @staticmethod
    def resolve_owner_kind_label(obj) -> str:
        return obj.get_owner_kind_display()


class EmergencyPlaceOut(Schema):
    address: str
    latitude: float | None
    longitude: float | None


# --- a lifecycle's history -----------------------------------------------------------------


class EmergencyHistoryOut(Schema):
    """One line of a record's history: a transition, or an operation on it."""

    action: str = Field(description="操作名称（transitions/{name} 或其他操作）")
    label: str
    from_state: str
    to_state: str
    by: str | None = Field(description="操作人")
    at: datetime
    reason: str


def history(lifecycle, records) -> list[dict]:
    """The history lines of ``records`` (a lifecycle's TransitionRecord rows)."""
    labels = lifecycle.labels()
    return [
        {
            "action": record.action,
            "label": str(labels.get(record.action, record.action)),
            "from_state": record.from_state,
            "to_state": record.to_state,
            "by": user_name(record.by),
            "at": record.at,
            "reason": record.reason,
        }
        for record in records
    ]
