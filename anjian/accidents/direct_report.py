"""直报: each quick report and follow-up is pushed to the configured upper-level systems
(seed 002) through the outbox — written in the report's transaction, sent after the
commit, signed, retried until acknowledged (``core.outbox``; docs/outbox.md).

The payload is the report as the upper level needs it: who, where, when, what, the
figures and the grade, in plain JSON with stable keys (documented in docs/outbox.md)."""

from django.utils import timezone

from anjian.accidents.models import Accident, AccidentReport
from anjian.core import outbox

TOPICS = {"quick": "accident.quick_report", "follow_up": "accident.follow_up"}


def payload(accident: Accident, report: AccidentReport) -> dict:
    return {
        "accident": {
            "number": accident.number,
            "unit": accident.unit_name,
            "credit_code": accident.enterprise.credit_code if accident.enterprise_id else "",
            "region_code": accident.region_code,
            "place": accident.place,
            "occurred_at": timezone.localtime(accident.occurred_at).isoformat(),
            "known_at": timezone.localtime(accident.known_at).isoformat(),
            "accident_type": accident.accident_type,
            "accident_type_label": accident.get_accident_type_display(),
            "category": accident.category,
            "category_label": accident.get_category_display(),
            "larger_risk": accident.larger_risk,
            "summary": accident.summary,
            "measures_taken": accident.measures_taken,
        },
        "report": {
            "sequence": report.sequence,
            "kind": report.kind,
            "reported_at": timezone.localtime(report.reported_at).isoformat(),
            "content": report.content,
            "reason": report.reason,
            "after_window": report.after_window,
            "deaths": report.deaths,
            "missing": report.missing,
            "serious_injuries": report.serious_injuries,
            "minor_injuries": report.minor_injuries,
            "direct_loss": report.direct_loss,
            "grade": report.grade,
            "grade_label": report.get_grade_display(),
            "previous_grade": report.previous_grade,
        },
    }


def push(accident: Accident, report: AccidentReport) -> None:
    """Queue the report for every receiver (inside the caller's transaction)."""
    if accident.synthetic:
        return  # demo data never leaves the machine
    outbox.enqueue(TOPICS[report.kind], payload(accident, report), subject=accident)
