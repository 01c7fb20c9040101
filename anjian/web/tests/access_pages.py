"""One row of the page-access table (``test_page_access.PAGES``): how a page is requested
and what answers mean "let in". The rows of some apps live beside the records they open
(``access_emergency``, ``access_cap``) and are merged into the one table."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    args: object = None  # Setup -> list of URL args
    method: str = "get"
    data: object = None  # Setup -> POST data
    query: dict = field(default_factory=dict)
    ok: tuple[int, ...] = ()  # statuses that mean "let in"; default 200 (GET) / 302 (POST)
    # Actors whose role grants the page but whose scope holds no such record at all (an
    # expert sees no plan, an enterprise user no incident): let in, and answered 404.
    unseen: frozenset[str] = frozenset()

    def expected_ok(self, actor: str = "") -> tuple[int, ...]:
        if actor in self.unseen:
            return (404,)
        return self.ok or ((200,) if self.method == "get" else (302,))
