"""The filters of monitoring's lists, shared by each page, its export and its links.

- ``DeviceFilterSet``: the console's device list (and the device map) — what the 在线率
  table's numbers link to, so each number opens exactly the devices it counts; by major
  hazard source: any (重大危险源监测) or one (``source``).
- ``AlarmFilterSet``: 报警处置 and its Excel ledger (the export uses the same filters);
  ``source``: the alarms of one major hazard source's devices (its page links here).
"""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.filters import ActiveFiltersMixin, ScopedChoicesMixin, ScopedModelChoiceFilter
from anjian.enterprises.filters import enterprise_filter, industry_filter, street_filter
from anjian.monitoring.choices import (
    FIRST_GRADE_LEVELS,
    OPEN_ALARM_STATES,
    AlarmState,
    DeviceCategory,
    DeviceState,
    ThresholdLevel,
)
from anjian.monitoring.models import Device, DeviceType, QualityFlag

NOT_ONLINE = "not_online"
DEVICE_STATE_CHOICES = [*DeviceState.choices, (NOT_ONLINE, _("未在线（离线或未上线）"))]


def source_choices(user, *, closed: bool = False):
    """The major hazard sources in ``user``'s scope (not closed, unless ``closed``), for the
    device form and the console's filter. Read through ``Device.hazard_source``: monitoring
    does not import hazchem, a layer above it."""
    sources = Device._meta.get_field("hazard_source").related_model.objects.for_user(user)
    if not closed:
        sources = sources.current()
    return sources.select_related("unit", "enterprise").order_by("enterprise_id", "number")


def source_label(source) -> str:
    """A source as the pickers name it: number, unit, enterprise (unit names repeat)."""
    return f"{source.number} {source.unit.name}（{source.enterprise.name}）"


def open_quality_flags():
    """Whether a device (the outer row) has a data-quality problem not yet cleared."""
    return Exists(QualityFlag.objects.filter(device=OuterRef("pk"), cleared_at__isnull=True))


class _Search:
    search_fields: tuple[str, ...] = ()

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    def filter_street(self, queryset, name, value):
        return queryset.filter(scope_region_code__startswith=value.code)


class DeviceFilterSet(_Search, ScopedChoicesMixin, ActiveFiltersMixin, django_filters.FilterSet):
    search_fields = ("code", "name", "enterprise__name")

    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("设备编码、名称、单位")}),
    )
    state = django_filters.ChoiceFilter(
        label=_("状态"), choices=DEVICE_STATE_CHOICES, method="filter_state", empty_label=_("全部")
    )
    category = django_filters.ChoiceFilter(
        label=_("类别"),
        choices=DeviceCategory.choices,
        field_name="device_type__category",
        empty_label=_("全部"),
    )
    street = street_filter(method="filter_street")
    industry = industry_filter()
    enterprise = enterprise_filter()
    hazard_source = django_filters.BooleanFilter(
        label=_("重大危险源监测"), method="filter_hazard_source", widget=forms.CheckboxInput
    )
    source = ScopedModelChoiceFilter(
        label=_("重大危险源"),
        field_name="hazard_source",
        choices_for=lambda user: source_choices(user, closed=True),
        empty_label=_("全部"),
    )
    quality = django_filters.BooleanFilter(
        label=_("有数据质量问题"), method="filter_quality", widget=forms.CheckboxInput
    )

    def filter_state(self, queryset, name, value):
        if value == NOT_ONLINE:
            return queryset.exclude(state=DeviceState.ONLINE)
        return queryset.filter(state=value)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["source"].label_from_instance = source_label

    def filter_hazard_source(self, queryset, name, value):
        """Devices linked to a major hazard source (any)."""
        return queryset.filter(hazard_source__isnull=False) if value else queryset

    def filter_quality(self, queryset, name, value):
        return queryset.filter(open_quality_flags()) if value else queryset


STATE_CHOICES = [("open", _("未处置")), *AlarmState.choices, ("all", _("全部"))]
LEVEL_CHOICES = [("1", _("一级")), ("2", _("二级")), *ThresholdLevel.choices]


class AlarmFilterSet(_Search, ScopedChoicesMixin, ActiveFiltersMixin, django_filters.FilterSet):
    """``state`` defaults to 未处置 (``selectors.alarm_filter`` sets it when absent)."""

    search_fields = ("device__code", "device__name", "enterprise__name")

    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("设备编码、名称、单位")}),
    )
    state = django_filters.ChoiceFilter(
        label=_("状态"), choices=STATE_CHOICES, method="filter_state", empty_label=None
    )
    level = django_filters.ChoiceFilter(
        label=_("级别"), choices=LEVEL_CHOICES, method="filter_level", empty_label=_("全部级别")
    )
    street = street_filter(method="filter_street")
    device_type = django_filters.ModelChoiceFilter(
        label=_("设备类型"),
        queryset=DeviceType.objects.all(),
        to_field_name="code",
        field_name="device__device_type",
        empty_label=_("全部类型"),
    )
    enterprise = enterprise_filter()
    source = ScopedModelChoiceFilter(
        label=_("重大危险源"),
        field_name="device__hazard_source",
        choices_for=lambda user: source_choices(user, closed=True),
        empty_label=_("全部"),
    )
    date_from = django_filters.DateFilter(
        label=_("报警日期自"),
        method="filter_date_from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("报警日期至"),
        method="filter_date_to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["source"].label_from_instance = source_label

    @property
    def active_filters(self) -> list[tuple[str, str]]:
        """As the mixin's, but the dates are days here, not months."""
        shown = super().active_filters
        if not shown:
            return shown
        days = {
            str(self.form.fields[name].label): value.strftime("%Y-%m-%d")
            for name in ("date_from", "date_to")
            if (value := self.form.cleaned_data.get(name))
        }
        return [(label, days.get(label, value)) for label, value in shown]

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(state__in=OPEN_ALARM_STATES)
        if value == "all":
            return queryset
        return queryset.filter(state=value)

    def filter_level(self, queryset, name, value):
        if value == "1":
            return queryset.filter(level__in=FIRST_GRADE_LEVELS)
        if value == "2":
            return queryset.exclude(level__in=FIRST_GRADE_LEVELS)
        return queryset.filter(level=value)

    @staticmethod
    def _midnight(day) -> datetime:
        return timezone.make_aware(datetime.combine(day, time.min))

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(raised_at__gte=self._midnight(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(raised_at__lt=self._midnight(value + timedelta(days=1)))
