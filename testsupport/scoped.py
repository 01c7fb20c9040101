"""Generated scoping tests for registries (STYLE habit 4).

A registry's ``tests/test_scoping.py`` subclasses ``ScopedCrudTests``, declares its URLs,
the world objects and who may see them, and how to fill its form; it inherits tests for
anonymous users, wrong roles, out-of-scope reads (404), writes outside scope (no row),
and list/export/API contents for every actor. ``anjian/core/tests/test_scoping_guard.py``
fails when a model with ``scope_paths`` has no such test class.

A generated test never passes by checking nothing: each optional URL (``OPTIONAL``) is
either set or listed in ``not_applicable`` with the reason it does not apply (the tests
that need it are then reported as skipped with that reason); one that is neither fails,
naming the conventional URL (``<app>:<model>_create`` beside ``<app>:<model>_detail``)
when the resolver has it. A test whose loop checked nothing (no actor may read, no object
is out of anyone's scope) fails too.
"""

from abc import ABC, abstractmethod
from io import BytesIO

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from testsupport import world


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
    created_status: int = 302  # a successful create's answer (200: a page showing a token once)
    # Optional URLs that do not apply to this model, each with its reason, e.g.
    # {"export_url": "plans have no Excel export"}. Every name in OPTIONAL is set or here.
    not_applicable: dict[str, str] = {}

    OPTIONAL = ("edit_url", "create_url", "export_url", "api_list", "api_detail")
    # The optional page URLs and the suffix of their conventional name (<app>:<model>_edit).
    CONVENTIONAL = {"edit_url": "_edit", "create_url": "_create", "export_url": "_export"}

    # --- what a subclass provides -------------------------------------------------
    @abstractmethod
    def get_object(self, name: str):
        """The world object called ``name``."""

    def create_data(self, actor: str) -> dict:
        """Valid form data for a new object inside ``actor``'s scope (with ``create_url``)."""
        pytest.fail(f"{type(self).__name__} has a create_url: define create_data()")

    def outside_data(self, actor: str) -> dict:
        """Valid form data for a new object just outside ``actor``'s scope: everything
        right but the place, so that only scoping can refuse it."""
        pytest.fail(f"{type(self).__name__} has a create_url: define outside_data()")

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
    def test_the_declaration_is_complete(self):
        problems = self.declaration_problems()
        assert not problems, f"{type(self).__name__}:\n" + "\n".join(problems)

    def test_anonymous_users_are_sent_to_login(self, db):
        obj = next(iter(self.objects().values()))
        urls = [reverse(self.list_url), reverse(self.detail_url, args=[obj.pk])]
        if edit_url := self._declared("edit_url"):
            urls.append(reverse(edit_url, args=[obj.pk]))
        for attribute in ("create_url", "export_url"):
            if url := self._declared(attribute):
                urls.append(reverse(url))
        for url in urls:
            response = Client().get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("accounts:login")), url

    def test_anonymous_api_calls_are_401(self, db):
        obj = next(iter(self.objects().values()))
        urls = []
        if api_list := self._declared("api_list"):
            urls.append(api_list)
        if api_detail := self._declared("api_detail"):
            urls.append(api_detail.format(pk=obj.pk))
        if not urls:
            self._skip("api_list", "api_detail")
        for url in urls:
            assert Client().get(url).status_code == 401, url

    def test_every_actor_lists_exactly_its_scope(self, db):
        objects = self.objects()
        readers = 0
        for actor, expected in self.visible.items():
            # Followed: a list of one may send its reader to that record's page.
            response = self.client(actor).get(reverse(self.list_url), follow=True)
            if not world.actor(actor).can(self._view_action()):
                assert response.status_code == 403, actor
                continue
            readers += 1
            page = response.content.decode()
            for name, obj in objects.items():
                assert (self.key(obj) in page) == (name in expected), (actor, name)
        assert readers, "no actor in `visible` may read the list: nothing was checked"

    def test_out_of_scope_detail_and_edit_are_404(self, db):
        objects = self.objects()
        edit_url = self._declared("edit_url")
        checked = 0
        for actor, expected in self.visible.items():
            client = self.client(actor)
            user = world.actor(actor)
            for name, obj in objects.items():
                if name in expected:
                    continue
                if user.can(self._view_action()):
                    response = client.get(reverse(self.detail_url, args=[obj.pk]))
                    assert response.status_code == 404, (actor, name, "detail")
                    checked += 1
                if edit_url and self._can_edit(user):
                    response = client.get(reverse(edit_url, args=[obj.pk]))
                    assert response.status_code == 404, (actor, name, "edit")
                    response = client.post(reverse(edit_url, args=[obj.pk]), {})
                    assert response.status_code == 404, (actor, name, "edit post")
                    checked += 1
        assert checked, "no actor who may read saw an object outside its scope: nothing checked"

    def test_roles_without_the_right_cannot_create(self, db):
        create_url = self._required("create_url")
        assert self.creators and self.not_creators, "declare creators and not_creators"
        before = self.model.objects.count()
        for actor in self.not_creators:
            client = self.client(actor)
            assert client.get(reverse(create_url)).status_code == 403, actor
            response = client.post(reverse(create_url), self.create_data(self.creators[0]))
            assert response.status_code == 403, actor
        assert self.model.objects.count() == before

    def test_creating_outside_scope_writes_nothing(self, db):
        create_url = self._required("create_url")
        assert self.creators, "declare creators: the actors whose role may create"
        for actor in self.creators:
            data = self.outside_data(actor)
            assert data, f"outside_data({actor!r}) is empty: an empty form proves nothing"
            before = self.model.objects.count()
            response = self.client(actor).post(reverse(create_url), data)
            assert response.status_code in (200, 422), actor
            assert self.model.objects.count() == before, actor

    def test_creating_inside_scope_works(self, db):
        create_url = self._required("create_url")
        assert self.creators, "declare creators: the actors whose role may create"
        for actor in self.creators:
            before = self.model.objects.count()
            response = self.client(actor).post(reverse(create_url), self.create_data(actor))
            assert response.status_code == self.created_status, (
                actor,
                response.content.decode()[-3000:],
            )
            assert self.model.objects.count() == before + 1, actor

    def test_export_contains_exactly_the_scope(self, db):
        export_url = self._required("export_url")
        objects = self.objects()
        exporters = 0
        for actor, expected in self.visible.items():
            response = self.client(actor).get(reverse(export_url))
            if response.status_code == 403:
                assert not world.actor(actor).can(self._export_action()), actor
                continue
            assert response.status_code == 200, actor
            exporters += 1
            keys = self._exported_keys(response.content)
            assert keys == {self.key(objects[name]) for name in expected}, actor
        assert exporters, "no actor in `visible` may export: nothing was checked"

    def test_api_lists_exactly_the_scope(self, db):
        api_list = self._required("api_list")
        objects = self.objects()
        readers = 0
        for actor, expected in self.visible.items():
            response = self.client(actor).get(api_list, {"page_size": 500})
            if response.status_code == 403:
                assert not world.actor(actor).can(self._view_action()), actor
                continue
            assert response.status_code == 200, actor
            readers += 1
            ids = {item["id"] for item in response.json()["items"]}
            assert ids == {objects[name].pk for name in expected}, actor
        assert readers, "no actor in `visible` may read the API list: nothing was checked"

    def test_api_detail_outside_scope_is_404(self, db):
        api_detail = self._required("api_detail")
        checked = 0
        for actor, expected in self.visible.items():
            client = self.client(actor)
            if not world.actor(actor).can(self._view_action()):
                continue
            for name, obj in self.objects().items():
                status = client.get(api_detail.format(pk=obj.pk)).status_code
                assert status == (200 if name in expected else 404), (actor, name)
                checked += 1
        assert checked, "no actor in `visible` may read: nothing was checked"

    # --- the declaration ------------------------------------------------------------------
    def declaration_problems(self) -> list[str]:
        """What is missing or contradictory in the subclass's declaration."""
        problems = []
        if self.model is None:
            problems.append("set model")
        for attribute in ("list_url", "detail_url"):
            if not getattr(self, attribute):
                problems.append(f"set {attribute} (every scoped model has a list and a detail)")
        for attribute in sorted(set(self.not_applicable) - set(self.OPTIONAL)):
            problems.append(
                f"not_applicable names {attribute!r}, which is none of {', '.join(self.OPTIONAL)}"
            )
        for attribute in self.OPTIONAL:
            value, reason = getattr(self, attribute), self.not_applicable.get(attribute)
            if attribute in self.not_applicable and not (reason or "").strip():
                problems.append(f"not_applicable[{attribute!r}] needs a reason")
            elif value and reason:
                problems.append(f"{attribute} is set and also declared not applicable")
            elif not value and not reason:
                problems.append(self._undeclared(attribute))
        if self.create_url and not (self.creators and self.not_creators):
            problems.append("with a create_url, declare creators and not_creators")
        if self.export_url and not self.export_key_header:
            problems.append("with an export_url, declare export_key_header")
        if not self.visible or set(self.visible) - set(world.ACTORS):
            problems.append(f"visible must map actors of world.ACTORS: {sorted(self.visible)}")
        return problems

    def conventional_url(self, attribute: str) -> str:
        """The resolver's ``<app>:<model>_edit`` (etc.) beside ``detail_url``, if it has one."""
        suffix = self.CONVENTIONAL.get(attribute)
        if not suffix or not self.detail_url.endswith("_detail"):
            return ""
        name = self.detail_url.removesuffix("_detail") + suffix
        for args in ([], [1]):
            try:
                reverse(name, args=args)
            except NoReverseMatch:
                continue
            return name
        return ""

    def _undeclared(self, attribute: str) -> str:
        found = self.conventional_url(attribute)
        exists = f" — the URL {found!r} exists and is not tested" if found else ""
        return (
            f"{attribute} is not declared{exists}: set it, or list it in not_applicable "
            "with the reason it does not apply"
        )

    def _declared(self, attribute: str) -> str:
        """The URL in ``attribute``; "" when declared not applicable; fails when neither."""
        value = getattr(self, attribute)
        if value or self.not_applicable.get(attribute):
            return value
        pytest.fail(f"{type(self).__name__}: {self._undeclared(attribute)}")

    def _required(self, attribute: str) -> str:
        """The URL a test needs; the test is skipped, with the declared reason, when the
        subclass declared it not applicable."""
        return self._declared(attribute) or self._skip(attribute)

    def _skip(self, *attributes: str):
        reasons = "; ".join(f"{name}: {self.not_applicable[name]}" for name in attributes)
        pytest.skip(f"not applicable to {self.model.__name__} — {reasons}")

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
