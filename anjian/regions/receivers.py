"""The pickers' cached rows are read afresh after any change to them (core.caching)."""

from django.db import connections
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from anjian.core.caching import reference_changed
from anjian.core.models import SiteFlag
from anjian.regions.models import Department, Industry, Region


@receiver(post_save, sender=Region)
@receiver(post_save, sender=Industry)
@receiver(post_save, sender=Department)
@receiver(post_delete, sender=Region)
@receiver(post_delete, sender=Industry)
@receiver(post_delete, sender=Department)
@receiver(m2m_changed, sender=Department.industries.through)
def reference_row_changed(sender, **kwargs) -> None:
    reference_changed()


def after_migrate(sender, using, **kwargs) -> None:
    """A data migration writes through historical models, which send no signal to the
    receivers above (connected in RegionsConfig.ready)."""
    if (
        using == "default"
        and SiteFlag._meta.db_table in connections[using].introspection.table_names()
    ):
        reference_changed()
