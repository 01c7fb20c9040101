"""What the registry tells the apps above it (they connect; the registry imports none of them)."""

from django.dispatch import Signal

# Sent by ``enterprise_update`` inside its transaction, after the save, when an enterprise's
# ``scope_region_code`` (it moved street or grid) or ``industry`` changed. Keyword arguments:
# ``enterprise`` (saved, with the new values), ``old_region_code``, ``old_industry_id``.
# Receivers run in the writer's transaction: an exception rolls the change back. Every
# ``EnterpriseOwned`` model follows it (``enterprises.owned.follow``).
enterprise_moved = Signal()

# Sent by ``places.services.place_update`` likewise when a public place moved street or grid
# or changed industry. Keyword arguments: ``place``, ``old_region_code``, ``old_industry_id``.
# The hazards of the place follow it (``hazards.services.hazards_follow_place``).
place_moved = Signal()
