"""The forms of 包保责任: on a source's page, naming a holder, ending a term and recording a
check (``services_duties``); the frequencies page's form; and the filter of 包保履职
(``read_where``: the quarter or year, street, grade, enterprise, role, text — a wrong value
is said and left out, never guessed)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accounts.roles import Role
from anjian.core.forms import VersionForm, choice_field, date_field, text_field
from anjian.enterprises.models import EnterpriseUser
from anjian.hazchem.choices import DutyRole, Grade
from anjian.hazchem.duty_periods import DutyPeriod, quarter_of
from anjian.hazchem.selectors import sources
from anjian.hazchem.selectors_duties import STATUSES, Where
from anjian.regions.forms import region_filter_choices

YEARS_SHOWN = 6


def roster(holders: dict) -> str:
    """The holders a page showed, as the assign form carries them: ``role:id`` (0: none)."""
    return ",".join(f"{role}:{duty.pk if duty else 0}" for role, duty in holders.items())


class AssignForm(forms.Form):
    """明确或更换包保责任人: the role, the person and the first day of their term."""

    role = choice_field(gettext_lazy("包保角色"), DutyRole.choices)
    name = text_field(gettext_lazy("姓名"), max_length=40)
    position = text_field(
        gettext_lazy("职务"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("如 总经理、分管安全副总、车间主任"),
    )
    phone = text_field(gettext_lazy("联系电话"), max_length=20)
    user = forms.ChoiceField(
        label=gettext_lazy("平台账号"),
        required=False,
        help_text=gettext_lazy("责任人有本单位的平台账号时选择，系统将通知其本人"),
    )
    since = date_field(
        gettext_lazy("起始日期"), help_text=gettext_lazy("更换时，原责任人的任期于同日结束")
    )
    roster = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        links = EnterpriseUser.objects.filter(
            enterprise_id=source.enterprise_id, user__is_active=True, user__role=Role.ENTERPRISE
        ).select_related("user")
        self.fields["user"].choices = [
            ("", _("无平台账号")),
            *[(str(link.user_id), link.user.name or link.user.username) for link in links],
        ]

    def clean(self):
        data = super().clean()
        seen = {}
        for part in (data.get("roster") or "").split(","):
            role, _sep, key = part.partition(":")
            if key.isdigit():
                seen[role] = int(key) or None
        data["replaces"] = seen.get(data.get("role"))
        return data


class EndForm(VersionForm):
    """结束任期: the last day and why (调离、退休 …)."""

    until = date_field(gettext_lazy("截止日期"))
    reason = text_field(
        gettext_lazy("结束原因"),
        max_length=200,
        help_text=gettext_lazy("如 调离岗位、退休；结束后请尽快明确新的责任人"),
    )


class CheckForm(forms.Form):
    """登记履职检查: who checked, when, what they found."""

    duty = forms.ChoiceField(
        label=gettext_lazy("包保责任人"),
        error_messages={"required": gettext_lazy("请选择包保责任人")},
    )
    checked_on = date_field(gettext_lazy("检查日期"))
    findings = text_field(
        gettext_lazy("检查情况"),
        max_length=4000,
        rows=3,
        help_text=gettext_lazy("检查的部位、内容和发现的问题及处理"),
    )
    hazards_found = forms.IntegerField(
        label=gettext_lazy("发现隐患数"),
        min_value=0,
        initial=0,
        error_messages={
            "invalid": gettext_lazy("发现隐患数须为0或正整数"),
            "min_value": gettext_lazy("发现隐患数须为0或正整数"),
            "required": gettext_lazy("请填写发现隐患数（没有填0）"),
        },
    )

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duty"].choices = [
            ("", _("请选择")),
            *[
                (str(duty.pk), f"{duty.get_role_display()} {duty.name}")
                for duty in holders.values()
                if duty is not None
            ],
        ]
        self.fields["checked_on"].initial = timezone.localdate()


class RuleForm(VersionForm):
    """A role's check frequency (city-wide)."""

    period = choice_field(gettext_lazy("检查周期"), DutyPeriod.choices)
    checks = forms.IntegerField(
        label=gettext_lazy("每周期至少检查次数"),
        required=False,
        min_value=0,
        help_text=gettext_lazy("“不设固定频次”时不填"),
        error_messages={"invalid": gettext_lazy("请填写整数")},
    )
    basis = text_field(
        gettext_lazy("依据或修改说明"),
        max_length=300,
        rows=2,
        help_text=gettext_lazy("如 文件名称、文号和条款"),
    )


# --- the filter of 包保履职 ---------------------------------------------------------------------


class CompletionForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("年度"), coerce=int, required=False)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("季度"),
        coerce=int,
        required=False,
        choices=[
            ("0", gettext_lazy("全年")),
            ("1", gettext_lazy("一季度")),
            ("2", gettext_lazy("二季度")),
            ("3", gettext_lazy("三季度")),
            ("4", gettext_lazy("四季度")),
        ],
    )
    street = forms.ChoiceField(label=gettext_lazy("地区"), required=False)
    grade = forms.ChoiceField(
        label=gettext_lazy("级别"),
        required=False,
        choices=[("", gettext_lazy("全部级别")), *Grade.choices],
    )
    enterprise = forms.TypedChoiceField(
        label=gettext_lazy("单位"), coerce=int, required=False, empty_value=None
    )
    role = forms.ChoiceField(
        label=gettext_lazy("包保角色"),
        required=False,
        choices=[("", gettext_lazy("全部角色")), *DutyRole.choices],
    )
    q = forms.CharField(label=gettext_lazy("编号、单元或单位名称"), required=False, max_length=60)
    status = forms.ChoiceField(
        label=gettext_lazy("统计项"),
        required=False,
        choices=[(key, label) for key, label in STATUSES.items()],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [
            (str(y), _("%(y)d年") % {"y": y}) for y in range(this_year, this_year - YEARS_SHOWN, -1)
        ]
        self.fields["street"].choices = region_filter_choices(user)
        owners = (
            sources(user)
            .current()
            .order_by("enterprise__name")
            .values_list("enterprise_id", "enterprise__name")
            .distinct()
        )
        self.fields["enterprise"].choices = [("", _("全部单位")), *owners]


def read_where(user, params) -> tuple[CompletionForm, Where, str, list[str]]:
    """The form, what it asks for (this quarter by default), the drill-down's status and
    what was wrong with the query (each wrong value left out and said)."""
    today = timezone.localdate()
    shown = {"year": today.year, "quarter": quarter_of(today)}  # what an unbound form counts
    form = CompletionForm(params or None, user=user, initial=shown)
    data, errors = {}, []
    if form.is_bound and not form.is_valid():
        for name, field_errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else name
            errors.append(
                _("%(label)s：%(error)s，已忽略") % {"label": label, "error": field_errors[0]}
            )
    if form.is_bound:
        data = form.cleaned_data
    year = data.get("year") or today.year
    quarter = data.get("quarter")
    if quarter in (None, ""):
        quarter = quarter_of(today)
    where = Where(
        year=year,
        quarter=quarter,
        street=data.get("street") or "",
        grade=data.get("grade") or "",
        enterprise=data.get("enterprise") or None,
        role=data.get("role") or "",
        q=(data.get("q") or "").strip(),
    )
    return form, where, data.get("status") or "", errors
