"""Helpers every app's API uses: error bodies in one shape, forms as the validator."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, Schema
from ninja.errors import HttpError


class ErrorOut(Schema):
    """401, 403, 404, 409, 413, 429: one message for a person to read."""

    detail: str


class ConflictOut(Schema):
    """409: someone changed the record first, or its state does not allow the request;
    for a lifecycle, the state it is in now (reload it and decide again)."""

    detail: str
    state: str | None = Field(None, description="记录当前的状态（流程冲突时）")
    state_label: str | None = Field(None, description="当前状态的中文名称")


class ActionOut(Schema):
    """Something the calling user may do to the record now (``core.workflow``): a
    transition (``POST …/{id}/<name>``) or another operation. Clients offer only these."""

    name: str
    label: str
    kind: str = Field(description="transition（改变状态）或 operation（不改变状态）")
    needs_reason: bool = Field(description="须填写原因")


def available_actions(lifecycle, obj, context) -> list:
    """For a schema's ``resolve_actions(obj, context)``: what the requesting user may do."""
    request = (context or {}).get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return lifecycle.available(user, obj)


class FieldErrorOut(Schema):
    loc: list[str] = Field(description="位置：body/query 及字段名")
    msg: str = Field(description="说明（中文）")
    type: str = Field(description="错误类型，如 value_error、missing、less_than_equal")


class ValidationErrorOut(Schema):
    """422: one entry per problem; a check on the request as a whole answers one message."""

    detail: list[FieldErrorOut] | str


def errors(*statuses: int) -> dict:
    """``response={200: X, **errors(404, 409, 422)}`` — each status with its shared schema."""
    schemas = {422: ValidationErrorOut, 409: ConflictOut}
    return {status: schemas.get(status, ErrorOut) for status in statuses}


def declare_common_answers(operation) -> None:
    """Declare what any operation behind ``api_requires`` can answer, whatever its view does:

    - 401 — no session and no valid token (unless the operation opts out of authentication);
    - 403 — the role lacks the action (``api_requires``);
    - 400 — a JSON body that is not JSON (``config.api.on_http_error``).

    The views' own answers (404, 409, 422 …) are declared on each operation. With several
    answers declared, a plain return is a 200: an operation answering 201 returns
    ``Status(201, …)``.
    """
    statuses = [403]
    if operation.auth_param is not None:
        statuses.append(401)
    if any(model.__ninja_param_source__ == "body" for model in operation.models):
        statuses.append(400)
    for status in statuses:
        operation.response_models.setdefault(status, operation._create_response_model(ErrorOut))


def validation_detail(error: DjangoValidationError) -> list[dict]:
    """Django's ValidationError as the API's 422 body (same shape as django-ninja's own)."""
    if hasattr(error, "error_dict"):
        return [
            {
                "loc": ["body"] if field == NON_FIELD_ERRORS else ["body", field],
                "msg": message,
                "type": "value_error",
            }
            for field, errors in error.message_dict.items()
            for message in errors
        ]
    return [{"loc": ["body"], "msg": message, "type": "value_error"} for message in error.messages]


class FormInvalid(HttpError):
    """A form's errors, answered 422 with one entry per field message."""

    def __init__(self, form, *, location: str = "body"):
        super().__init__(422, "invalid")
        self.detail = [
            {
                "loc": [location] if field == NON_FIELD_ERRORS else [location, field],
                "msg": str(message),
                "type": "value_error",
            }
            for field, errors in form.errors.items()
            for message in errors
        ]


# Pydantic error types → what an integrator reads.
_SCHEMA_MESSAGES = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "list_type": "应为数组",
    "model_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "json_invalid": "不是有效的 JSON",
    "extra_forbidden": "不允许的字段",
}
# Ninja nests a body under the parameter's name; integrators send the fields directly.
# (``ninja_pagination`` holds ``page`` and ``page_size``: core.pagination.)
_WRAPPERS = {"payload", "filters", "ninja_pagination"}


def schema_error_detail(errors: list[dict]) -> list[dict]:
    detail = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        location = (
            [location[0], *[p for p in location[1:] if p not in _WRAPPERS]] if location else []
        )
        kind = error.get("type", "value_error")
        message = _bound_message(kind, error.get("ctx") or {}) or _SCHEMA_MESSAGES.get(
            kind, "格式不正确"
        )
        detail.append({"loc": location, "msg": message, "type": kind})
    return detail


# Bounds (``Field(ge=…, le=…)``, e.g. a page number) name the bound in the message.
_BOUND_MESSAGES = {
    "greater_than_equal": ("ge", "应不小于 {}"),
    "greater_than": ("gt", "应大于 {}"),
    "less_than_equal": ("le", "应不大于 {}"),
    "less_than": ("lt", "应小于 {}"),
}


def _bound_message(kind: str, context: dict) -> str | None:
    if kind not in _BOUND_MESSAGES:
        return None
    key, template = _BOUND_MESSAGES[kind]
    return template.format(context[key]) if key in context else None
