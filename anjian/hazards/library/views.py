"""Pages of the standards library. Thin: selectors read, services and the loader write."""

import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core import audit
from anjian.core.access import requires
from anjian.core.excel import write_ledger
from anjian.core.forms import attachment
from anjian.core.registry import (
    RegistryDetail,
    RegistryEdit,
    RegistryImportTemplate,
    RegistryList,
)
from anjian.enterprises.models import Enterprise
from anjian.hazards import permissions as perms
from anjian.hazards.choices import StandardDomain
from anjian.hazards.library import loader, selectors, services
from anjian.hazards.library.forms import ClauseForm, DocumentForm, StandardUploadForm
from anjian.hazards.library.vocabulary import Vocabulary
from anjian.hazards.models import StandardClause

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATES = "hazards/standards"


def _industry_names(codes, vocabulary: Vocabulary) -> list[str]:
    return [vocabulary.industry_name(code) for code in codes]


# --- browse -----------------------------------------------------------------------------


def document_read(user, pk: int):
    """A standard (the library is shared by every region: 404 only when missing)."""
    return selectors.document_get(pk)


def clause_read(user, pk: int):
    return selectors.clause_get(pk)


class DocumentList(RegistryList):
    access = perms.HAZARD_VIEW
    template_name = f"{TEMPLATES}/list.html"
    per_page = 200

    def rows(self):
        vocabulary = Vocabulary.current()
        return [
            (document, _industry_names(document.industry_codes, vocabulary))
            for document in selectors.document_list()
        ]


class DocumentDetail(RegistryDetail):
    access = perms.HAZARD_VIEW
    read = document_read
    template_name = f"{TEMPLATES}/detail.html"
    context_object_name = "document"

    def get_extra_context(self, obj, **context) -> dict:
        vocabulary = Vocabulary.current()
        clauses = list(selectors.clauses_of(obj))
        for clause in clauses:
            clause.industry_names = _industry_names(clause.industry_codes, vocabulary)
            clause.special_flag = selectors.SPECIAL_GROUPS.get(clause.group)
        return {
            "industries": _industry_names(obj.industry_codes, vocabulary),
            "groups": selectors.group_clauses(clauses),
            "active_count": sum(clause.is_active for clause in clauses),
            "total_count": len(clauses),
            "is_fire": obj.domain == StandardDomain.FIRE,
            "history": audit.history(obj),
            "can_edit": self.request.user.can(perms.HAZARD_STANDARDS),
        }


@require_GET
@requires(perms.HAZARD_VIEW)
def document_export(request, pk: int):
    """The edition as .xlsx (the import layout), or with ?format=json in the shipped format."""
    document = selectors.document_get(pk)
    name = f"{document.code}（{document.edition}）"
    if request.GET.get("format") == "json":
        content = json.dumps(loader.document_payload(document), ensure_ascii=False, indent=2)
        response = HttpResponse(content + "\n", content_type="application/json; charset=utf-8")
        attachment(response, f"{name}.json")
        return response
    response = HttpResponse(content_type=XLSX)
    write_ledger(
        response,
        title=_("判定条款"),
        columns=loader.EXPORT_COLUMNS,
        objects=loader.export_rows(document),
        about=[
            (_("标准"), str(document)),
            (_("标准代号"), document.code),
            (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
            (_("导出人"), str(request.user)),
            (_("说明"), _("本表可修改后在“导入”页面导入，按标准代号更新该版本")),
        ],
    )
    attachment(response, f"{name}.xlsx")
    return response


# --- edit -------------------------------------------------------------------------------


class DocumentEdit(RegistryEdit):
    access = perms.HAZARD_STANDARDS
    read = document_read
    form_class = DocumentForm
    template_name = f"{TEMPLATES}/document_form.html"
    context_object_name = "document"
    success_message = gettext_lazy("已保存“%(title)s”")

    def form_kwargs(self, obj) -> dict:
        return {"instance": obj}

    def save(self, obj, data, version):
        return services.document_update(by=self.request.user, document=obj, data=data)

    def success_url(self, result) -> str:
        return reverse("standards:document_detail", args=[result.pk])


class ClauseCreate(RegistryEdit):
    """A new clause of the standard ``pk``."""

    access = perms.HAZARD_STANDARDS
    form_class = ClauseForm
    template_name = f"{TEMPLATES}/clause_form.html"
    context_object_name = "clause"
    success_message = gettext_lazy("已新增条款 %(code)s")

    def document(self):
        return selectors.document_get(self.kwargs["pk"])

    def form_kwargs(self, obj) -> dict:
        return {"document": self.document()}

    def save(self, obj, data, version):
        return services.clause_create(by=self.request.user, document=self.document(), data=data)

    def success_url(self, result) -> str:
        return _clause_anchor(result)

    def get_extra_context(self, obj, **context) -> dict:
        return {"document": self.document(), "history": []}


class ClauseEdit(ClauseCreate):
    read = clause_read
    success_message = gettext_lazy("已保存条款 %(code)s")

    def form_kwargs(self, obj) -> dict:
        cited = services.citing_hazards([obj.pk]).get(obj.pk, [])
        return {"instance": obj, "document": obj.document, "cited": cited}

    def save(self, obj, data, version):
        return services.clause_update(by=self.request.user, clause=obj, data=data)

    def get_extra_context(self, obj, **context) -> dict:
        return {"document": obj.document, "history": audit.history(obj)}


def _clause_anchor(clause: StandardClause) -> str:
    return reverse("standards:document_detail", args=[clause.document_id]) + f"#clause-{clause.pk}"


@require_POST
@requires(perms.HAZARD_STANDARDS)
def clause_deactivate(request, pk: int):
    clause = selectors.clause_get(pk)
    services.clause_deactivate(by=request.user, clause=clause)
    messages.success(request, _("已停用条款 %(c)s；已引用它的隐患不受影响") % {"c": clause.code})
    return redirect(_clause_anchor(clause))


@require_POST
@requires(perms.HAZARD_STANDARDS)
def clause_activate(request, pk: int):
    clause = selectors.clause_get(pk)
    services.clause_activate(by=request.user, clause=clause)
    messages.success(request, _("已启用条款 %(c)s") % {"c": clause.code})
    return redirect(_clause_anchor(clause))


# --- import -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(perms.HAZARD_STANDARDS)
def document_import(request):
    """Upload → row-by-row errors, or a preview of what would change → confirm → import.

    The preview carries the validated file as JSON to its confirm button, which validates
    and plans it again before writing (nothing is trusted from the browser).
    """
    confirming = request.method == "POST" and "payload" in request.POST
    form = StandardUploadForm(
        request.POST if request.method == "POST" and not confirming else None,
        request.FILES or None,
    )
    context = {"form": form, "plan": None, "problems": [], "payload_json": ""}
    if confirming:
        try:
            payload = loader.parse_data(json.loads(request.POST["payload"]))
        except ValueError:
            context["problems"] = [loader.Problem(_("文件"), "", _("预览数据已损坏，请重新上传"))]
        except loader.StandardFileError as error:
            context["problems"] = error.problems
        else:
            return _import(request, payload, context)
        return _import_page(request, context)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            payload = loader.parse_upload(upload.name, upload)
        except loader.StandardFileError as error:
            context["problems"] = error.problems
            return _import_page(request, context)
        if not form.cleaned_data["dry_run"]:
            return _import(request, payload, context)
        plan = loader.plan_import(payload)
        context.update(
            plan=plan,
            problems=plan.problems,
            payload_json=json.dumps(payload.to_json(), ensure_ascii=False),
        )
    return _import_page(request, context)


def _import(request, payload, context):
    try:
        plan = loader.import_payload(payload, by=request.user)
    except loader.StandardFileError as error:
        context["problems"] = error.problems
        return _import_page(request, context)
    messages.success(request, plan.summary())
    return redirect("standards:document_detail", pk=plan.document.pk)


def _import_page(request, context):
    status = 422 if context["problems"] or context["form"].errors else 200
    return render(request, f"{TEMPLATES}/import.html", context, status=status)


class ImportTemplate(RegistryImportTemplate):
    access = perms.HAZARD_STANDARDS
    title = gettext_lazy("判定条款")
    columns = [*loader.DOCUMENT_COLUMNS, *loader.CLAUSE_COLUMNS]
    filename = "重大事故隐患判定标准导入模板.xlsx"
    notes = (
        gettext_lazy(
            "每行一个条款；标准信息（前 10 列）填在第一行即可，其余行可留空或填写相同的值。"
        ),
        gettext_lazy("一个文件只能包含一个标准版本；标准代号已存在时更新该版本，否则新增。"),
        gettext_lazy(
            "文件中没有列出的已有条款会被停用（不会删除）；已被隐患引用的条款不能修改判定情形文字。"
        ),
        gettext_lazy("条款文字请用本单位自拟的简述，不要照抄标准原文。"),
        gettext_lazy("也可以上传 JSON 文件，格式见 anjian/hazards/library/data/README.md。"),
    )

    def lists(self) -> dict[str, list[str]]:
        yes_no = ["是", "否"]
        return {
            str(loader.DOCUMENT_LABELS["domain"]): [
                str(label) for _v, label in StandardDomain.choices
            ],
            str(loader.DOCUMENT_LABELS["is_active"]): yes_no,
            str(loader.CLAUSE_LABELS["is_active"]): yes_no,
        }


# --- the hazard form's clause picker (htmx) ---------------------------------------------


def _picker_enterprise(request) -> Enterprise | None:
    raw = request.GET.get("enterprise", "").strip()
    scoped = Enterprise.objects.for_user(request.user).select_related("industry")
    if not raw:
        own = request.user.scope.enterprise_id
        return scoped.filter(pk=own).first() if own else None
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(scoped, pk=int(raw))


def _selected_ids(request) -> set[int]:
    return {int(value) for value in request.GET.getlist("clauses") if value.isdigit()}


@require_GET
@requires(perms.HAZARD_VIEW, perms.HAZARD_REPORT)
def clause_picker(request):
    """Checkboxes ``name="clauses"`` of the clauses that apply to ``?enterprise=<id>``.

    Suggestions for ``?q=`` (or ``?description=``, the hazard form's field) come first,
    marked 建议. Clauses already ticked (``?clauses=<id>`` repeated) stay ticked, and stay
    listed even if they no longer apply (so editing a hazard never drops its basis).
    The hazard form loads it with::

        <div hx-get="{% url 'standards:clause_picker' %}?enterprise={{ enterprise.pk }}"
             hx-trigger="load, input changed delay:500ms from:#id_description"
             hx-include="#id_description, [name=clauses]:checked"></div>
    """
    enterprise = _picker_enterprise(request)
    selected = _selected_ids(request)
    context = {"enterprise": enterprise, "selected": selected, "suggestions": [], "documents": []}
    if enterprise is not None:
        text = request.GET.get("q") or request.GET.get("description") or ""
        applicable = list(selectors.clauses_for_enterprise(enterprise))
        suggestions = selectors.suggest_clauses(enterprise, text)
        suggested = {clause.pk for clause, _score in suggestions}
        present = {clause.pk for clause in applicable}
        missing = selected - present
        extra = list(
            StandardClause.objects.filter(pk__in=missing)
            .select_related("document")
            .order_by("document__code", "sort_order")
        )
        documents = selectors.by_document(
            [clause for clause in applicable if clause.pk not in suggested]
        )
        for entry in documents:
            entry.open = any(clause.pk in selected for clause in entry.clauses)
        context.update(suggestions=suggestions, documents=documents, extra=extra)
    return render(request, f"{TEMPLATES}/_picker.html", context)
