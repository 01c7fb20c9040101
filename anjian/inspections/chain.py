"""执法全过程记录: an append-only log per inspection or case, each entry chained by hash.

An entry's hash is SHA-256 over the previous entry's hash and the entry's canonical
content (``content``: sorted-key JSON of chain, seq, time, person, action, summary,
position and data — the data names the SHA-256 of every photo, recording or document the
step produced, so a swapped file is detected too). The first entry chains to 64 zeros.

``append`` takes the chain's last entry under a row lock (``select_for_update``), so two
steps recorded at once get consecutive numbers; the unique (chain, seq) constraint backs
it up. ``verify`` recomputes every hash and names the first entry that no longer matches
(``anjian inspections verify-record inspection:<id>``).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anjian.inspections.models import RecordEntry

GENESIS = "0" * 64


def chain_key(obj) -> str:
    """``inspection:12`` / ``case:3`` for an Inspection or a Case."""
    return f"{obj._meta.model_name}:{obj.pk}"


def _position(value) -> str | None:
    return None if value is None else f"{Decimal(value):.6f}"


def content(entry: RecordEntry) -> bytes:
    body = {
        "chain": entry.chain,
        "seq": entry.seq,
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "by": entry.by_id,
        "action": entry.action,
        "summary": entry.summary,
        "latitude": _position(entry.latitude),
        "longitude": _position(entry.longitude),
        "data": entry.data,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(prev_hash: str, entry: RecordEntry) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + content(entry)).hexdigest()


@transaction.atomic
def append(
    chain: str,
    *,
    by,
    action: str,
    summary: str,
    data: dict | None = None,
    latitude=None,
    longitude=None,
    at=None,
) -> RecordEntry:
    """Record one step at the end of ``chain``; returns the stored entry."""
    last = (
        RecordEntry.objects.select_for_update()
        .filter(chain=chain)
        .order_by("-seq")
        .only("seq", "hash")
        .first()
    )
    entry = RecordEntry(
        chain=chain,
        seq=(last.seq + 1) if last else 1,
        at=at or timezone.now(),
        by=by,
        action=action,
        summary=summary[:500],
        latitude=None if latitude is None else Decimal(latitude).quantize(Decimal("0.000001")),
        longitude=None if longitude is None else Decimal(longitude).quantize(Decimal("0.000001")),
        data=json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = digest(entry.prev_hash, entry)
    entry.save(force_insert=True)
    return entry


@dataclass(frozen=True)
class Break:
    """Where a chain no longer holds, in words for the person checking it."""

    seq: int
    problem: str


def verify(chain: str) -> tuple[int, list[Break]]:
    """(entries checked, breaks): no breaks means no entry was changed, removed or inserted."""
    breaks: list[Break] = []
    prev = GENESIS
    expected_seq = 1
    count = 0
    for entry in RecordEntry.objects.filter(chain=chain).order_by("seq").iterator():
        count += 1
        if entry.seq != expected_seq:
            breaks.append(Break(entry.seq, f"缺少第 {expected_seq} 条记录（记录被删除）"))
        if entry.prev_hash != prev:
            breaks.append(Break(entry.seq, "与前一条记录的链接不符（前一条被修改、删除或插入）"))
        if digest(entry.prev_hash, entry) != entry.hash:
            breaks.append(Break(entry.seq, "内容与记录时的校验值不符（该条记录被修改）"))
        prev = entry.hash
        expected_seq = entry.seq + 1
    return count, breaks
