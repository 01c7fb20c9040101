"""How the tally tests read the clearing summaries: the key a hazard counts under, the
counters that moved between two readings, and the open-deadline rows."""

from anjian.hazards.models import COUNTERS


def key_of(hazard) -> tuple:
    return (hazard.scope_region_code, hazard.industry_id, hazard.found_month)


def delta(before: dict, after: dict) -> dict:
    """Per key, the counters that changed and by how much."""
    changes = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key, {}), after.get(key, {})
        moved = {c: new.get(c, 0) - old.get(c, 0) for c in COUNTERS}
        moved = {c: n for c, n in moved.items() if n}
        if moved:
            changes[key] = moved
    return changes


def open_rows(model=None) -> dict:
    from anjian.hazards.models import HazardOpenTally

    model = model or HazardOpenTally
    region = "scope_region_code" if model is HazardOpenTally else "district_code"
    return {
        (getattr(r, region), r.industry_id, r.deadline, r.major): r.open
        for r in model.objects.exclude(open=0)
    }
