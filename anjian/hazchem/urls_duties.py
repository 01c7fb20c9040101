"""/hazchem/ pages of 包保责任 (joined in urls.py under the hazchem namespace): a source's
duty forms and full record, the frequencies, and 包保履职 with its drill-down lists."""

from django.urls import path

from anjian.hazchem import views_duties as v

urlpatterns = [
    path("sources/<int:pk>/duties/", v.SourceDuties.as_view(), name="source_duties"),
    path("sources/<int:pk>/duties/assign/", v.DutyAssign.as_view(), name="source_duty_assign"),
    path(
        "sources/<int:pk>/duties/<int:duty_id>/end/",
        v.DutyEnd.as_view(),
        name="source_duty_end",
    ),
    path("sources/<int:pk>/checks/", v.CheckRecord.as_view(), name="source_check_record"),
    path("duties/", v.duty_figures, name="duty_figures"),
    path("duties/export.xlsx", v.duty_figures_export, name="duty_figures_export"),
    path("duties/checks.xlsx", v.duty_checks_export, name="duty_checks_export"),
    path("duties/sources/", v.duty_figures_sources, name="duty_figures_sources"),
    path(
        "duties/sources/export.xlsx",
        v.duty_figures_sources_export,
        name="duty_figures_sources_export",
    ),
    path("duties/rules/", v.duty_rules, name="duty_rules"),
    path("duties/rules/<str:role>/", v.duty_rule_set, name="duty_rule_set"),
]
