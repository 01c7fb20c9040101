"""/inspections/cases/ — 行政处罚案件 and the 自由裁量基准 (included by ``inspections/urls.py``,
in its ``inspections`` namespace)."""

from django.urls import path

from anjian.inspections.cases import views

STEPS = (
    "investigate",
    "submit_review",
    "pass_review",
    "return_review",
    "notify",
    "decide",
    "execute",
    "close",
    "transfer",
    "drop",
)

urlpatterns = [
    path("", views.CaseList.as_view(), name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("review/", views.review_queue, name="case_review_queue"),
    path("discretion/", views.discretion_list, name="discretion_list"),
    path("discretion/new/", views.RuleEdit.as_view(), name="discretion_create"),
    path("discretion/<int:pk>/edit/", views.RuleEdit.as_view(), name="discretion_edit"),
    path("discretion/<int:pk>/retire/", views.discretion_retire, name="discretion_retire"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/weigh/", views.case_weigh, name="case_weigh"),
    *(
        path(f"<int:pk>/{step}/", getattr(views, f"case_{step}"), name=f"case_{step}")
        for step in STEPS
    ),
]
