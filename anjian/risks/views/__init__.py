"""Risk pages. Thin: selectors read, services write, forms validate.

One module per sub-domain, each named in ``urls.py``: ``points`` (list, register, exports,
detail, notice card, create, edit, retire), ``assess``, ``measures``, ``library``,
``maps`` (map and concentration), ``band_tables``; ``common`` holds what they share.
"""
