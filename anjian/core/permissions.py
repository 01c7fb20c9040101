"""The actions of core's own pages — a user's background jobs and notifications, granted
to every role, and the working-day calendar (``accounts.permissions`` assembles every
app's declarations into the one role → action map; docs/permissions.md shows it)."""

JOB_VIEW = "job.view"
NOTIFICATION_VIEW = "notification.view"
CALENDAR_VIEW = "calendar.view"
CALENDAR_MANAGE = "calendar.manage"

ACTIONS = {
    JOB_VIEW: "own background jobs (imports, exports) and their files",
    NOTIFICATION_VIEW: "own notifications (the bell)",
    CALENDAR_VIEW: "the working-day calendar (法定节假日与调休) deadlines are counted on",
    CALENDAR_MANAGE: "enter a year's holidays and make-up working days (whole deployment)",
}

GRANTS = {
    "*": {JOB_VIEW, NOTIFICATION_VIEW},  # every role (accounts.permissions.EVERY_ROLE)
    "admin": {CALENDAR_VIEW, CALENDAR_MANAGE},
    "supervisor": {CALENDAR_VIEW},
    "department": {CALENDAR_VIEW},
}
CITY_WIDE = {CALENDAR_MANAGE}
