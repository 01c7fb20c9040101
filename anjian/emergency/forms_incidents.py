"""Forms of the incident pages (突发事件与指挥调度). They parse what a browser (often a
phone at the scene) sends; the services decide the rest — scope, what the incident's state
allows, stock and availability, versions.

``IncidentOpenForm.initial_from_accident`` / ``initial_from_alarm`` prefill the open form
from the record it starts from (enter once, reuse everywhere); the service links the two.
"""

import uuid

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.forms import VersionForm
from anjian.emergency.choices import (
    ExpertField,
    IncidentLevel,
    IncidentType,
    LogKind,
    ResourceKind,
    Speciality,
    SupplyCategory,
)
from anjian.emergency.models import Assignment, Incident
from anjian.regions import selectors as region_selectors
from anjian.regions.models import Region

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# What a person writes in the command log; dispatch, activation and task lines are written
# by the services that do those things.
WRITTEN_LOG_KINDS = (
    LogKind.SITUATION,
    LogKind.DECISION,
    LogKind.INSTRUCTION,
    LogKind.REPORT,
    LogKind.OTHER,
)
CANDIDATE_LIMIT = 10


def datetime_field(label, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=DATETIME_FORMATS,
        **kwargs,
    )


def choices(pairs, empty=None) -> list:
    found = [(str(value), str(label)) for value, label in pairs]
    return [("", empty or _("请选择")), *found]


def incident_regions(user):
    """Where a user may open an incident: the streets in scope; a user whose scope lies
    below a street (a grid) opens at their own grid."""
    scope = user.scope
    streets = [r for r in region_selectors.streets_for(user) if scope.covers_region(r.code)]
    if streets or scope.region_prefix is None:
        return Region.objects.filter(code__in=[r.code for r in streets]).order_by("code")
    return Region.objects.filter(code=scope.region_prefix)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def text(label, max_length: int, required=None, *, rows: int = 0, **kwargs) -> forms.CharField:
    """A text field; ``required`` is the message when it is left empty (None: optional)."""
    if rows:
        kwargs["widget"] = forms.Textarea(attrs={"rows": rows})
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required is not None,
        error_messages={"required": required} if required is not None else {},
        **kwargs,
    )


def pick(label, required=None, **kwargs) -> forms.ChoiceField:
    messages = {"invalid_choice": gettext_lazy("请从列表中选择")}
    if required is not None:
        messages["required"] = required
    return forms.ChoiceField(
        label=label, required=required is not None, error_messages=messages, **kwargs
    )


def count(label, *, required=None, least: int = 1, most: int = 1_000_000, **kwargs):
    return forms.IntegerField(
        label=label,
        min_value=least,
        max_value=most,
        required=required is not None,
        widget=forms.NumberInput(attrs={"min": least, "inputmode": "numeric"}),
        error_messages={
            "required": required or "",
            "invalid": gettext_lazy("%(label)s须为整数") % {"label": label},
            "min_value": gettext_lazy("%(label)s不能小于 %(n)d") % {"label": label, "n": least},
            "max_value": gettext_lazy("%(label)s超出合理范围，请核对") % {"label": label},
        },
        **kwargs,
    )


def coordinate(label, bound: int, example: str) -> forms.FloatField:
    span = _lazy_format("%(label)s须在 -%(b)d 到 %(b)d 之间", label=label, b=bound)
    return forms.FloatField(
        label=label,
        min_value=-bound,
        max_value=bound,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        error_messages={
            "required": _lazy_format("请填写%(label)s（可在地图上点选位置）", label=label),
            "invalid": _lazy_format("%(label)s须为数字，如 %(e)s", label=label, e=example),
            "min_value": span,
            "max_value": span,
        },
    )


def _lazy_format(message: str, **values):
    return gettext_lazy(message) % values


# --- opening an incident ----------------------------------------------------------------------


class IncidentOpenForm(forms.Form):
    """接报登记 (``services_incidents.incident_open``), one column on a phone."""

    # A new key each time the form is shown, kept when it comes back with errors: the same
    # form posted twice opens one incident.
    token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)
    title = text(
        gettext_lazy("事件名称"),
        200,
        gettext_lazy("请填写事件名称"),
        help_text=gettext_lazy("如：XX公司储罐区泄漏、XX路积水"),
    )
    incident_type = pick(gettext_lazy("事件类型"), gettext_lazy("请选择事件类型"))
    subtype = text(
        gettext_lazy("事件细类"), 60, help_text=gettext_lazy("如：危险化学品泄漏、火灾、城市内涝")
    )
    occurred_at = datetime_field(
        gettext_lazy("发生时间"), error_messages={"required": gettext_lazy("请填写发生时间")}
    )
    region = RegionChoiceField(
        label=gettext_lazy("发生地（街道/镇）"),
        queryset=Region.objects.none(),
        empty_label=gettext_lazy("请选择"),
        error_messages={
            "required": gettext_lazy("请选择事件发生地（街道/镇）"),
            "invalid_choice": gettext_lazy("请选择您管辖范围内的街道/镇"),
        },
    )
    place = text(
        gettext_lazy("发生地点"),
        200,
        gettext_lazy("请填写发生地点"),
        help_text=gettext_lazy("如：XX路XX号XX车间"),
    )
    latitude = coordinate(gettext_lazy("纬度"), 90, "31.3205")
    longitude = coordinate(gettext_lazy("经度"), 180, "121.5310")
    summary = text(
        gettext_lazy("事件概况"),
        4000,
        gettext_lazy("请填写事件概况"),
        rows=4,
        help_text=gettext_lazy("发生经过、影响范围、人员伤亡和已采取的措施"),
    )

    # From an accident or an alarm the service takes these from the record itself (the
    # page shows them); the position only when the record has none.
    FROM_RECORD = {
        "accident": ("incident_type", "occurred_at", "region", "place", "summary"),
        "alarm": ("occurred_at", "region", "place"),
    }

    def __init__(self, *args, user, origin: str = "", located: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.origin = user, origin
        self.fields["incident_type"].choices = choices(IncidentType.choices)
        self.fields["region"].queryset = incident_regions(user)
        for name in self.FROM_RECORD.get(origin, ()):
            del self.fields[name]
        if origin and located:
            del self.fields["latitude"], self.fields["longitude"]
        if not self.is_bound and "occurred_at" in self.fields:
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0))

    def service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.fields if name != "token"}
        if "subtype" in data:
            data["subtype"] = data["subtype"] or ""
        return data

    @staticmethod
    def initial_from_accident(accident) -> dict:
        """What the service takes from an accident's quick report (shown above the form)."""
        latitude, longitude = _point(accident, accident.enterprise, accident.region)
        return {
            "title": _("%(unit)s%(type)s事故")
            % {"unit": accident.unit_name, "type": accident.get_accident_type_display()},
            "subtype": accident.get_accident_type_display(),
            "latitude": latitude,
            "longitude": longitude,
        }

    @staticmethod
    def initial_from_alarm(alarm) -> dict:
        """What the service takes from a monitoring alarm: the unit, the device, the
        reading (the summary may be completed)."""
        device, unit = alarm.device, alarm.enterprise
        latitude, longitude = _point(device, unit, unit.street)
        where = f"{device.name}（{device.location}）" if device.location else device.name
        return {
            "title": _("%(unit)s%(device)s监测报警") % {"unit": unit.name, "device": device.name},
            "incident_type": IncidentType.ACCIDENT,
            "subtype": alarm.metric.name,
            "summary": _("%(unit)s %(where)s 监测报警：%(reading)s")
            % {"unit": unit.name, "where": where, "reading": alarm.reading_text},
            "latitude": latitude,
            "longitude": longitude,
        }

    @staticmethod
    def located(record, unit) -> bool:
        """Whether the service finds the position itself (the record's or its unit's)."""
        return _point(record, unit) != (None, None)


def _point(*places) -> tuple[float | None, float | None]:
    """The first of ``places`` that has a position (the record, its unit, its street)."""
    for place in places:
        if place is not None and place.latitude is not None and place.longitude is not None:
            return float(place.latitude), float(place.longitude)
    return None, None


# --- the command page's transitions -----------------------------------------------------------


class RespondForm(VersionForm):
    """启动响应: the level, who leads and who commands on the scene."""

    level = pick(gettext_lazy("事件级别"), gettext_lazy("请选择事件级别"))
    lead_organisation = text(gettext_lazy("牵头处置单位"), 120, gettext_lazy("请填写牵头处置单位"))
    commander = text(gettext_lazy("现场总指挥"), 60, gettext_lazy("请填写现场总指挥"))
    commander_phone = text(gettext_lazy("总指挥电话"), 40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = choices(IncidentLevel.choices)

    @classmethod
    def for_incident(cls, incident: Incident, **kwargs):
        names = ("version", "level", "lead_organisation", "commander", "commander_phone")
        return cls(initial={name: getattr(incident, name) for name in names}, **kwargs)


class CloseForm(VersionForm):
    reason = text(
        gettext_lazy("结束响应说明"),
        500,
        rows=2,
        help_text=gettext_lazy("如：险情已排除，现场恢复正常"),
    )


class VoidForm(VersionForm):
    reason = text(
        gettext_lazy("作废理由"),
        500,
        gettext_lazy("请填写作废理由"),
        rows=2,
        help_text=gettext_lazy("误报、重复登记等；记录保留，不计入统计"),
    )


TRANSITION_FORMS = {
    "respond": RespondForm,
    "close": CloseForm,
    "review": VersionForm,
    "void": VoidForm,
}


class LevelForm(VersionForm):
    """调整级别: up or down, with the reason."""

    level = pick(gettext_lazy("调整为"), gettext_lazy("请选择调整后的级别"))
    reason = text(gettext_lazy("调整理由"), 500, gettext_lazy("请填写调整级别的理由"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = choices(IncidentLevel.choices)


# --- plan activation, tasks, the log -----------------------------------------------------------


class ActivateForm(forms.Form):
    """启动预案: one (plan, level) pair of the plans the incident may start
    (``selectors_incidents.activatable_plans``), grouped by plan, each offering only the
    levels it defines."""

    plan_level = forms.ChoiceField(
        label=gettext_lazy("预案及响应级别"),
        error_messages={
            "required": gettext_lazy("请选择要启动的预案和响应级别"),
            "invalid_choice": gettext_lazy("请选择可启动的现行预案已规定的响应级别"),
        },
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        grouped = [
            (
                f"{plan.title}（{plan.get_plan_type_display()}）",
                [(f"{plan.pk}:{level.level}", level.get_level_display()) for level in levels],
            )
            for plan in plans
            if (levels := sorted(plan.levels.all(), key=lambda level: level.level))
        ]
        self.fields["plan_level"].choices = [("", _("请选择")), *grouped]
        self.has_plans = bool(grouped)

    def service_data(self) -> dict:
        plan_id, level = self.cleaned_data["plan_level"].split(":")
        return {"plan_id": int(plan_id), "level": level}


class TaskForm(forms.Form):
    title = text(gettext_lazy("任务"), 200, gettext_lazy("请填写任务内容"))
    responsible = text(gettext_lazy("责任岗位/单位"), 120, gettext_lazy("请填写责任岗位或单位"))
    due_at = datetime_field(gettext_lazy("完成时限"), required=False)


class TaskDoneForm(VersionForm):
    note = text(gettext_lazy("完成情况"), 500)


class LogForm(forms.Form):
    kind = pick(
        gettext_lazy("类别"),
        gettext_lazy("请选择日志类别"),
        choices=[(str(k), str(k.label)) for k in WRITTEN_LOG_KINDS],
        initial=LogKind.SITUATION,
    )
    text = text(gettext_lazy("内容"), 4000, gettext_lazy("请填写日志内容"), rows=2)


# --- dispatch ----------------------------------------------------------------------------------


class CandidateForm(forms.Form):
    """找最近的可用资源: the kind, and what the kind is filtered by."""

    kind = pick(
        gettext_lazy("资源类型"),
        gettext_lazy("请选择资源类型"),
        choices=ResourceKind.choices,
        initial=ResourceKind.TEAM,
    )
    speciality = pick(gettext_lazy("专业方向"))
    category = pick(gettext_lazy("物资类别"))
    name = text(gettext_lazy("名称"), 60)
    quantity = count(gettext_lazy("需要数量/安置人数"))
    field = pick(gettext_lazy("专家领域"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speciality"].choices = choices(Speciality.choices, _("不限"))
        self.fields["category"].choices = choices(SupplyCategory.choices, _("不限"))
        self.fields["field"].choices = choices(ExpertField.choices, _("不限"))

    def filters(self) -> dict:
        """The selector's keyword arguments for the kind chosen (others are ignored)."""
        data = self.cleaned_data
        kind = data["kind"]
        found: dict = {"kind": kind}
        wanted = {
            ResourceKind.TEAM: ("speciality",),
            ResourceKind.SUPPLY: ("category", "name"),
            ResourceKind.EQUIPMENT: ("name",),
            ResourceKind.EXPERT: ("field",),
        }
        for name in wanted.get(kind, ()):
            if data.get(name):
                found[name] = data[name]
        if kind in (ResourceKind.SUPPLY, ResourceKind.EQUIPMENT, ResourceKind.SHELTER):
            found["quantity"] = data.get("quantity") or 1
        return found


class DispatchForm(forms.Form):
    """调派 one candidate: its kind and id, how many, and what it is sent to do."""

    kind = pick(
        gettext_lazy("资源类型"), gettext_lazy("请选择资源类型"), choices=ResourceKind.choices
    )
    resource_id = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            key: gettext_lazy("请从候选列表中选择要调派的资源")
            for key in ("required", "invalid", "min_value")
        },
    )
    quantity = count(gettext_lazy("调派数量"), required=gettext_lazy("请填写调派数量"), initial=1)
    task = text(gettext_lazy("任务"), 200)


class MoveForm(VersionForm):
    """An assignment's next step (出发/到场/撤离/取消): cancelling asks the reason; releasing
    a supply asks what returns to stock, releasing a shelter how many people leave."""

    reason = text(gettext_lazy("取消理由"), 500, gettext_lazy("请填写取消调派的理由"))
    returned = count(gettext_lazy("归还入库数量"), least=0)

    def __init__(self, *args, name: str, assignment: Assignment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        kind = assignment.kind if assignment is not None else ""
        if name != "cancel":
            del self.fields["reason"]
        if name != "release" or kind not in (ResourceKind.SUPPLY, ResourceKind.SHELTER):
            del self.fields["returned"]
            return
        returned = self.fields["returned"]
        if kind == ResourceKind.SHELTER:
            returned.label = _("离开人数")
        returned.validators.append(MaxValueValidator(assignment.quantity))
        returned.widget.attrs["max"] = assignment.quantity
        returned.error_messages["max_value"] = _("不能超过调派数量 %(n)d") % {
            "n": assignment.quantity
        }


# --- the after-action review -------------------------------------------------------------------


class LessonForm(forms.Form):
    """One lesson that becomes a 复盘整改 task: what, who, by when (a row left empty is
    no lesson)."""

    title = text(gettext_lazy("整改事项"), 200)
    responsible = text(gettext_lazy("责任单位"), 120)
    due_at = datetime_field(gettext_lazy("完成时限"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("title") and not data.get("responsible"):
            self.add_error("responsible", _("请填写该整改事项的责任单位"))
        if not data.get("title") and (data.get("responsible") or data.get("due_at")):
            self.add_error("title", _("请填写整改事项"))
        return data


LessonFormSet = forms.formset_factory(LessonForm, extra=3, max_num=20, absolute_max=20)


class AfterActionForm(forms.Form):
    """复盘评估, and the lessons (``lessons``, a formset) that become tasks."""

    summary = text(gettext_lazy("处置总结"), 4000, gettext_lazy("请填写处置总结"), rows=4)
    went_well = text(gettext_lazy("有效做法"), 4000, rows=3)
    problems = text(gettext_lazy("存在问题"), 4000, rows=3)
    reviewed_on = forms.DateField(
        label=gettext_lazy("复盘日期"),
        widget=DATE,
        error_messages={
            "required": gettext_lazy("请填写复盘日期"),
            "invalid": gettext_lazy("复盘日期格式不正确"),
        },
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.lessons = LessonFormSet(data, prefix="lessons")
        if not self.is_bound:
            self.initial.setdefault("reviewed_on", timezone.localdate())

    def clean(self):
        data = super().clean()
        if not self.lessons.is_valid():
            raise forms.ValidationError(_("整改事项填写有误，请按提示修改"))
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        lessons = [
            {name: form.cleaned_data.get(name) for name in ("title", "responsible", "due_at")}
            for form in self.lessons.forms
            if form.cleaned_data.get("title")
        ]
        return {
            "summary": data["summary"],
            "went_well": data.get("went_well", ""),
            "problems": data.get("problems", ""),
            "reviewed_on": data["reviewed_on"],
            "lessons": lessons,
        }
