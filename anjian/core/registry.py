"""Registry pages from one base (STYLE habit 13; docs/development/architecture.md, "Pages
are patterns"). NetBox's generic views are the model: a page is a class that declares what
differs — the selector that reads, the table, the form, the service call, the template —
and the base does the rest the same way on every registry.

Every page here:

- **declares who may use it**: ``access = perms.X``, or a tuple of alternatives (any one
  lets in). The URL walk (``web/tests/test_url_access.py``) reads it; anonymous → login,
  wrong role → 403 with the reason (``core.access.AccessMixin``); a method the page does
  not take → 405, before anything else.
- **reads through selectors that start from ``Model.objects.for_user(user)``**:
  ``filterset(user, params)`` for the list, its export and its map (so all three show the
  same records), ``read(user, pk)`` for one record (404 outside the scope). Declare them as
  plain functions (``filterset = selectors.enterprise_filter``); override ``get_filterset``
  / ``get_object`` to compute instead.
- **writes only through ``core.forms.submit()``**, which holds the one table of how a page
  answers a service: ValidationError → 422 on the fields, Conflict → 409 with the current
  version and a reload link (``core/registry/_form_errors.html``), NotPermitted → 403 with
  the reason, out of scope → 404.

The classes (Django views: ``path("", EnterpriseList.as_view(), name="enterprise_list")``):

=======================  =================================================================
``RegistryList``         ``filterset`` + ``table`` (+ ``per_page``); ``HX-Target: results``
                         gets only ``core/registry/list.html#results``. Without a table,
                         ``rows()`` paginated into ``page``.
``RegistryExport``       ``filterset`` + ``columns`` + ``title``: the filtered list as .xlsx;
                         over ``sync_limit()`` rows, the ``job_kind`` background job
                         (``core/exports.py``).
``RegistryMap``          the map page: ``points_url`` + ``layers`` + ``map_context()``.
``RegistryMapPoints``    its JSON feed: ``points()`` → (points, total), ``limit``.
``RegistryDetail``       ``read`` + ``template_name``; ``page(obj, status=, **extra)`` shows
                         it again for a form posted from it.
``RegistryEdit``         ``read`` (none: a create page) + ``form_class`` + ``save(obj, data,
                         version)``: create and edit, version-checked; ``saved()`` answers.
``RegistryAction``       a form on a detail page posted to its own URL (``detail`` +
                         ``form_name``); its errors show that detail page again.
``RegistryImport``       an Excel upload that becomes the ``job_kind`` background job.
``RegistryImportTemplate``  the import's template file.
=======================  =================================================================

Example (enterprises/views.py)::

    class EnterpriseList(RegistryList):
        access = perms.ENTERPRISE_VIEW
        filterset = selectors.enterprise_filter
        table = EnterpriseTable
        template_name = "enterprises/list.html"

    class EnterpriseEdit(RegistryEdit):
        access = (perms.ENTERPRISE_CHANGE, perms.ENTERPRISE_CHANGE_OWN)
        read = selectors.enterprise_get
        template_name = "enterprises/form.html"
        context_object_name = "enterprise"
        sections = SECTIONS
        success_message = gettext_lazy("已保存“%(name)s”")

        def get_form_class(self):
            return form_class_for(self.request.user)

        def save(self, obj, data, version):
            return services.enterprise_update(
                by=self.request.user, enterprise_id=obj.pk, data=data, expected_version=version
            )
"""

from types import FunctionType

from django import forms
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from anjian.core.access import AccessMixin
from anjian.core.excel import write_template
from anjian.core.exports import export_response
from anjian.core.forms import ImportUploadForm, attachment, is_htmx_partial, submit
from anjian.core.jobs import job_start
from anjian.core.models import SiteFlag
from anjian.core.pagination import page_of, paginate_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VERSION = "version"  # the hidden field that carries the version a form was read at

# Class attributes that name selector functions: kept plain (never bound to the view).
SELECTORS = ("filterset", "read", "layers")


class Attributes(dict):
    """``%(name)s`` in a success message: that attribute of the saved result (a method,
    such as ``get_level_display``, is called)."""

    def __init__(self, obj):
        super().__init__()
        self.obj = obj

    def __getitem__(self, key):
        value = getattr(self.obj, key)
        return value() if callable(value) else value


class RegistryView(AccessMixin, View):
    """What every registry page shares: declared access, 405 first, selectors unbound."""

    access = None
    http_method_names = ["get"]
    template_name = ""
    filterset = None  # (user, params) → FilterSet over the user's scoped queryset
    success_message = ""  # after a write; "%(name)s": that attribute of the saved result

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if isinstance(cls.__dict__.get("access"), tuple):
            cls.access = "|".join(cls.access)
        for name in SELECTORS:
            if isinstance(cls.__dict__.get(name), FunctionType):
                setattr(cls, name, staticmethod(cls.__dict__[name]))

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_filterset(self):
        return self.filterset(self.request.user, self.request.GET)

    def get_extra_context(self, **context) -> dict:
        """More for the template, given what the base put in it."""
        return {}

    def announce(self, result) -> None:
        if self.success_message:
            messages.success(self.request, self.success_message % Attributes(result))


# --- lists, exports, maps ------------------------------------------------------------------


class RegistryList(RegistryView):
    """The filtered, sorted, paginated list; the filter form refreshes ``#results`` by htmx."""

    table = None  # a django-tables2 Table over ``filterset.qs``
    per_page = 50
    results_template = "core/registry/list.html#results"

    def rows(self):
        """A list without a table: the records to page through (``page`` in the template)."""
        raise NotImplementedError(f"{type(self).__name__}: declare a table or rows()")

    def get(self, request, *args, **kwargs):
        if self.table is None:
            context = {"page": page_of(request, self.rows(), per_page=self.per_page)}
        else:
            filterset = self.get_filterset()
            table = paginate_table(request, self.table(filterset.qs), per_page=self.per_page)
            context = {"filterset": filterset, "table": table, "query": request.GET.urlencode()}
        context.update(self.get_extra_context(**context))
        if self.table is not None and is_htmx_partial(request, "results"):
            return render(request, self.results_template, context)
        return render(request, self.template_name, context)


def about_lines(user, filterset, *, ledger: str, notes=()) -> list[tuple[str, str]]:
    """The export's 导出说明 sheet: which ledger, when, by whom, the scope, each filter in
    use, then ``notes`` (label, text), and a warning when the data is the demo's."""
    about = [
        (_("台账"), ledger),
        (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")),
        (_("导出人"), str(user)),
        (_("可见范围"), user.scope.label),
    ]
    for label, value in filterset.active_filters:
        about.append((_("筛选：%(f)s") % {"f": label}, value))
    about.extend(notes)
    if SiteFlag.objects.filter(key=SiteFlag.DEMO_DATA).exists():
        about.append((_("说明"), _("本文件数据为系统生成的演示数据（合成），不代表真实单位")))
    return about


class RegistryExport(RegistryView):
    """Exactly the filtered list the user is looking at, every row, as an Excel ledger."""

    columns = ()  # core.excel.Column
    title = ""  # the sheet's title, and the file name's start
    chunk_size = 2000
    job_kind = ""  # larger than sync_limit(): this background job writes the file

    def ledger(self):
        """(records in the list's order, the 导出说明 lines)."""
        filterset = self.get_filterset()
        return filterset.qs, about_lines(self.request.user, filterset, ledger=self.title)

    def sync_limit(self) -> int | None:
        return None

    def filename(self) -> str:
        return f"{self.title}-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"

    def get(self, request, *args, **kwargs):
        queryset, about = self.ledger()
        return export_response(
            request,
            kind=self.job_kind,
            queryset=queryset,
            about=about,
            title=str(self.title),
            columns=self.columns,
            filename=self.filename(),
            chunk_size=self.chunk_size,
            limit=self.sync_limit(),
        )


class RegistryMap(RegistryView):
    """The map page: its filter form, and what the map script needs (``map_context``)."""

    points_url = ""  # URL name of the RegistryMapPoints feed
    layers = None  # (user) → {"districts": [...], "streets": [...]} to draw under the points

    def map_context(self) -> dict:
        """More for the script (detail or list URL, colours, labels)."""
        return {}

    def get(self, request, *args, **kwargs):
        context = {
            "map_context": {
                "pointsUrl": reverse(self.points_url),
                **self.map_context(),
                **self.layers(request.user),
            }
        }
        if self.filterset is not None:
            context["filterset"] = self.get_filterset()
        context.update(self.get_extra_context(**context))
        return render(request, self.template_name, context)


class RegistryMapPoints(RegistryView):
    """The map's points as compact JSON: at most ``limit`` of ``total``."""

    limit = 5000

    def points(self) -> tuple[list[list], int]:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        points, total = self.points()
        return JsonResponse(
            {"points": points, "total": total, "limit": self.limit},
            json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
        )


# --- one record: detail, create/edit, a form on the detail page -------------------------------


class RegistryDetail(RegistryView):
    """One record in the user's scope (404 outside it)."""

    read = None  # (user, pk) → the record, or Http404
    context_object_name = "object"

    def get_object(self):
        return self.read(self.request.user, self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return self.page(self.get_object())

    def page(self, obj, *, status: int = 200, **extra):
        """The page of ``obj``; ``extra`` replaces context (a form posted from it)."""
        context = {self.context_object_name: obj}
        context.update(self.get_extra_context(obj=obj))
        context.update(extra)
        return render(self.request, self.template_name, context, status=status)


def form_sections(form, sections) -> list[tuple[str, list]]:
    """[(title, [bound fields])] for the cards of a form, skipping what the form lacks."""
    return [
        (title, [form[name] for name in names if name in form.fields])
        for title, names in sections
        if any(name in form.fields for name in names)
    ]


def shown(obj, name: str) -> str:
    """A model field's value as a page shows it (choice labels, 是/否, — for empty)."""
    display = getattr(obj, f"get_{name}_display", None)
    value = display() if display is not None else getattr(obj, name, "")
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def differences(form, current_form) -> list[tuple[str, str]]:
    """After a conflict: (label, current value) of each field where what was submitted
    differs from the record as it is now (``current_form``: unbound, on the current record)."""
    if not isinstance(form, forms.ModelForm):
        return []
    current = current_form.instance
    model_fields = {field.name for field in current._meta.get_fields()}
    found = []
    for name, field in form.fields.items():
        if name not in model_fields or field.disabled or field.widget.is_hidden:
            continue
        if field.has_changed(current_form[name].initial, form[name].data):
            found.append((str(field.label), shown(current, name)))
    return found


class RegistryEdit(RegistryView):
    """Create (no ``read``, or no ``pk`` in the URL) or edit a record through its service.

    GET shows the form; POST runs it through ``submit()``: ``save(obj, data, version)``
    calls the service with the form's data (``service_data``) and the version the form was
    read at; ``saved(obj, result)`` answers success. A refusal shows the form again with
    the record as it is now; a conflict (409) adds its current version, what differs from
    the input, and ``reload_url``.
    """

    http_method_names = ["get", "post"]
    read = None  # (user, pk) → the record to edit, or Http404
    form_class = None
    context_object_name = "object"
    sections = None  # [(title, [field names])]: the form's cards, in order
    list_url = ""  # URL name the 取消 of a create page goes back to

    def get_object(self):
        if self.read is None or "pk" not in self.kwargs:
            return None
        return self.read(self.request.user, self.kwargs["pk"])

    def refuse(self, obj):
        """A response instead of the form (the record may not be changed now), or None."""
        return None

    def get_form_class(self):
        return self.form_class

    def form_kwargs(self, obj) -> dict:
        return {"instance": obj, "user": self.request.user}

    def get_form(self, obj, *, bound: bool = True):
        posted = bound and self.request.method == "POST"
        data, files = (self.request.POST, self.request.FILES) if posted else (None, None)
        return self.get_form_class()(data, files, **self.form_kwargs(obj))

    def service_data(self, form) -> dict:
        """What the service writes: the form's ``service_data()``, else its cleaned data
        (with what ``clean()`` derived) without the version and the fields it shows but
        does not let change."""
        if hasattr(form, "service_data"):
            return form.service_data()
        return {
            name: value
            for name, value in form.cleaned_data.items()
            if name != VERSION and not (name in form.fields and form.fields[name].disabled)
        }

    def expected_version(self, form) -> int:
        return form.cleaned_data.get(VERSION) or 0

    def save(self, obj, data: dict, version: int):
        raise NotImplementedError(f"{type(self).__name__}: save() calls the service")

    def saved(self, obj, result):
        self.announce(result)
        return redirect(self.success_url(result))

    def success_url(self, result) -> str:
        return result.get_absolute_url()

    def get(self, request, *args, **kwargs):
        return self.respond()

    def post(self, request, *args, **kwargs):
        return self.respond()

    def respond(self):
        obj = self.get_object()
        refused = self.refuse(obj)
        if refused is not None:
            return refused
        self.form = form = self.get_form(obj)
        outcome = submit(
            self.request,
            form,
            lambda _cleaned: self.save(obj, self.service_data(form), self.expected_version(form)),
        )
        if outcome.done:
            return self.saved(obj, outcome.result)
        return self.page(obj, form, outcome)

    def page(self, obj, form, outcome):
        if obj is not None and self.request.method == "POST":
            obj = self.get_object()  # as it is now (validating wrote the input onto ``obj``)
        context = {
            "form": form,
            self.context_object_name: obj,
            "cancel_url": self.cancel_url(obj),
        }
        if self.sections is not None:
            context["sections"] = form_sections(form, self.sections)
        if outcome.conflict:
            context.update(
                conflict=True,
                current=obj,
                reload_url=self.request.get_full_path(),
                differences=differences(form, self.get_form(obj, bound=False)),
            )
        context.update(self.get_extra_context(obj=obj, form=form))
        return render(self.request, self.template_name, context, status=outcome.status)

    def cancel_url(self, obj) -> str:
        if obj is not None and hasattr(obj, "get_absolute_url"):
            return obj.get_absolute_url()
        return reverse(self.list_url) if self.list_url else ""


class RegistryAction(RegistryView):
    """A form on a record's detail page, posted to its own URL: ``save(obj, data)`` through
    ``submit()``; invalid or refused, the detail page again with the form (``form_name``)."""

    http_method_names = ["post"]
    detail = None  # the RegistryDetail the form is on: its read, its page
    form_class = None
    form_name = "form"

    def form_kwargs(self, obj) -> dict:
        return {}

    def save(self, obj, data: dict):
        raise NotImplementedError(f"{type(self).__name__}: save() calls the service")

    def saved(self, obj, result):
        self.announce(result)
        return redirect(obj)

    def post(self, request, *args, **kwargs):
        detail = self.detail()
        detail.setup(request, *args, **kwargs)
        obj = detail.get_object()
        form = self.form_class(request.POST, **self.form_kwargs(obj))
        outcome = submit(request, form, lambda data: self.save(obj, data))
        if outcome.done:
            return self.saved(obj, outcome.result)
        return detail.page(obj, status=outcome.status, **{self.form_name: form})


# --- Excel import ------------------------------------------------------------------------------


class RegistryImport(RegistryView):
    """Upload an .xlsx; a background job (``job_kind``) checks and imports it, and the job
    page shows its progress and report."""

    http_method_names = ["get", "post"]
    job_kind = ""
    modes = {}  # value → label: what to do when some rows are wrong

    def get(self, request, *args, **kwargs):
        return self.respond()

    def post(self, request, *args, **kwargs):
        return self.respond()

    def respond(self):
        request = self.request
        posted = request.method == "POST"
        form = ImportUploadForm(
            request.POST if posted else None, request.FILES if posted else None, modes=self.modes
        )
        outcome = submit(request, form, self.start)
        if outcome.done:
            return redirect("core:job_detail", pk=outcome.result.pk)
        context = {"form": form, "modes": self.modes}
        return render(request, self.template_name, context, status=outcome.status)

    def start(self, data: dict):
        upload = data["file"]
        return job_start(
            kind=self.job_kind,
            by=self.request.user,
            params={"mode": data["mode"], "filename": upload.name},
            upload=upload,
        )


class RegistryImportTemplate(RegistryView):
    """The import's template: the importable columns, an example row (marked with
    ``core.excel.EXAMPLE_MARK``; the reader skips it), the drop-down lists (``lists()``) and
    the notes."""

    columns = ()
    title = ""  # the sheet's title
    notes = ()  # lines of the 填写说明 sheet
    filename = ""

    def lists(self) -> dict[str, list[str]]:
        return {
            column.header: list(column.choices)
            for column in self.columns
            if column.choices and column.importable
        }

    def get(self, request, *args, **kwargs):
        content = write_template(
            title=str(self.title),
            columns=self.columns,
            notes=[str(note) for note in self.notes],
            lists=self.lists(),
        )
        response = HttpResponse(content, content_type=XLSX)
        attachment(response, self.filename)
        return response
