"""Enterprise self-checks (隐患自查): check plans with checklists; failed items raise hazards.

The models live in ``anjian.hazards.models.selfcheck``. Here: ``checklists`` (typical
checklists per industry to start a plan from), ``services`` (writes), ``selectors``
(reads, and which plans are due today), ``forms``, ``views`` and ``urls`` (mounted at
``/hazards/self-checks/``, namespace ``selfcheck``).
"""
