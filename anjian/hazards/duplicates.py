"""Possible duplicates: the same hazard reported twice (by the enterprise and a grid member,
or twice from one inspection). Flagged for a person to merge or dismiss, never merged alone.

Two hazards are flagged when they belong to the same enterprise, were found within
``WINDOW`` of each other, neither is void, and their text is alike: the Jaccard overlap
of Chinese character bigrams of title + description, with the place weighted in.
"""

from datetime import timedelta

from anjian.core.search import bigrams, normalize
from anjian.hazards.choices import State
from anjian.hazards.models import DuplicateCandidate, Hazard

WINDOW = timedelta(days=7)
THRESHOLD = 0.45
PLACE_WEIGHT = 0.3


def _grams(text: str) -> set[str]:
    return set(bigrams(normalize(text or "")))


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(one, other) -> float:
    text = _jaccard(
        _grams(f"{one.title} {one.description}"), _grams(f"{other.title} {other.description}")
    )
    place = _jaccard(_grams(one.location), _grams(other.location))
    return round((1 - PLACE_WEIGHT) * text + PLACE_WEIGHT * place, 3)


def candidates_for(hazard):

    return (
        Hazard.objects.filter(
            enterprise_id=hazard.enterprise_id,
            place_id=hazard.place_id,
            found_at__gte=hazard.found_at - WINDOW,
            found_at__lte=hazard.found_at + WINDOW,
        )
        .exclude(pk=hazard.pk)
        .exclude(state=State.VOID)
        .only("id", "title", "description", "location")[:200]
    )


def flag(hazard) -> list:
    """Record a DuplicateCandidate for each earlier hazard this one looks like."""

    flagged = []
    for other in candidates_for(hazard):
        score = similarity(hazard, other)
        if score >= THRESHOLD:
            candidate, _created = DuplicateCandidate.objects.get_or_create(
                hazard=hazard, other=other, defaults={"similarity": score}
            )
            flagged.append(candidate)
    return flagged
