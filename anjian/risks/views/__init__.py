"""Risk pages, declared on the core registry base (core/registry.py) where they are
registry pages. Thin: selectors read, services write through ``core.forms.submit()``.

One module per sub-domain, each named in ``urls.py``: ``points`` (list, register, exports,
detail, notice card, create, edit, retire), ``assess``, ``measures``, ``library``,
``maps`` (map and concentration), ``band_tables``; ``common`` holds what they share.
"""
