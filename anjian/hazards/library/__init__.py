"""The major-hazard determination standards library (重大事故隐患判定标准).

``data/`` holds one JSON file per standard edition (format in ``data/README.md``);
``loader`` validates and imports them (and Excel files of the same shape);
``services`` writes, ``selectors`` reads (which clauses apply to an enterprise, which
clauses a hazard description suggests); ``views``/``urls``/``api`` are the pages and
``/api/v1/hazard-standards``.
"""
