"""The forms on a 重大危险源's page: 备案 and 核销 (``services_sources``)."""

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
