"""危险化学品单元 pages: the list (and its Excel), a unit's page — its fields, how it was
identified and graded (every term, the sentences, the history), its inventory with the
forms that change it — and the form that registers or edits a unit; the catalogue search
the line form's chemical picker asks.

Declared on the registry base (``core.registry``) as the 应急准备 pages are: the list reads
``filters.unit_rows`` through the filter form (``SelectorFilter``), a unit is read through
the user's scope (404 outside it), every write is a service call through
``core.forms.submit`` — refused in Chinese on the field (422), a stale page answered with
the conflict and the record as it is now (409). Each change of the inventory re-identifies
the unit in the service's transaction, so the page that follows shows the new S and grade.
"""

from django.contrib import messages
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Length
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from anjian.core.access import requires
from anjian.core.excel import Column
from anjian.core.forms import VersionForm, is_htmx_partial
from anjian.core.pages import PageAction, RecordDetail
from anjian.core.registry import RegistryEdit, RegistryExport, RegistryList, shown
from anjian.enterprises.models import Enterprise
from anjian.hazchem import gb18218, selectors, services
from anjian.hazchem import permissions as perms
from anjian.hazchem.filters import unit_filter
from anjian.hazchem.forms_units import LineChangeForm, LineForm, RetireForm, UnitForm
from anjian.hazchem.models import ChemicalUnit, MajorHazardSource
from anjian.hazchem.tables import UnitTable, figure

PICKER_LIMIT = 20
HISTORY_LIMIT = 50
FACTS = ("kind", "boundary", "population_500m")


def unit_read(user, pk) -> ChemicalUnit:
    """A unit in ``user``'s scope, or 404."""
    visible = selectors.units(user).select_related("enterprise", "enterprise__street")
    return get_object_or_404(visible, pk=pk)


def unit_url(unit, anchor: str = "") -> str:
    url = reverse("hazchem:unit_detail", args=[unit.pk])
    return f"{url}#{anchor}" if anchor else url


def evaluated_words(unit) -> str:
    """The unit's evaluation in one line: S, and the grade or that it is no source."""
    if unit.is_major and unit.grade:
        verdict = _("%(grade)s重大危险源") % {"grade": unit.get_grade_display()}
    else:
        verdict = _("不构成重大危险源")
    return _("S = %(s)s，%(verdict)s") % {"s": figure(unit.s_value), "verdict": verdict}


# --- the list and its Excel -----------------------------------------------------------------


class UnitList(RegistryList):
    access = perms.HAZCHEM_VIEW
    filterset = unit_filter
    table = UnitTable
    template_name = "hazchem/units/list.html"


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _yes(value: bool) -> str:
    return _("是") if value else _("否")


def _inventory(unit) -> str:
    return "；".join(
        f"{line.chemical.name} {figure(line.max_quantity)} t" for line in unit.lines.all()
    )


def _t(text) -> str:
    return str(gettext_lazy(text))


UNIT_COLUMNS = [
    Column("id", _t("系统编号"), 10, export=lambda u: u.pk),
    Column("enterprise", _t("单位"), 30, export=lambda u: u.enterprise.name),
    Column("credit_code", _t("统一社会信用代码"), 22, export=lambda u: u.enterprise.credit_code),
    Column("street", _t("街道（镇）"), 14, export=lambda u: u.enterprise.street.name),
    Column("name", _t("单元名称"), 24, export=lambda u: u.name),
    Column("kind", _t("单元类型"), 10, export=lambda u: u.get_kind_display()),
    Column("population_500m", _t("500米范围内常住人口"), 12, export=lambda u: u.population_500m),
    Column("inventory", _t("危险化学品及设计最大量"), 40, export=_inventory),
    Column("s_value", _t("S值"), 10, export=lambda u: u.s_value),
    Column("is_major", _t("构成重大危险源"), 10, export=lambda u: _yes(u.is_major)),
    Column("alpha", _t("α"), 6, export=lambda u: u.alpha),
    Column("r_value", _t("R值"), 10, export=lambda u: u.r_value),
    Column("grade", _t("级别"), 8, export=lambda u: u.get_grade_display()),
    Column("edition", _t("依据标准"), 14, export=lambda u: u.edition),
    Column("evaluated_at", _t("辨识时间"), 17, export=lambda u: _local(u.evaluated_at)),
    Column("active", _t("在用"), 6, export=lambda u: _yes(u.active)),
    Column("retired_reason", _t("停用原因"), 20, export=lambda u: u.retired_reason),
]


class UnitExport(RegistryExport):
    """The filtered list as shown, every row, with each unit's inventory in one cell."""

    access = perms.HAZCHEM_VIEW
    filterset = unit_filter
    columns = UNIT_COLUMNS
    title = _t("危险化学品单元台账")

    def ledger(self):
        queryset, about = super().ledger()
        return queryset.prefetch_related("lines__chemical"), about


# --- the catalogue search (the line form's picker) ------------------------------------------


def chemical_matches(query: str) -> list:
    """At most ``PICKER_LIMIT`` active catalogue entries matching ``query`` by name, alias or
    CAS number: the exact name or CAS number first, then names that start with it."""
    query = (query or "").strip()
    if not query:
        return []
    cas = gb18218.normalise_cas(query)
    rank = Case(
        When(name=query, then=Value(0)),
        When(cas=cas, then=Value(0)),
        When(name__startswith=query, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    found = selectors.chemicals(query).annotate(rank=rank, length=Length("name"))
    return list(found.order_by("rank", "length", "name")[:PICKER_LIMIT])


def chemical_text(chemical) -> str:
    """How the picker names an entry: 品名（CAS号）, then its aliases (why it matched)."""
    text = str(chemical)
    if chemical.aliases:
        aliases = chemical.aliases if len(chemical.aliases) <= 40 else chemical.aliases[:39] + "…"
        text += _(" · 别名：%(a)s") % {"a": aliases}
    return text


@require_GET
@requires(perms.HAZCHEM_VIEW)
def chemical_search(request):
    """``?q=``: the catalogue entries matching it, as ``[{id, text}]`` (at most 20)."""
    found = chemical_matches(request.GET.get("q", ""))
    return JsonResponse(
        [{"id": chemical.pk, "text": chemical_text(chemical)} for chemical in found],
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )


# --- a unit ---------------------------------------------------------------------------------


class UnitDetail(RecordDetail):
    """The unit, its evaluation (``hazchem/_evaluation.html``), its inventory and history;
    with ``chemunit.manage`` (an active unit) the forms that change it, each posting to its
    own URL. ``?chemical_q=`` fills the add form's chemical list without the script."""

    access = perms.HAZCHEM_VIEW
    read = unit_read
    template_name = "hazchem/units/detail.html"
    context_object_name = "unit"

    def page(self, obj, *, status: int = 200, bound=None, error: str = "", **extra):
        self.conflict = bool(error)
        return super().page(obj, status=status, bound=bound, error=error, **extra)

    def current(self, name: str, version: int, make):
        """The form ``name``; after a conflict, read at ``version`` (the record as it is)."""
        form = self.form(name, make)
        if form.is_bound and getattr(self, "conflict", False) and "version" in form.fields:
            form.data = form.data.copy()
            form.data["version"] = str(version)
        return form

    def get_extra_context(self, obj, **context) -> dict:
        user = self.request.user
        lines = list(obj.lines.select_related("chemical").order_by("id"))
        evaluations = obj.evaluations.select_related("by")
        may_manage = obj.active and user.can(perms.UNIT_MANAGE)
        context = {
            "facts": [(str(obj._meta.get_field(n).verbose_name), shown(obj, n)) for n in FACTS],
            "source": MajorHazardSource.objects.filter(unit=obj).first(),
            "evaluations": evaluations[:HISTORY_LIMIT],
            "history_total": evaluations.count(),
            "history_limit": HISTORY_LIMIT,
            "may_manage": may_manage,
            "rows": [{"line": line} for line in lines],
        }
        if not may_manage:
            return context
        query = self.request.GET.get("chemical_q", "").strip()
        offer = chemical_matches(query) if query else []
        context.update(chemical_q=query, offered=len(offer))
        context["line_form"] = self.form("line", lambda: LineForm(offer=offer, auto_id="line-%s"))
        for row in context["rows"]:
            line = row["line"]
            row.update(change_id=f"action-change-{line.pk}", remove_id=f"action-remove-{line.pk}")
            row["change"] = self.current(
                f"change_{line.pk}",
                line.version,
                lambda line=line: LineChangeForm(line=line, auto_id=f"change-{line.pk}-%s"),
            )
            row["remove"] = self.current(
                f"remove_{line.pk}",
                line.version,
                lambda line=line: VersionForm(
                    initial={"version": line.version}, auto_id=f"remove-{line.pk}-%s"
                ),
            )
        context["retire_form"] = self.form(
            "retire", lambda: RetireForm(initial={"version": obj.version}, auto_id="retire-%s")
        )
        return context


class UnitAction(PageAction):
    """A form on a unit's page: refused, the page again with the form and its errors."""

    access = perms.UNIT_MANAGE
    detail = UnitDetail

    def detail_url(self, obj) -> str:
        return unit_url(obj)


class LineAdd(UnitAction):
    form_class, form_name, anchor = LineForm, "line", "lines"
    versions_the_page = False

    def save(self, obj, data):
        return services.line_add(self.request.user, unit_id=obj.pk, data=self.form.service_data())

    def saved(self, obj, result):
        unit = ChemicalUnit.objects.get(pk=obj.pk)
        messages.success(
            self.request,
            _("已增加%(c)s，单元已重新辨识：%(e)s")
            % {"c": result.chemical.name, "e": evaluated_words(unit)},
        )
        return redirect(unit_url(obj, "evaluation"))


class LineAction(UnitAction):
    """A form about one line of the unit (the line must be the unit's: else 404)."""

    versions_the_page = False  # the form's version is the line's

    def get_form_class(self, obj):
        self.line = get_object_or_404(
            obj.lines.select_related("chemical"), pk=self.kwargs["line_id"]
        )
        self.form_name = f"{self.prefix}_{self.line.pk}"
        return self.form_class

    def form_kwargs(self, obj) -> dict:
        return {"auto_id": f"{self.prefix}-{self.line.pk}-%s"}

    def saved(self, obj, result):
        unit = ChemicalUnit.objects.get(pk=obj.pk)
        messages.success(
            self.request,
            self.done % {"c": self.line.chemical.name, "e": evaluated_words(unit)},
        )
        return redirect(unit_url(obj, "evaluation"))


class LineEdit(LineAction):
    form_class, prefix = LineChangeForm, "change"
    done = gettext_lazy("已修改%(c)s，单元已重新辨识：%(e)s")

    def save(self, obj, data):
        return services.line_update(
            self.request.user,
            line_id=self.line.pk,
            expected_version=data["version"],
            data=self.form.service_data(),
        )


class LineRemove(LineAction):
    form_class, prefix = VersionForm, "remove"
    done = gettext_lazy("已移除%(c)s，单元已重新辨识：%(e)s")

    def save(self, obj, data):
        return services.line_remove(
            self.request.user, line_id=self.line.pk, expected_version=data["version"]
        )


class UnitRetire(UnitAction):
    form_class, form_name, anchor = RetireForm, "retire", "summary"

    def save(self, obj, data):
        return services.unit_retire(
            self.request.user,
            unit_id=obj.pk,
            expected_version=data["version"],
            reason=data["reason"],
        )

    def saved(self, obj, result):
        messages.success(self.request, _("已停用单元“%(name)s”") % {"name": result.name})
        return redirect(unit_url(obj))


# --- register or edit a unit ----------------------------------------------------------------


def enterprise_matches(user, query: str):
    """The enterprises in ``user``'s scope matching ``query`` (the picker's list)."""
    query = (query or "").strip()
    if not query:
        return Enterprise.objects.none()
    found = Enterprise.objects.for_user(user).search(query).select_related("street")
    return found.order_by("name_sort_key")[:PICKER_LIMIT]


UNIT_SECTIONS = [
    (gettext_lazy("单元"), ["kind", "name", "boundary"]),
    (gettext_lazy("周边人口与位置"), ["population_500m", "latitude", "longitude"]),
]


class UnitEdit(RegistryEdit):
    """Register a unit (no ``pk``) or change one. A government user picks its enterprise
    (``?q=`` searches the units in scope; htmx swaps the matches in, or the page reloads
    with them); an enterprise user's unit is its own."""

    access = perms.UNIT_MANAGE
    read = unit_read
    form_class = UnitForm
    template_name = "hazchem/units/form.html"
    context_object_name = "unit"
    sections = UNIT_SECTIONS
    list_url = "hazchem:unit_list"

    def get(self, request, *args, **kwargs):
        if is_htmx_partial(request, "enterprise-matches"):
            query = request.GET.get("q", "")
            context = {"matches": enterprise_matches(request.user, query), "query": query}
            return render(request, "hazchem/units/form.html#matches", context)
        return super().get(request, *args, **kwargs)

    def refuse(self, obj):
        if obj is not None and not obj.active:
            messages.warning(self.request, _("该单元已停用，不能再修改"))
            return redirect(unit_url(obj))
        return None

    def form_kwargs(self, obj) -> dict:
        kwargs = super().form_kwargs(obj)
        if obj is None and self.request.method == "GET":
            kwargs["initial"] = {"enterprise": self.request.GET.get("enterprise")}
        return kwargs

    def save(self, obj, data, version):
        user = self.request.user
        if obj is None:
            return services.unit_create(user, data=data)
        return services.unit_update(user, unit_id=obj.pk, expected_version=version, data=data)

    def saved(self, obj, result):
        done = _("已保存“%(name)s”") if obj else _("已登记单元“%(name)s”，请登记其中的危险化学品")
        messages.success(self.request, done % {"name": result.name})
        return redirect(unit_url(result, "" if obj else "lines"))

    def cancel_url(self, obj) -> str:
        return unit_url(obj) if obj is not None else reverse(self.list_url)

    def get_extra_context(self, obj=None, **context) -> dict:
        query = self.request.GET.get("q", "")
        extra = {"query": query, "matches": enterprise_matches(self.request.user, query)}
        if obj is None:
            heading, back_url, back_label = (
                _("登记危险化学品单元"),
                reverse(self.list_url),
                _("危险化学品单元"),
            )
        else:
            heading, back_url, back_label = _("修改危险化学品单元"), unit_url(obj), obj.name
        return {**extra, "heading": heading, "back_url": back_url, "back_label": back_label}
