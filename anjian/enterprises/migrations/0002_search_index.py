"""PostgreSQL only: the GIN index behind Chinese bigram search (see anjian/core/search.py).

SQLite (the embedded default) searches with LIKE and needs nothing here.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS enterprise_search_bigrams ON enterprises_enterprise "
    "USING gin (to_tsvector('simple', search_tokens))"
)
DROP = "DROP INDEX IF EXISTS enterprise_search_bigrams"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
