"""Load the shipped standards library (anjian/hazards/library/data/*.json) into a fresh database.

Every database, test databases included, then has the 重大事故隐患判定标准 without a
separate step. Editions already present (by code) are left alone, so the migration never
overwrites what an administrator edited; later changes to the shipped files are loaded
with ``anjian standards import``. Rows are written with the historical models (no audit
entries: there is no actor and nothing changed by hand yet). Reversing leaves the rows.
"""

from django.db import migrations


def load_shipped_standards(apps, schema_editor):
    from anjian.hazards.library.parsing import parse_path, shipped_files
    from anjian.hazards.library.vocabulary import Vocabulary

    Document = apps.get_model("hazards", "StandardDocument")
    Clause = apps.get_model("hazards", "StandardClause")
    clause_fields = {f.name for f in Clause._meta.get_fields()}
    document_fields = {f.name for f in Document._meta.get_fields()}
    vocabulary = Vocabulary.defaults()  # no industry rows exist yet
    payloads = [parse_path(path, vocabulary=vocabulary) for path in shipped_files()]
    created = {}
    for payload in payloads:
        data = payload.document
        if Document.objects.filter(code=data.code).exists():
            continue
        values = {
            "code": data.code,
            "title": data.title,
            "edition": data.edition,
            "domain": data.domain,
            "issued_on": data.issued_on,
            "effective_from": data.effective_from,
            "industry_codes": data.industry_codes,
            "note": data.note,
            "is_active": data.is_active,
        }
        document = Document.objects.create(
            **{k: v for k, v in values.items() if k in document_fields}
        )
        created[data.code] = (document, payload)
        Clause.objects.bulk_create(
            Clause(
                document=document,
                **{k: v for k, v in clause.model_data().items() if k in clause_fields},
            )
            for clause in payload.clauses
        )
    for document, payload in created.values():
        successor = payload.document.superseded_by
        if successor:
            document.superseded_by = Document.objects.filter(code=successor).first()
            document.save(update_fields=["superseded_by"])
        for old_code in payload.document.supersedes:
            Document.objects.filter(code=old_code).update(superseded_by=document)


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_shipped_standards, migrations.RunPython.noop, elidable=False),
    ]
