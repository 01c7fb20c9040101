"""The one router of /api/v1/emergency, and its sections.

``api_plans``, ``api_resources``, ``api_stock`` and ``api_incidents`` declare their
operations on this router, each under its own OpenAPI tag (``Section``); ``api`` imports
them and hands the router to config/api.py. One router, not a router per module mounted
on a parent: django-ninja mounts a nested router at a prefix without its leading slash,
which the walks over ``api._routers`` (core/tests/test_pagination.py,
web/tests/route_walk.py) do not expect.
"""

from ninja import Router

router = Router(tags=["应急准备与处置"])


class Section:
    """``router``'s decorators with the section's tag: ``@section.get(path, …)``."""

    def __init__(self, tag: str):
        self.tags = [tag]

    def get(self, path: str, **options):
        return router.get(path, tags=self.tags, **options)

    def post(self, path: str, **options):
        return router.post(path, tags=self.tags, **options)

    def patch(self, path: str, **options):
        return router.patch(path, tags=self.tags, **options)
