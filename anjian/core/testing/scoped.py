"""Generated scoping tests for registries (STYLE habit 4).

A registry's ``tests/test_scoping.py`` subclasses ``ScopedCrudTests``, declares its URLs,
the world objects and who may see them, and how to fill its form; it inherits tests for
anonymous users, wrong roles, out-of-scope reads (404), writes outside scope (no row),
and list/export/API contents for every actor. ``anjian/core/tests/test_scoping_guard.py``
fails when a model with ``scope_paths`` has no such test class.
"""

from abc import ABC, abstractmethod
from io import BytesIO

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from anjian.core.testing import world


class ScopedCrudTests(ABC):
    model = None
    list_url: str = ""
    detail_url: str = ""  # URL name taking the object's pk
    edit_url: str = ""
    create_url: str = ""
    export_url: str = ""
    api_list: str = ""  # e.g. "/api/v1/enterprises/"
    api_detail: str = ""  # e.g. "/api/v1/enterprises/{pk}"
    export_key_header: str = ""  # the export column that identifies a row
    key_attribute: str = "name"
    # world object name → who sees it comes from ``visible`` (actor → set of object names)
    visible: dict[str, set[str]] = {}
    creators: tuple[str, ...] = ()  # actors whose role may create
    not_creators: tuple[str, ...] = ()  # actors whose role may not

    # --- what a subclass provides -------------------------------------------------
    @abstractmethod
    def get_object(self, name: str):
        """The world object called ``name``."""

    @abstractmethod
    def create_data(self, actor: str) -> dict:
        """Valid form data for a new object inside ``actor``'s scope."""

    @abstractmethod
    def outside_data(self, actor: str) -> dict:
        """Valid form data for a new object just outside ``actor``'s scope."""

    # --- helpers --------------------------------------------------------------------
    def client(self, actor: str) -> Client:
        client = Client()
        client.force_login(world.actor(actor))
        return client

    def objects(self):
        names = set().union(*self.visible.values())
        return {name: self.get_object(name) for name in sorted(names)}

    def key(self, obj) -> str:
        return str(getattr(obj, self.key_attribute))

    # --- the inherited tests --------------------------------------------------------
    def test_anonymous_users_are_sent_to_login(self, db):
        obj = next(iter(self.objects().values()))
        urls = [reverse(self.list_url), reverse(self.detail_url, args=[obj.pk])]
        urls += [reverse(self.edit_url, args=[obj.pk])] if self.edit_url else []
        urls += [reverse(self.create_url)] if self.create_url else []
        urls += [reverse(self.export_url)] if self.export_url else []
        for url in urls:
            response = Client().get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("accounts:login")), url

    def test_anonymous_api_calls_are_401(self, db):
        if not self.api_list:
            return
        obj = next(iter(self.objects().values()))
        for url in (self.api_list, self.api_detail.format(pk=obj.pk)):
            assert Client().get(url).status_code == 401, url

    def test_every_actor_lists_exactly_its_scope(self, db):
        objects = self.objects()
        for actor, expected in self.visible.items():
            response = self.client(actor).get(reverse(self.list_url))
            if not world.actor(actor).can(self._view_action()):
                assert response.status_code == 403, actor
                continue
            page = response.content.decode()
            for name, obj in objects.items():
                assert (self.key(obj) in page) == (name in expected), (actor, name)

    def test_out_of_scope_detail_and_edit_are_404(self, db):
        objects = self.objects()
        for actor, expected in self.visible.items():
            client = self.client(actor)
            user = world.actor(actor)
            for name, obj in objects.items():
                if name in expected:
                    continue
                if user.can(self._view_action()):
                    response = client.get(reverse(self.detail_url, args=[obj.pk]))
                    assert response.status_code == 404, (actor, name, "detail")
                if self.edit_url and self._can_edit(user):
                    response = client.get(reverse(self.edit_url, args=[obj.pk]))
                    assert response.status_code == 404, (actor, name, "edit")
                    response = client.post(reverse(self.edit_url, args=[obj.pk]), {})
                    assert response.status_code == 404, (actor, name, "edit post")

    def test_roles_without_the_right_cannot_create(self, db):
        if not self.create_url:
            return
        before = self.model.objects.count()
        for actor in self.not_creators:
            client = self.client(actor)
            assert client.get(reverse(self.create_url)).status_code == 403, actor
            response = client.post(reverse(self.create_url), self.create_data("district_official"))
            assert response.status_code == 403, actor
        assert self.model.objects.count() == before

    def test_creating_outside_scope_writes_nothing(self, db):
        if not self.create_url:
            return
        for actor in self.creators:
            before = self.model.objects.count()
            response = self.client(actor).post(reverse(self.create_url), self.outside_data(actor))
            assert response.status_code in (200, 422), actor
            assert self.model.objects.count() == before, actor

    def test_creating_inside_scope_works(self, db):
        if not self.create_url:
            return
        for actor in self.creators:
            before = self.model.objects.count()
            response = self.client(actor).post(reverse(self.create_url), self.create_data(actor))
            assert response.status_code == 302, (actor, response.content.decode()[-3000:])
            assert self.model.objects.count() == before + 1, actor

    def test_export_contains_exactly_the_scope(self, db):
        if not self.export_url:
            return
        objects = self.objects()
        for actor, expected in self.visible.items():
            response = self.client(actor).get(reverse(self.export_url))
            if response.status_code == 403:
                assert not world.actor(actor).can(self._export_action()), actor
                continue
            assert response.status_code == 200, actor
            keys = self._exported_keys(response.content)
            assert keys == {self.key(objects[name]) for name in expected}, actor

    def test_api_lists_exactly_the_scope(self, db):
        if not self.api_list:
            return
        objects = self.objects()
        for actor, expected in self.visible.items():
            response = self.client(actor).get(self.api_list, {"page_size": 500})
            if response.status_code == 403:
                assert not world.actor(actor).can(self._view_action()), actor
                continue
            assert response.status_code == 200, actor
            ids = {item["id"] for item in response.json()["items"]}
            assert ids == {objects[name].pk for name in expected}, actor

    def test_api_detail_outside_scope_is_404(self, db):
        if not self.api_detail:
            return
        for actor, expected in self.visible.items():
            client = self.client(actor)
            if not world.actor(actor).can(self._view_action()):
                continue
            for name, obj in self.objects().items():
                status = client.get(self.api_detail.format(pk=obj.pk)).status_code
                assert status == (200 if name in expected else 404), (actor, name)

    # --- internals --------------------------------------------------------------------
    def _view_action(self) -> str:
        return f"{self.model._meta.model_name}.view"

    def _export_action(self) -> str:
        return f"{self.model._meta.model_name}.export"

    def _can_edit(self, user) -> bool:
        name = self.model._meta.model_name
        return user.can(f"{name}.change") or user.can(f"{name}.change_own")

    def _exported_keys(self, content: bytes) -> set[str]:
        sheet = load_workbook(BytesIO(content), read_only=True).worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        headers = list(next(rows))
        column = headers.index(self.export_key_header)
        return {str(row[column]) for row in rows if row and row[column] is not None}
