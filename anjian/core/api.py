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
