"""The actions of core's own pages — a user's background jobs and notifications — granted
to every role (``accounts.permissions`` assembles every app's declarations into the one
role → action map; docs/permissions.md shows it)."""

JOB_VIEW = "job.view"
NOTIFICATION_VIEW = "notification.view"

ACTIONS = {
    JOB_VIEW: "own background jobs (imports, exports) and their files",
    NOTIFICATION_VIEW: "own notifications (the bell)",
}

GRANTS = {"*": {JOB_VIEW, NOTIFICATION_VIEW}}  # every role (accounts.permissions.EVERY_ROLE)
