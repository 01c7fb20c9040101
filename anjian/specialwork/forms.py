"""The forms of the permit pages: the application (its facts, where, when and who; the
enterprise picked by an administrator, always its own for an enterprise user), a gas sample,
a signature, and the small forms of the transitions.

Forms parse what a browser sends; the services decide the rest and name the field in
Chinese when it is wrong (a height below 2 m, a load under 10 t, a period longer than the
grade allows): the page shows their message on the field. Every change of an existing permit
carries the ``version`` the page was read at."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.forms import VersionForm, choice_field, text_field
from anjian.enterprises.models import Enterprise
from anjian.specialwork.choices import ApproverRole, HeightHazard, HotPlace, Kind, ToxicUnit
from anjian.specialwork.models import Permit
from anjian.specialwork.services import FLAGS, PERMIT_FIELDS

DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M")
WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def typed(label, *, max_length: int, mode: str, required: bool = False, **kwargs):
    """A text field for a number the service parses (so its message is the one shown)."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs={"inputmode": mode, "autocomplete": "off"}),
        error_messages={"required": _("请填写%(label)s") % {"label": label}},
        **kwargs,
    )


def when_field(label, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=WHEN,
        input_formats=DATETIME_FORMATS,
        error_messages={
            "required": _("请填写%(label)s") % {"label": label},
            "invalid": _("%(label)s格式不对，请按“2026-06-30 08:00”填写") % {"label": label},
        },
    )


def flag_field(name: str, **kwargs) -> forms.BooleanField:
    return forms.BooleanField(
        label=Permit._meta.get_field(name).verbose_name, required=False, **kwargs
    )


def places(enterprise_id, field: str):
    """The enterprise's 危化品单元 (in use) or 重大危险源 as choices (read without importing
    hazchem: through the permit's foreign key)."""
    model = Permit._meta.get_field(field).related_model
    rows = (
        model.objects.filter(enterprise_id=enterprise_id) if enterprise_id else model.objects.none()
    )
    if field == "unit":
        rows = rows.filter(active=True).order_by("name")
        return [("", _("（不指定）")), *((u.pk, u.name) for u in rows)]
    rows = rows.select_related("unit").order_by("grade", "number")
    return [("", _("（不指定）")), *((s.pk, f"{s.number} {s.unit.name}") for s in rows)]


class PermitForm(forms.Form):
    """An application: what kind of work and the facts its grade depends on, where, when and
    who. On create by an administrator also the enterprise (the picker sends ``enterprise``)."""

    kind = choice_field(gettext_lazy("作业类别"), Kind.choices)
    hot_place = choice_field(gettext_lazy("动火部位"), HotPlace.choices, required=False)
    shutdown_approved = flag_field(
        "shutdown_approved",
        help_text=gettext_lazy(
            "装置已停车、清洗、置换、分析合格并可靠隔离，经生产或安全负责人批准"
        ),
    )
    night_work = flag_field(
        "night_work", help_text=gettext_lazy("22:00—次日6:00 作业；开始或结束在此时段的自动认定")
    )
    strong_wind = flag_field("strong_wind")
    other_special = flag_field("other_special")
    height_m = typed(gettext_lazy("作业高度（米）"), max_length=12, mode="decimal")
    height_hazards = forms.MultipleChoiceField(
        label=gettext_lazy("客观危险因素（有任一项按B类法分级）"),
        required=False,
        choices=HeightHazard.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    load_t = typed(
        gettext_lazy("吊物质量（吨）"),
        max_length=16,
        mode="decimal",
        help_text=gettext_lazy("小于10吨不需办理吊装作业票"),
    )
    hazard_area = flag_field("hazard_area")
    long_use = flag_field("long_use")
    deep_near_lines = flag_field("deep_near_lines")
    oxygen_rich = flag_field("oxygen_rich")
    unit = forms.ChoiceField(label=gettext_lazy("危化品单元"), required=False)
    source = forms.ChoiceField(label=gettext_lazy("重大危险源"), required=False)
    place = text_field(gettext_lazy("作业地点"), max_length=200)
    content = text_field(gettext_lazy("作业内容"), max_length=2000, rows=3)
    planned_start = when_field(gettext_lazy("计划开始时间"))
    planned_end = when_field(gettext_lazy("计划结束时间"))
    guardian = text_field(gettext_lazy("监护人"), max_length=40)
    workers = text_field(
        gettext_lazy("作业人员"),
        max_length=2000,
        rows=2,
        help_text=gettext_lazy("每行一人，或用顿号分隔"),
    )
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("单位"),
        queryset=Enterprise.objects.none(),
        required=True,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("请查找并选择作业单位"),
            "invalid_choice": _("请选择您管辖范围内的单位"),
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, instance: Permit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.instance = user, instance
        self.own_unit = user.scope.enterprise_id is not None
        if instance is not None or self.own_unit:
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].queryset = Enterprise.objects.for_user(user)
        owner = self.owner_id()
        self.fields["unit"].choices = places(owner, "unit")
        self.fields["source"].choices = places(owner, "source")
        if instance is not None and not self.is_bound:
            self.initial.update(initial_of(instance))

    def owner_id(self) -> int | None:
        if self.instance is not None:
            return self.instance.enterprise_id
        if self.own_unit:
            return self.user.scope.enterprise_id
        value = self.data.get("enterprise") if self.is_bound else self.initial.get("enterprise")
        return int(value) if str(value or "").isdigit() else None

    @property
    def picked(self) -> Enterprise | None:
        """The enterprise the form holds (shown as chosen by the picker)."""
        if "enterprise" not in self.fields or self.owner_id() is None:
            return None
        queryset = self.fields["enterprise"].queryset.select_related("street")
        return queryset.filter(pk=self.owner_id()).first()

    def service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in PERMIT_FIELDS}
        for name in ("unit", "source"):
            data[name] = data[name] or None
        if "enterprise" in self.fields:
            data["enterprise"] = self.cleaned_data["enterprise"].pk
        return data


def initial_of(permit: Permit) -> dict:
    """A permit's fields as the form shows them."""
    values = {name: getattr(permit, name) for name in ("kind", "hot_place", *FLAGS)}
    values.update(
        version=permit.version,
        height_m="" if permit.height_m is None else format(permit.height_m.normalize(), "f"),
        load_t="" if permit.load_t is None else format(permit.load_t.normalize(), "f"),
        height_hazards=permit.height_hazards,
        unit=permit.unit_id or "",
        source=permit.source_id or "",
        place=permit.place,
        content=permit.content,
        planned_start=timezone.localtime(permit.planned_start),
        planned_end=timezone.localtime(permit.planned_end),
        guardian=permit.guardian,
        workers="\n".join(permit.workers),
    )
    return values


# --- the forms on a permit's page ----------------------------------------------------------------


class AnalysisForm(forms.Form):
    taken_at = when_field(gettext_lazy("取样时间"))
    point = text_field(
        gettext_lazy("取样部位"),
        max_length=100,
        help_text=gettext_lazy("如“罐内上部”“动火点10 m内”；大型设备取上、中、下部"),
    )
    lel_percent = typed(gettext_lazy("可燃介质爆炸下限（%）"), max_length=12, mode="decimal")
    flammable_percent = typed(
        gettext_lazy("可燃气体浓度（%，体积分数）"),
        max_length=12,
        mode="decimal",
        help_text=gettext_lazy("体积分数，不是 %LEL"),
    )
    oxygen_percent = typed(gettext_lazy("氧含量（%，体积分数）"), max_length=12, mode="decimal")
    toxic_name = text_field(gettext_lazy("有毒物质"), max_length=40, required=False)
    toxic_value = typed(gettext_lazy("有毒物质浓度"), max_length=16, mode="decimal")
    toxic_limit = typed(
        gettext_lazy("容许浓度（按GBZ 2.1）"),
        max_length=16,
        mode="decimal",
        help_text=gettext_lazy("GB 30871 只引用 GBZ 2.1，限值由分析人填写"),
    )
    toxic_unit = forms.ChoiceField(
        label=gettext_lazy("浓度单位"), choices=ToxicUnit.choices, required=False
    )
    analyst = text_field(gettext_lazy("分析人"), max_length=40)

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class ApprovalForm(VersionForm):
    step = forms.ChoiceField(label=gettext_lazy("审批环节"))
    person = text_field(gettext_lazy("签字人"), max_length=40, required=False)
    agreed = forms.TypedChoiceField(
        label=gettext_lazy("意见"),
        choices=[("1", gettext_lazy("同意")), ("0", gettext_lazy("不同意（退回修改）"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    opinion = text_field(
        gettext_lazy("意见说明"),
        max_length=500,
        rows=2,
        help_text=gettext_lazy("审批人应到现场检查确认安全措施后签署"),
    )

    def __init__(self, *args, steps=(), mapped=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(step.key, str(step)) for step in steps]
        mapped = mapped or {}
        if steps and not self.is_bound and steps[0].role in mapped:
            self.initial.setdefault("person", mapped[steps[0].role].person)

    def service_data(self) -> dict:
        stage, role = self.cleaned_data["step"].split(":", 1)
        return {
            "stage": stage,
            "role": role,
            "person": self.cleaned_data["person"],
            "agreed": self.cleaned_data["agreed"],
            "opinion": self.cleaned_data["opinion"],
        }


class ReasonForm(VersionForm):
    reason = text_field(gettext_lazy("原因"), max_length=500, rows=2)


class NoteForm(VersionForm):
    note = text_field(gettext_lazy("说明"), max_length=500, rows=2, required=False)


class ProgressForm(forms.Form):
    note = text_field(
        gettext_lazy("作业记录"),
        max_length=500,
        rows=2,
        help_text=gettext_lazy("如“14:00 罐内检测：O₂ 20.8 %，可燃气体 0，继续作业”"),
    )


class ApproverForm(forms.Form):
    role = choice_field(gettext_lazy("审批角色"), ApproverRole.choices)
    person = text_field(
        gettext_lazy("姓名（职务）"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("留空则取消该角色的设置"),
    )
    user = forms.ChoiceField(label=gettext_lazy("平台账号（可选）"), required=False)

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [
            ("", _("不指定（由本单位任一账号记录）")),
            *((user.pk, f"{user.name}（{user.username}）") for user in accounts),
        ]
