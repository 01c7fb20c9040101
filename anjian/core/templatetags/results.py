"""The phone cards of a results table (``core/registry/_results.html``).

Below the md breakpoint (768 px) a list shows one card per row instead of the table: the
card's title is the row's first card column (its link included), its subtitle the second
(without a label: the enterprise, the street), then each other card column as label and
value — all rendered by the table itself (badges, overdue marks, links).
A table names its card columns in ``card_fields``; without it, the card shows the columns
the table keeps on phones — those whose cells are not hidden below md (``d-none``).
"""

from dataclasses import dataclass, field

from django import template

register = template.Library()

PHONE_HIDDEN = "d-none"


@dataclass
class Card:
    title: object
    subtitle: object = ""
    fields: list[tuple[str, object]] = field(default_factory=list)


@dataclass
class Cards:
    columns: list  # the card's bound columns, its title first
    rows: list[Card]


def card_columns(table) -> list:
    """The bound columns a card shows, its title first."""
    names = getattr(table, "card_fields", None)
    if names:
        return [table.columns[name] for name in names if name in table.columns]
    return [
        column
        for column in table.columns
        if PHONE_HIDDEN not in str(column.attrs.get("td", {}).get("class", "")).split()
    ]


@register.simple_tag
def result_cards(table) -> Cards:
    """``{% result_cards table as cards %}``: the page's rows as cards."""
    columns = card_columns(table)
    title, *rest = columns
    subtitle, fields = (rest[0], rest[1:]) if rest else (None, [])
    cards = [
        Card(
            title=row.get_cell(title.name),
            subtitle=row.get_cell(subtitle.name) if subtitle is not None else "",
            fields=[(column.header, row.get_cell(column.name)) for column in fields],
        )
        for row in table.paginated_rows
    ]
    return Cards(columns=columns, rows=cards)
