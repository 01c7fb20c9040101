"""The filters of the major hazard source list and of the chemical catalogue: each list's
filter form (its query function's parameters as fields) run by ``SelectorFilter``, which
also says in words which conditions apply (the list's 当前条件, the Excel's 导出说明).

The query functions read through ``selectors`` (the user's scope; the catalogue is
city-wide), so the list, its Excel and a figure's link all show the same records."""

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.filters import SelectorFilter, filter_choices, flag_field
from anjian.hazchem import selectors
from anjian.hazchem.choices import Grade, SourceState
from anjian.hazchem.models import Chemical, MajorHazardSource
from anjian.regions.forms import region_filter_choices
from anjian.regions.models import Industry

ALL_STATES = "all"  # the source list's state filter: closed sources too
SOURCE_ORDER = ("grade", "number")  # 一级 first ("1" < "2" …), then by number


def sources(
    user,
    *,
    q=None,
    street=None,
    grade=None,
    state=None,
    qualifies=None,
    industry=None,
    overdue=None,
    assessment_overdue=None,
) -> QuerySet:
    """The major hazard sources in ``user``'s scope: current ones (not 核销) unless ``state``
    says otherwise (a state, or ``ALL_STATES``); ``street`` a region-code prefix; ``q`` part
    of the number, the unit's name or the enterprise's; ``industry`` an industry's code;
    ``overdue`` awaiting filing past the due day, ``assessment_overdue`` filed with the
    three-yearly assessment past due (both as of today)."""
    found: QuerySet[MajorHazardSource] = selectors.sources(user).select_related(
        "enterprise", "unit"
    )
    if not state:
        found = found.current()
    elif state != ALL_STATES:
        found = found.filter(state=state)
    if street:
        found = found.filter(scope_region_code__startswith=street)
    if grade:
        found = found.filter(grade=grade)
    if qualifies is not None:
        found = found.filter(qualifies=qualifies)
    if industry:
        found = found.filter(industry__code=industry)
    today = timezone.localdate()
    if overdue is not None:
        late = Q(state=SourceState.IDENTIFIED, filing_due_on__lt=today)
        found = found.filter(late) if overdue else found.exclude(late)
    if assessment_overdue is not None:
        late = Q(state=SourceState.FILED, assessment_due_on__lt=today)
        found = found.filter(late) if assessment_overdue else found.exclude(late)
    if q and q.strip():
        q = q.strip()
        found = found.filter(
            Q(number__icontains=q) | Q(unit__name__icontains=q) | Q(enterprise__name__icontains=q)
        )
    return found.order_by(*SOURCE_ORDER)


class SourceFilterForm(forms.Form):
    """The source list's filter bar: ``sources``'s parameters."""

    q = forms.CharField(label=gettext_lazy("编号、单元或单位名称"), required=False)
    street = forms.ChoiceField(label=gettext_lazy("地区"), required=False)
    grade = forms.ChoiceField(
        label=gettext_lazy("级别"),
        required=False,
        choices=filter_choices(Grade.choices, gettext_lazy("全部级别")),
    )
    state = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    qualifies = flag_field(
        gettext_lazy("仍构成重大危险源"), gettext_lazy("仍构成"), gettext_lazy("已不构成")
    )
    industry = forms.ChoiceField(label=gettext_lazy("行业"), required=False)
    overdue = flag_field(
        gettext_lazy("逾期未备案"), gettext_lazy("逾期未备案"), gettext_lazy("未逾期")
    )
    assessment_overdue = flag_field(
        gettext_lazy("复评逾期"), gettext_lazy("已超三年未复评"), gettext_lazy("未逾期")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = filter_choices(
            Industry.objects.order_by("code").values_list("code", "name"),
            gettext_lazy("全部行业"),
        )
        self.fields["street"].choices = region_filter_choices(user)
        if len(self.fields["street"].choices) <= 2 and not self.data.get("street"):
            del self.fields["street"]
        self.fields["state"].choices = [
            ("", _("现有（不含已核销）")),
            *[(str(value), str(label)) for value, label in SourceState.choices],
            (ALL_STATES, _("全部（含已核销）")),
        ]


def source_filter(user, params) -> SelectorFilter:
    return SelectorFilter(user, params, form_class=SourceFilterForm, select=sources, typed=True)


# --- the catalogue --------------------------------------------------------------------------

FLAG_CHOICES = [
    (name, Chemical._meta.get_field(name).verbose_name)
    for name in (
        "highly_toxic",
        "explosive_precursor",
        "drug_precursor",
        "key_supervised",
        "special_control",
    )
]
TABLE1, TABLE2 = "table1", "table2"


def chemicals(user, *, q=None, flag=None, gb18218=None) -> QuerySet:
    """Active catalogue entries (city-wide: the catalogue holds no one's data) matching ``q``
    by name, alias or CAS number; ``flag`` one of the catalogue's flags; ``gb18218``:
    ``TABLE1`` named in table 1, ``TABLE2`` identified by its table 2 classes."""
    found = selectors.chemicals(q or "")
    if flag in dict(FLAG_CHOICES):
        found = found.filter(**{flag: True})
    if gb18218 == TABLE1:
        found = found.filter(table1_row__isnull=False)
    elif gb18218 == TABLE2:
        found = found.filter(table1_row__isnull=True).exclude(gb18218_classes=[])
    return found.order_by("name")


class ChemicalFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("品名、别名或CAS号"), required=False)
    flag = forms.ChoiceField(
        label=gettext_lazy("管控类别"),
        required=False,
        choices=filter_choices(FLAG_CHOICES, gettext_lazy("不限")),
    )
    gb18218 = forms.ChoiceField(
        label=gettext_lazy("GB 18218"),
        required=False,
        choices=[
            ("", gettext_lazy("不限")),
            (TABLE1, gettext_lazy("表1列名")),
            (TABLE2, gettext_lazy("按表2类别")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)


def chemical_filter(user, params) -> SelectorFilter:
    return SelectorFilter(user, params, form_class=ChemicalFilterForm, select=chemicals, typed=True)
