"""Benchmark of the hazard ledger export (问题隐患清单) at a few tens of thousands of rows.

    ANJIAN_VAR_DIR=/tmp/anjian-bench-export .venv/bin/python bench/export.py --hazards 20000

A benchmark, not a test. It runs on the embedded SQLite default in its own ``var``
directory (``ANJIAN_VAR_DIR``; never point it at a database you keep), and

1. builds its data once: migrates, runs ``anjian demo --enterprises 300 --hazards 150``
   (real hazards in every state, through the services), then copies those hazards —
   with their clauses and listings — until the ledger holds ``--hazards`` rows;
2. downloads the whole ledger as the demo ``admin`` (city-wide) the way a user does:
   ``GET /hazards/export.xlsx`` through Django's test ``Client``. If the answer is the file
   (synchronous) that request is timed; if it is a redirect to a background job, the
   request, one ``anjian worker --batch`` run and the download from the job page are
   timed together;
3. prints the rows, the seconds, the milliseconds per row and the SQL statements run.

``--sync-rows N`` sets ANJIAN_EXPORT_SYNC_ROWS for the run (e.g. a large value to time the
synchronous path on the same rows).
"""

import argparse
import os
import sys
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hazards", type=int, default=20_000, help="ledger rows (default 20000)")
    parser.add_argument("--sync-rows", type=int, default=None, help="ANJIAN_EXPORT_SYNC_ROWS")
    return parser.parse_args()


def build(target: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from anjian.enterprises.models import Enterprise
    from anjian.hazards.models import Hazard, SupervisionListing

    call_command("migrate", verbosity=0)
    if not Enterprise.objects.exists():
        started = time.perf_counter()
        call_command("demo", enterprises=300, hazards=150, no_progress=True, verbosity=0)
        print(f"demo data: {time.perf_counter() - started:.0f} s", flush=True)
    have = Hazard.objects.count()
    if have >= target:
        return
    started = time.perf_counter()
    originals = list(Hazard.objects.prefetch_related("clauses", "listings").order_by("pk"))
    clause_links = Hazard.clauses.through
    with transaction.atomic():
        batch, made = [], have
        while made < target:
            original = originals[made % len(originals)]
            copy = Hazard.objects.get(pk=original.pk)
            copy.pk = None
            copy.number = f"B{made:09d}"
            copy.report_token = None
            batch.append((copy, original))
            made += 1
            if len(batch) == 2000 or made == target:
                Hazard.objects.bulk_create([c for c, _ in batch])
                clause_links.objects.bulk_create(
                    clause_links(hazard_id=c.pk, standardclause_id=clause.pk)
                    for c, o in batch
                    for clause in o.clauses.all()
                )
                SupervisionListing.objects.bulk_create(
                    _copy_listing(listing, c) for c, o in batch for listing in o.listings.all()
                )
                batch = []
    print(f"copied {target - have} hazards: {time.perf_counter() - started:.0f} s", flush=True)


def _copy_listing(listing, hazard):
    from anjian.hazards.models import SupervisionListing

    fields = {
        f.attname: getattr(listing, f.attname)
        for f in SupervisionListing._meta.concrete_fields
        if not f.primary_key
    }
    fields["hazard_id"] = hazard.pk
    return SupervisionListing(**fields)


def measure() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from openpyxl import load_workbook

    from anjian.accounts.models import User
    from anjian.core.models import BackgroundJob

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    client.get("/")  # warm the session and the URL resolver
    BackgroundJob.objects.filter(kind="hazard_export").delete()
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        response = client.get(reverse("hazards:hazard_export"))
        path = "synchronous"
        if response.status_code == 302:
            path = "background job"
            call_command("worker", batch=True, verbosity=0)
            job = BackgroundJob.objects.get(kind="hazard_export")
            response = client.get(reverse("core:job_download", args=[job.pk]))
        assert response.status_code == 200, response.status_code
        content = (
            b"".join(response.streaming_content)
            if getattr(response, "streaming", False)
            else response.content
        )
    seconds = time.perf_counter() - started
    sheet = load_workbook(BytesIO(content), read_only=True).worksheets[0]
    rows = sum(1 for _row in sheet.iter_rows(min_row=2, values_only=True))
    print(
        f"{path}: {rows:,} rows in {seconds:.1f} s = {1000 * seconds / rows:.2f} ms/row, "
        f"{statements:,} SQL statements, {len(content) / 1e6:.1f} MB",
        flush=True,
    )


def main() -> None:
    args = parse()
    if "ANJIAN_VAR_DIR" not in os.environ:
        sys.exit("set ANJIAN_VAR_DIR to a throw-away directory (its SQLite file is rebuilt)")
    if args.sync_rows is not None:
        os.environ["ANJIAN_EXPORT_SYNC_ROWS"] = str(args.sync_rows)
    import django

    django.setup()
    build(args.hazards)
    measure()


if __name__ == "__main__":
    main()
