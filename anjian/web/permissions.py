"""The action of the home page, granted to every role (``accounts.permissions`` assembles
every app's declarations into the one role → action map; docs/permissions.md shows it)."""

from anjian.accounts.permissions import EVERY_ROLE

HOME_VIEW = "home.view"

ACTIONS = {HOME_VIEW: "the home page (a dashboard of what the role may see)"}

GRANTS = {EVERY_ROLE: {HOME_VIEW}}
