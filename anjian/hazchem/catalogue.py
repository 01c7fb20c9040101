"""The chemical catalogue's shipped rows: GB 18218-2018 table 1, kept in step with
``gb18218.TABLE_1`` after every migrate (``HazchemConfig.ready`` connects ``sync_shipped``
to ``post_migrate``), so a deployment works with only these rows and an edition change of
the table reaches every deployment with its next migrate.

A shipped row is found by its table 1 row number; its name, aliases, CAS number and
``table1_row`` follow the table; the flags an administrator set (剧毒, 重点监管 …) and the
catalogue data imported for it (UN number, GHS classes) are kept. A chemical already in the
catalogue under the same name (imported before) becomes the shipped row."""

from django.db import transaction

from anjian.hazchem import gb18218
from anjian.hazchem.choices import CatalogueSource
from anjian.hazchem.models import Chemical


@transaction.atomic
def sync_shipped() -> int:
    """Create or update the table 1 rows; returns how many rows changed."""
    # Only a shipped row is the table's row of its number: another entry may name the row
    # it is (an industrial grade), and taking it would rename it onto the shipped name.
    shipped = Chemical.objects.filter(source=CatalogueSource.SHIPPED, table1_row__isnull=False)
    by_row = {c.table1_row: c for c in shipped}
    by_name = {c.name: c for c in Chemical.objects.exclude(pk__in=[c.pk for c in by_row.values()])}
    changed = 0
    for row in gb18218.TABLE_1:
        values = {
            "name": row.name,
            "aliases": "、".join(row.aliases),
            "cas": row.cas[0] if row.cas else "",
            "table1_row": row.number,
            "source": CatalogueSource.SHIPPED,
            "active": True,
        }
        chemical = by_row.get(row.number) or by_name.get(row.name)
        if chemical is None:
            Chemical.objects.create(**values)
            changed += 1
            continue
        if any(getattr(chemical, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(chemical, name, value)
            chemical.version += 1
            chemical.save()
            changed += 1
    return changed


def sync_after_migrate(sender, **kwargs) -> None:
    if sender.name == "anjian.hazchem":
        sync_shipped()
