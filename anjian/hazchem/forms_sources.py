"""The forms on a 重大危险源's page: 备案, 核销 and the online-monitoring requirement
(``services_sources``)."""

from django import forms
from django.utils.translation import gettext_lazy

from anjian.core.forms import VersionForm, date_field, text_field


class FileForm(VersionForm):
    filed_on = date_field(gettext_lazy("备案日期"))
    filing_number = text_field(
        gettext_lazy("备案编号"),
        max_length=60,
        help_text=gettext_lazy("备案登记表上的编号；备案后三年到期复评"),
    )


class CloseForm(VersionForm):
    closed_on = date_field(gettext_lazy("核销日期"))
    reason = text_field(
        gettext_lazy("核销理由"),
        max_length=500,
        rows=2,
        help_text=gettext_lazy("如“储罐拆除后单元不再构成重大危险源，经评估报告确认”"),
    )


class MonitoringForm(VersionForm):
    required = forms.TypedChoiceField(
        label=gettext_lazy("在线监测要求"),
        choices=[
            ("1", gettext_lazy("须在线监测（计入在线监测率）")),
            ("0", gettext_lazy("不要求在线监测")),
        ],
        coerce=lambda value: value == "1",
    )
    reason = text_field(
        gettext_lazy("理由或依据"),
        max_length=500,
        rows=2,
        help_text=gettext_lazy("如“经专家论证，该仓库为桶装储存，不设液位监测”"),
    )
