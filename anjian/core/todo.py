"""What waits for a user: one line of the home page's 待办 panel.

Each app says what waits in its own selectors (``todo_items(user)``); the web layer
gathers them. ``count`` is exactly the number of records ``url`` lists.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class TodoItem:
    key: str
    label: str
    count: int
    url: str
    urgent: bool = False  # shown in red while count > 0 (alarms, overdue revisits)
