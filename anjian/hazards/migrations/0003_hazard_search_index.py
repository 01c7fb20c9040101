"""PostgreSQL only: the GIN index behind Chinese bigram search of the hazard ledger
(see anjian/core/search.py and docs/adr/0006-chinese-search.md). SQLite needs nothing."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS hazard_search_bigrams ON hazards_hazard "
    "USING gin (to_tsvector('simple', search_tokens))"
)
DROP = "DROP INDEX IF EXISTS hazard_search_bigrams"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("hazards", "0002_standards_library")]
    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
