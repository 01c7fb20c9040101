from django.dispatch import Signal

# Sent after a department's supervised industries change (region_code, industry_ids).
# The enterprises app re-derives the supervising department of the enterprises affected.
department_industries_changed = Signal()
