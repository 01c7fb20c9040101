"""The investigation's forms on an accident's page (``views.accident_page``), each posting
to its own URL: 成立调查组, the extension, the report and its reply, responsibilities,
rectification measures and their completion, 结案 and 整改措施落实后评估. Services:
``accidents.investigation``."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy

from anjian.accidents import forms
from anjian.accidents import investigation as services
from anjian.accidents import permissions as perms
from anjian.accidents.views import action_view

MANAGE = perms.ACCIDENT_MANAGE


accident_investigate = action_view(
    "investigate",
    access=MANAGE,
    form=lambda data, row: forms.InvestigateForm(data, auto_id="investigate-%s"),
    call=lambda user, accident, form, row: services.investigation_start(
        by=user,
        accident_id=accident.pk,
        expected_version=form.cleaned_data["version"],
        leader=form.cleaned_data["leader"],
        members=form.cleaned_data["members"],
        started_on=form.cleaned_data.get("started_on"),
        entrusted_to_unit=form.cleaned_data.get("entrusted_to_unit", False),
    ),
    done=gettext_lazy("调查组已成立，调查报告期限已按事故等级计算"),
    anchor="investigation",
)
accident_extend = action_view(
    "extend",
    access=MANAGE,
    form=lambda data, row: forms.ExtendForm(data, auto_id="extend-%s"),
    call=lambda user, accident, form, row: services.investigation_extend(
        by=user, accident_id=accident.pk, **form.cleaned_data
    ),
    done=gettext_lazy("调查期限已延长"),
    anchor="investigation",
)
accident_investigation_update = action_view(
    "investigation",
    access=MANAGE,
    form=lambda data, row: forms.InvestigationForm(data, auto_id="investigation-%s"),
    call=lambda user, accident, form, row: services.investigation_update(
        by=user, accident_id=accident.pk, **form.service_data()
    ),
    done=gettext_lazy("调查信息已保存"),
    anchor="investigation",
)
accident_responsibility_add = action_view(
    "responsibility",
    access=MANAGE,
    form=lambda data, row: forms.ResponsibilityForm(data, auto_id="responsibility-%s"),
    call=lambda user, accident, form, row: services.responsibility_add(
        by=user, accident_id=accident.pk, **form.cleaned_data
    ),
    done=gettext_lazy("已登记责任认定"),
    anchor="responsibilities",
)
accident_measure_add = action_view(
    "measure",
    access=MANAGE,
    form=lambda data, row: forms.MeasureForm(data, auto_id="measure-%s"),
    call=lambda user, accident, form, row: services.measure_add(
        by=user, accident_id=accident.pk, **form.cleaned_data
    ),
    done=gettext_lazy("已登记整改措施"),
    anchor="measures",
)
accident_measure_done = action_view(
    "measure_done",
    access=MANAGE,
    form=lambda data, row: forms.MeasureDoneForm(data, auto_id=f"done-{row.pk}-%s"),
    call=lambda user, accident, form, row: services.measure_done(
        by=user, measure_id=row.pk, **form.cleaned_data
    ),
    done=gettext_lazy("已登记整改措施落实情况"),
    anchor="measures",
    item=lambda accident, measure_id: get_object_or_404(accident.measures, pk=measure_id),
)
accident_close = action_view(
    "close",
    access=MANAGE,
    form=lambda data, row: forms.VersionForm(data, auto_id="close-%s"),
    call=lambda user, accident, form, row: services.accident_close(
        by=user, accident_id=accident.pk, expected_version=form.cleaned_data["version"]
    ),
    done=gettext_lazy("已结案：整改措施落实后，请在批复后一年内完成后评估"),
    anchor="investigation",
)
accident_evaluate = action_view(
    "evaluate",
    access=MANAGE,
    form=lambda data, row: forms.EvaluateForm(data, auto_id="evaluate-%s"),
    call=lambda user, accident, form, row: services.accident_evaluate(
        by=user,
        accident_id=accident.pk,
        expected_version=form.cleaned_data["version"],
        rating=form.cleaned_data["rating"],
        conclusion=form.cleaned_data["conclusion"],
        evaluated_on=form.cleaned_data.get("evaluated_on"),
    ),
    done=gettext_lazy("整改措施落实后评估已完成"),
    anchor="investigation",
)
