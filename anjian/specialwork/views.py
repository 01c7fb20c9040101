"""特殊作业票 pages: the list (and its Excel), a permit's page — the permit, how its grade was
found, what it still needs before the work starts, its gas analyses, signatures and timeline,
and the form of each next step — and the forms those steps post to.

Declared on the registry base (``core.registry``) as the hazchem pages are: the list reads
``filters.permits`` through the filter form (``SelectorFilter``), a permit is read through the
user's scope (404 outside it), every write is a service call through ``core.forms.submit``
— refused in Chinese on the field (422), a stale page or a gate that does not hold answered
with the reason and the permit as it is now (409)."""

from functools import partial

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.excel import Column
from anjian.core.exceptions import OutOfScope
from anjian.core.forms import VersionForm
from anjian.core.pages import PageAction, RecordDetail
from anjian.core.registry import RegistryExport, RegistryList
from anjian.specialwork import gates, gb30871, selectors, services, services_records
from anjian.specialwork import permissions as perms
from anjian.specialwork.choices import State
from anjian.specialwork.filters import permit_filter
from anjian.specialwork.forms import AnalysisForm, ApprovalForm, NoteForm, ProgressForm, ReasonForm
from anjian.specialwork.lifecycle import PERMIT
from anjian.specialwork.tables import PermitTable, grade_badge, local, passed_badge, state_badge


def permit_read(user, pk):
    try:
        return selectors.permit_read(user, pk)
    except OutOfScope:
        raise Http404() from None


class PermitList(RegistryList):
    access = perms.SPECIALWORK_VIEW
    filterset = permit_filter
    table = PermitTable
    template_name = "specialwork/list.html"


def _t(text) -> str:
    return str(gettext_lazy(text))


def _naive(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


PERMIT_COLUMNS = [
    Column("number", _t("作业票编号"), 18, export=lambda p: p.number),
    Column("kind", _t("作业类别"), 14, export=lambda p: p.get_kind_display()),
    Column("grade", _t("作业级别"), 8, export=lambda p: p.get_grade_display() if p.grade else "—"),
    Column("state", _t("状态"), 10, export=lambda p: p.get_state_display()),
    Column("enterprise", _t("单位"), 30, export=lambda p: p.enterprise.name),
    Column("street", _t("街道（镇）"), 14, export=lambda p: p.enterprise.street.name),
    Column("place", _t("作业地点"), 24, export=lambda p: p.place),
    Column("unit", _t("危化品单元"), 18, export=lambda p: p.unit.name if p.unit else ""),
    Column("source", _t("重大危险源"), 18, export=lambda p: p.source.number if p.source else ""),
    Column("content", _t("作业内容"), 30, export=lambda p: p.content),
    Column("planned_start", _t("计划开始时间"), 17, export=lambda p: _naive(p.planned_start)),
    Column("planned_end", _t("计划结束时间"), 17, export=lambda p: _naive(p.planned_end)),
    Column("valid_until", _t("有效期至"), 17, export=lambda p: _naive(p.valid_until)),
    Column("guardian", _t("监护人"), 10, export=lambda p: p.guardian),
    Column("workers", _t("作业人员"), 20, export=lambda p: "、".join(p.workers)),
    Column("started_at", _t("开始作业时间"), 17, export=lambda p: _naive(p.started_at)),
    Column("ended_at", _t("结束时间"), 17, export=lambda p: _naive(p.ended_at)),
    Column("reasons", _t("定级依据"), 40, export=lambda p: "；".join(p.grade_reasons)),
    Column("edition", _t("依据标准"), 14, export=lambda p: p.edition),
]


class PermitExport(RegistryExport):
    """The filtered list as shown, every row."""

    access = perms.SPECIALWORK_VIEW
    filterset = permit_filter
    columns = PERMIT_COLUMNS
    title = _t("特殊作业票台账")

    def ledger(self):
        queryset, about = super().ledger()
        return queryset.select_related("enterprise__street"), about


# --- a permit ----------------------------------------------------------------------------------

TRANSITION_FORMS = {
    "submit": (VersionForm, gettext_lazy("提交审批"), "btn-primary"),
    "start": (VersionForm, gettext_lazy("开始作业"), "btn-success"),
    "pause": (ReasonForm, gettext_lazy("暂停作业"), "btn-warning"),
    "resume": (VersionForm, gettext_lazy("恢复作业"), "btn-success"),
    "close": (NoteForm, gettext_lazy("完工关闭"), "btn-primary"),
    "cancel": (ReasonForm, gettext_lazy("作废"), "btn-outline-danger"),
}


def signable(permit) -> list[gb30871.Step]:
    """The steps that may be signed now: the countersignatures first, then the approval."""
    missing = gates.missing_steps(permit)
    countersign = [step for step in missing if step.stage == gb30871.COUNTERSIGN]
    return countersign or missing


class PermitDetail(RecordDetail):
    """The permit and the form of each step the user may take on it now."""

    access = perms.SPECIALWORK_VIEW
    read = permit_read
    template_name = "specialwork/detail.html"
    context_object_name = "permit"

    def get_extra_context(self, obj, **context) -> dict:
        signed = gates.signatures(obj)
        mapped = selectors.mappings(obj.enterprise_id)
        steps = [
            {"step": step, "signature": signed.get(step.key), "mapped": mapped.get(step.role)}
            for step in gates.steps(obj)
        ]
        facts = gates.facts_of(obj)
        limit = gates.pause_limit(obj)
        return {
            "grade_badge": grade_badge(obj),
            "state_badge": state_badge(obj.state),
            "steps": steps,
            "withdrawn": obj.approvals.filter(withdrawn=True).order_by("at", "id"),
            "analyses": [
                {"analysis": a, "badge": passed_badge(a.passed)}
                for a in obj.analyses.order_by("-taken_at", "-id")
            ],
            "readings": gb30871.readings_needed(obj.kind, facts),
            "validity_words": gb30871.validity_words(obj.kind, obj.grade, facts),
            "pause_minutes": int(limit.total_seconds() // 60) if limit else None,
            "gates": self.gates(obj),
            "timeline": obj.transitions.select_related("by").order_by("at", "id"),
            "labels": PERMIT.labels(),
            "state_labels": dict(State.choices),
            "actions": self.actions(obj),
            "may_edit": PERMIT.may_operate(self.request.user, "edit", obj),
            "local": local,
        }

    def gates(self, obj) -> list:
        if obj.state == State.APPROVED:
            return gates.start_gates(obj)
        if obj.state == State.PAUSED:
            return gates.resume_gates(obj)
        return []

    def actions(self, obj) -> list[dict]:
        """The forms of what the user may do now, in the lifecycle's order."""
        user = self.request.user
        found = []
        available = {item.name for item in PERMIT.available(user, obj)}
        if "sign" in available and signable(obj):
            mapped = selectors.mappings(obj.enterprise_id)
            steps = signable(obj)
            found.append(
                self._form(
                    obj,
                    "sign",
                    _("记录审批意见"),
                    lambda: ApprovalForm(
                        initial={"version": obj.version},
                        steps=steps,
                        mapped=mapped,
                        auto_id="sign-%s",
                    ),
                    reverse("specialwork:approval_add", args=[obj.pk]),
                )
            )
        if "analyse" in available:
            now = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
            found.append(
                self._form(
                    obj,
                    "analyse",
                    _("记录气体分析"),
                    lambda: AnalysisForm(initial={"taken_at": now}, auto_id="analyse-%s"),
                    reverse("specialwork:analysis_add", args=[obj.pk]),
                )
            )
        if "progress" in available:
            found.append(
                self._form(
                    obj,
                    "progress",
                    _("作业记录"),
                    lambda: ProgressForm(auto_id="progress-%s"),
                    reverse("specialwork:progress_add", args=[obj.pk]),
                )
            )
        for name, (form_class, title, button) in TRANSITION_FORMS.items():
            if name in available:
                make = partial(form_class, initial={"version": obj.version}, auto_id=f"{name}-%s")
                url = reverse("specialwork:permit_transition", args=[obj.pk, name])
                found.append(self._form(obj, name, title, make, url, button=button))
        return found

    def _form(self, obj, name, title, make, url, *, button="btn-primary") -> dict:
        form = self.form(name, make)
        return {"name": name, "title": title, "form": form, "url": url, "button": button}


class PermitAction(PageAction):
    access = perms.PERMIT_ISSUE
    detail = PermitDetail
    anchor = "summary"


class PermitTransition(PermitAction):
    """One of the lifecycle's transitions (``TRANSITION_FORMS``), posted to its own URL."""

    def get_form_class(self, obj):
        name = self.kwargs["name"]
        if name not in TRANSITION_FORMS:
            raise Http404()
        self.form_name = name
        return TRANSITION_FORMS[name][0]

    def save(self, obj, data):
        name, user = self.kwargs["name"], self.request.user
        common = {"permit_id": obj.pk, "expected_version": data["version"]}
        if name in ("pause", "cancel"):
            call = getattr(services, f"permit_{name}")
            return call(user, reason=data["reason"], **common)
        if name == "close":
            return services.permit_close(user, note=data["note"], **common)
        return getattr(services, f"permit_{name}")(user, **common)

    def saved(self, obj, result):
        self.success_message = _("%(what)s：%(state)s") % {
            "what": TRANSITION_FORMS[self.kwargs["name"]][1],
            "state": result.get_state_display(),
        }
        return super().saved(obj, result)


class AnalysisAdd(PermitAction):
    form_class, form_name, anchor = AnalysisForm, "analyse", "analyses"
    versions_the_page = False

    def save(self, obj, data):
        return services_records.analysis_record(
            self.request.user, permit_id=obj.pk, data=self.form.service_data()
        )

    def saved(self, obj, result):
        verdict = _("合格") if result.passed else _("不合格")
        words = _("已记录气体分析：%(point)s %(verdict)s") % {
            "point": result.point,
            "verdict": verdict,
        }
        self.success_message = words.replace("%", "%%")  # announced with % formatting
        return super().saved(obj, result)


class ApprovalAdd(PermitAction):
    form_class, form_name, anchor = ApprovalForm, "sign", "signatures"

    def form_kwargs(self, obj) -> dict:
        return {"auto_id": "sign-%s", "steps": signable(obj)}

    def save(self, obj, data):
        return services_records.approval_record(
            self.request.user,
            permit_id=obj.pk,
            expected_version=data["version"],
            data=self.form.service_data(),
        )

    def saved(self, obj, result):
        self.success_message = _("已记录审批意见，作业票%(state)s") % {
            "state": result.get_state_display()
        }
        return super().saved(obj, result)


class ProgressAdd(PermitAction):
    form_class, form_name, anchor = ProgressForm, "progress", "timeline"
    versions_the_page = False
    success_message = gettext_lazy("已记录")

    def save(self, obj, data):
        return services.progress_record(self.request.user, permit_id=obj.pk, note=data["note"])
