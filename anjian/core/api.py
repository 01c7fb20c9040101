"""Helpers every app's API uses: error bodies in one shape, forms as the validator."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja.errors import HttpError


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
_WRAPPERS = {"payload", "filters"}


def schema_error_detail(errors: list[dict]) -> list[dict]:
    detail = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        location = (
            [location[0], *[p for p in location[1:] if p not in _WRAPPERS]] if location else []
        )
        kind = error.get("type", "value_error")
        message = _SCHEMA_MESSAGES.get(kind, "格式不正确")
        detail.append({"loc": location, "msg": message, "type": kind})
    return detail
