"""Why a unit cannot be identified or graded: ValueError subclasses with Chinese messages.

Callers (forms, Excel import, API) catch ``IdentificationError`` and show ``str(error)``; each
subclass exists so a caller or test can tell the cases apart. The messages are plain Chinese,
not gettext, because the engine is pure (no Django settings), like ``anjian.risks.grading``.
"""


class IdentificationError(ValueError):
    """Base class: the input cannot be identified or graded under GB 18218."""


class EmptyUnit(IdentificationError):
    """The unit has no lines."""


class QuantityError(IdentificationError):
    """A line's quantity is not a number, or is zero or negative."""


class ChemicalIdentityError(IdentificationError):
    """A CAS number is malformed, or the CAS number, name and row number disagree."""


class UnknownHazardClass(IdentificationError):
    """A hazard class code is not a class of GB 18218-2018 table 2."""


class CriticalQuantityUndetermined(IdentificationError):
    """Neither table 1 nor any table 2 class gives the line a critical quantity Q."""


class BetaUndetermined(IdentificationError):
    """A major hazard source cannot be graded: a line has no β (table 3 or table 4)."""


class PopulationError(IdentificationError):
    """The number of people within 500 m is negative or not a whole number."""
