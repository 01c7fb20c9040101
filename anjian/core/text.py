"""Text as search and sorting compare it: one normalisation for documents and queries."""

import re

_SEPARATORS = re.compile(r"[\s\W_]+", re.UNICODE)


def _fullwidth_table() -> dict[int, int]:
    table = {0x3000: 0x20}
    table.update({code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)})
    return table


_FULL_WIDTH = _fullwidth_table()


def normalize(text: str) -> str:
    """Lower-case, full-width to half-width, punctuation to single spaces."""
    text = text.translate(_FULL_WIDTH).lower()
    return _SEPARATORS.sub(" ", text).strip()
