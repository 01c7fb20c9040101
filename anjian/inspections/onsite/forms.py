"""Forms of the 现场检查 pages. They parse what the phone sends; the services decide (scope,
who may act, whether the checklist suits the unit, what completing needs)."""

from datetime import timedelta
from uuid import uuid4

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import VersionForm
from anjian.inspections import selectors as pool_selectors
from anjian.inspections.forms import DepartmentChoiceField, acting_departments
from anjian.inspections.models import ChecklistTemplate
from anjian.inspections.record_models import InspectionKind, InspectionState, MarkResult

DEADLINE_DAYS = 7  # 责令整改期限 offered by default: a week from today
# 现场 can start these; a 双随机 inspection starts from its task, a planned one from the plan.
START_KINDS = [
    (InspectionKind.SPECIAL, InspectionKind.SPECIAL.label),
    (InspectionKind.COMPLAINT, InspectionKind.COMPLAINT.label),
    (InspectionKind.REINSPECTION, InspectionKind.REINSPECTION.label),
]
COORDINATE = {"max_digits": 9, "decimal_places": 6, "required": False}


def default_deadline():
    return timezone.localdate() + timedelta(days=DEADLINE_DAYS)


class PositionForm(forms.Form):
    """Where the phone was (browser geolocation, when the user allows it)."""

    latitude = forms.DecimalField(
        min_value=-90, max_value=90, widget=forms.HiddenInput, **COORDINATE
    )
    longitude = forms.DecimalField(
        min_value=-180, max_value=180, widget=forms.HiddenInput, **COORDINATE
    )


class ChecklistChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class InspectorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.name}（{_('执法证')} {obj.certificate_number}）"


class StartForm(PositionForm):
    """开始检查 of a unit (``services.inspection_start``): the checklists that suit the unit
    come first; any other may be chosen and is refused by the service with the reason."""

    department = DepartmentChoiceField(label=_("实施部门"), queryset=None, empty_label=None)
    checklist = ChecklistChoiceField(label=_("检查表"), queryset=None, empty_label=None)
    inspectors = InspectorChoiceField(
        label=_("检查人员"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("至少两名持有效执法证的人员；执法人员本人须在其中"),
    )
    kind = forms.ChoiceField(label=_("检查类型"), choices=START_KINDS)
    unannounced = forms.BooleanField(
        label=_("四不两直（不发通知、不打招呼、直奔基层、直插现场）"), required=False
    )
    place = forms.CharField(
        label=_("检查场所"),
        max_length=200,
        required=False,
        help_text=_("不填为单位地址"),
    )
    client_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user, enterprise, suited, **kwargs):
        super().__init__(*args, **kwargs)
        self.suited = list(suited)
        others = ChecklistTemplate.objects.filter(is_active=True).exclude(
            pk__in=[c.pk for c in self.suited]
        )
        self.fields["checklist"].queryset = ChecklistTemplate.objects.filter(is_active=True)
        groups = [
            (_("适用于本单位"), [(c.pk, c.name) for c in self.suited]),
            (_("其他检查表"), [(c.pk, c.name) for c in others.order_by("key")]),
        ]
        self.fields["checklist"].choices = [group for group in groups if group[1]]
        departments = acting_departments(user)
        if user.department_id:
            self.fields.pop("department")
            department_id = user.department_id
        else:
            self.fields["department"].queryset = departments
            first = departments.first()
            department_id = self._value("department", first.pk if first else None)
        today = timezone.localdate()
        pool = pool_selectors.inspectors(user).filter(
            department_id=department_id, in_pool=True, certificate_valid_until__gte=today
        )
        self.fields["inspectors"].queryset = pool
        own = [i.pk for i in pool if i.user_id == user.pk]
        self.initial.setdefault("inspectors", own)
        self.initial.setdefault("client_token", uuid4())
        if self.suited:
            self.initial.setdefault("checklist", self.suited[0].pk)
        self.enterprise = enterprise

    def _value(self, name: str, default):
        if self.is_bound:
            return self.data.get(name) or default
        return self.initial.get(name, default)


class TaskStartForm(PositionForm):
    """开始检查 of a drawn task: the task's inspectors, the first checklist that suits."""


class ReasonForm(VersionForm):
    reason = forms.CharField(
        label=_("作废原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请写明作废原因")},
    )


class InspectionForm(VersionForm, PositionForm):
    """The plain (no JavaScript) form of an inspection: the version it showed, what to
    do, the summary; the entries' fields are read by ``marks_from``."""

    action = forms.ChoiceField(
        choices=[("save", _("保存")), ("complete", _("完成检查"))],
        required=False,
        widget=forms.HiddenInput,
    )
    summary = forms.CharField(
        label=_("检查情况"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    enterprise_signer = forms.CharField(
        label=_("被检查单位现场负责人"), max_length=40, required=False
    )


def field_names(entry_id: int) -> dict:
    return {
        name: f"{name}-{entry_id}" for name in ("result", "note", "place", "deadline", "photos")
    }


def marks_from(entries, data) -> list[dict]:
    """The marks a plain form posted: every entry with a result chosen (a 不符合 keeps its
    note, place and deadline; the others drop them)."""
    marks = []
    for entry in entries:
        names = field_names(entry["id"])
        result = data.get(names["result"], "")
        if not result:
            continue
        failed = result == MarkResult.FAIL
        marks.append(
            {
                "entry_id": entry["id"],
                "result": result,
                "note": data.get(names["note"], "").strip(),
                "place": data.get(names["place"], "").strip() if failed else "",
                "deadline": (data.get(names["deadline"]) or None) if failed else None,
            }
        )
    return marks


def photos_from(entries, files) -> dict[int, list]:
    """The photos a plain form posted, by entry."""
    found = {}
    for entry in entries:
        uploads = [f for f in files.getlist(field_names(entry["id"])["photos"]) if f.size]
        if uploads:
            found[entry["id"]] = uploads
    return found


class ListFilterForm(forms.Form):
    """The list's filters: a unit's name, the kind, the state."""

    q = forms.CharField(label=_("被检查单位"), required=False, max_length=60)
    kind = forms.ChoiceField(
        label=_("检查类型"), required=False, choices=[("", _("全部")), *InspectionKind.choices]
    )
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *InspectionState.choices]
    )

    def filtered(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(enterprise__name__contains=data["q"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["state"]:
            queryset = queryset.filter(state=data["state"])
        return queryset

    def active(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())


class UnitSearchForm(forms.Form):
    q = forms.CharField(
        label=_("查找单位"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("单位名称、统一社会信用代码或拼音")}),
    )


class ReinspectForm(forms.Form):
    """整改复查: per finding 已整改 and what was seen (``entry-<id>``: the service's error key),
    and the opinion. 已整改 is proposed where the finding's hazard is 已销号."""

    opinion = forms.CharField(
        label=_("复查意见"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("留空时按复查结果自动生成"),
    )

    def __init__(self, *args, findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.findings = list(findings)
        for mark in self.findings:
            closed = bool(mark.hazard_id) and mark.hazard.state == "closed"
            self.fields[f"rectified-{mark.entry_id}"] = forms.BooleanField(
                label=_("已整改"), required=False, initial=closed
            )
            self.fields[f"entry-{mark.entry_id}"] = forms.CharField(
                label=mark.entry.finding, required=False, max_length=500
            )

    def rows(self):
        """(mark, rectified field, note field) per finding, for the template."""
        return [
            (mark, self[f"rectified-{mark.entry_id}"], self[f"entry-{mark.entry_id}"])
            for mark in self.findings
        ]

    def results(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "entry_id": mark.entry_id,
                "rectified": data.get(f"rectified-{mark.entry_id}", False),
                "note": data.get(f"entry-{mark.entry_id}", ""),
            }
            for mark in self.findings
        ]
