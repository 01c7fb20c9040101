from urllib.parse import quote

from django import forms
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError

XLSX_MAGIC = b"PK\x03\x04"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


class ImportUploadForm(forms.Form):
    """Upload of an Excel file for a registry import, with the error-handling mode."""

    file = forms.FileField(label=gettext_lazy("Excel 文件（.xlsx）"))
    mode = forms.ChoiceField(label=gettext_lazy("遇到错误时"), widget=forms.RadioSelect)

    def __init__(self, *args, modes: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = list(modes.items())
        self.fields["mode"].initial = next(iter(modes))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(_("文件是空的"))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("文件超过 %(mb)d MB，请拆分后分批导入")
                % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的文件（旧版 .xls 请先另存为 .xlsx）"))
        head = upload.read(4)
        upload.seek(0)
        if head != XLSX_MAGIC:
            raise forms.ValidationError(_("文件内容不是有效的 .xlsx 表格"))
        return upload


def attachment(response, filename: str) -> None:
    """Mark a response as a download named ``filename`` (UTF-8 safe for Chinese names)."""
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"


def apply_service_errors(form, error, *, elsewhere=None) -> None:
    """A service's ValidationError onto the form: field messages on their fields (or on
    the form when the field is not in it, or not editable), the rest as form errors;
    keys ``elsewhere(key)`` picks the page shows outside the form are left off."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            if elsewhere is not None and elsewhere(field):
                continue
            editable = field in form.fields and not form.fields[field].disabled
            target = field if editable else None
            for item in field_errors:
                form.add_error(target, item)
    else:
        for message in error.messages:
            form.add_error(None, message)


# --- how a page answers a service ---------------------------------------------------------
#
# The one place for pages (the API's answers are the exception handlers in config/api.py):
#
#   ValidationError   422: the form again, each message on its field (``submit``)
#   Conflict          409: the form again with the message; registry pages add the current
#                     version and a link that reloads it (core/registry/_form_errors.html)
#   NotPermitted      403 with the reason (errors/403.html shows it)
#   OutOfScope,       404, the page a missing record gets (a scoped service's ``.get``
#   Model.DoesNotExist  raises DoesNotExist for a record outside the writer's scope)
#
# ``submit`` applies the first two to its form and raises the others as ``page_error``;
# ``ScopeErrorMiddleware`` does the same for an OutOfScope or NotPermitted that escapes
# any other page view. A form posted from a record's page (a transition, an action panel)
# goes through ``submit_on_page``, which shows that page again the same way. No page
# catches these errors itself (core/tests/test_submit.py guards the source).


def page_error(error: Exception) -> Exception:
    """The Django exception a page raises for a service's ``error`` (see the table above):
    ``Http404`` for out of scope or missing, ``PermissionDenied`` with the reason."""
    if isinstance(error, NotPermitted):
        return PermissionDenied(str(error))
    if isinstance(error, (OutOfScope, ObjectDoesNotExist)):
        return Http404()
    raise TypeError(f"not a domain error: {error!r}")


class FormOutcome:
    """What ``submit`` did: ``done`` and the ``result`` of the service call when it
    succeeded; otherwise the ``status`` the page answers with when it shows the form again
    and the service's refusal as ``error`` (for what a page shows outside the form)."""

    def __init__(self, result=None, status: int = 200, *, done: bool = False, error=None):
        self.result, self.status, self.done, self.error = result, status, done, error

    @property
    def conflict(self) -> bool:
        """Someone changed the record first: the page shows the current version (409)."""
        return self.status == 409

    @property
    def message(self) -> str:
        """The refusal as one line (a conflict's reason, shown above the page)."""
        if self.error is None:
            return ""
        return "；".join(getattr(self.error, "messages", None) or [str(self.error)])

    @property
    def errors(self) -> dict[str, list[str]]:
        """A refusal's messages by field (``{}`` for a conflict or a form-level refusal)."""
        return dict(self.error.message_dict) if hasattr(self.error, "error_dict") else {}


def submit(request, form, call, *, elsewhere=None) -> FormOutcome:
    """The one way a page runs a form through a service: on a valid POST, ``call(cleaned
    data)``; a service refusal lands on the form's fields (422), a concurrent change on the
    form as a whole (409); a GET or an invalid form is shown again (200 / 422). Out of
    scope and not permitted are raised as the page's 404 and 403 (``page_error``).

    ``elsewhere(key)``: the refusal's keys the page shows outside the form (an item's row
    on a checklist); they stay off the form, in ``outcome.errors``. A page that shows the
    conflict's reason instead of the form reads ``outcome.message``."""
    if request.method != "POST":
        return FormOutcome()
    if not form.is_valid():
        return FormOutcome(status=422)
    try:
        return FormOutcome(call(form.cleaned_data), done=True)
    except Conflict as error:
        form.add_error(None, str(error))
        return FormOutcome(status=409, error=error)
    except ValidationError as error:
        apply_service_errors(form, error, elsewhere=elsewhere)
        return FormOutcome(status=422, error=error)
    except (NotPermitted, OutOfScope, ObjectDoesNotExist) as error:
        raise page_error(error) from None


def submit_on_page(request, form, call, *, show, name: str, answer):
    """``submit()`` for a form posted from a record's page to its own URL (a transition,
    an action panel's form) whose errors show that page again: ``show(bound={name: form},
    status=…)`` with the form's errors (422), ``show(status=409, error=reason)`` — the
    record as it is now — for a conflict; done, ``answer(result)``."""
    outcome = submit(request, form, call)
    if outcome.conflict:
        return show(status=409, error=outcome.message)
    if not outcome.done:
        return show(bound={name: form}, status=outcome.status)
    return answer(outcome.result)


def is_htmx_partial(request, target: str) -> bool:
    """An htmx request that swaps only ``#target`` (the list's results)."""
    return (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == target
    )


# --- fields and forms every app's pages share ----------------------------------------------


def text_field(label, *, max_length: int, required: bool = True, rows: int = 0, **kwargs):
    """A CharField whose 'required' message names the field."""
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=widget,
        error_messages={
            "required": _("请填写%(label)s") % {"label": label},
            "max_length": _("%(label)s最多%(n)d个字") % {"label": label, "n": max_length},
        },
        **kwargs,
    )


def choice_field(label, choices, *, required: bool = True, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=required,
        choices=[("", _("请选择")), *choices],
        error_messages={
            "required": _("请选择%(label)s") % {"label": label},
            "invalid_choice": _("%(label)s不在可选范围内") % {"label": label},
        },
        **kwargs,
    )


class VersionForm(forms.Form):
    """The version of the record the page showed: a stale page is a conflict."""

    version = forms.IntegerField(widget=forms.HiddenInput)


def date_field(label, *, required: bool = True, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE,
        input_formats=DATE_FORMATS,
        error_messages={
            "required": _("请填写%(label)s") % {"label": label},
            "invalid": _("%(label)s格式不对，请按“2025-06-30”填写") % {"label": label},
        },
        **kwargs,
    )
