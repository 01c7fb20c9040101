"""The guard of STYLE habit 4: no scoped model without its generated scoping tests.

Every installed model that declares ``scope_paths`` must have a subclass of
``ScopedCrudTests`` for it in ``<its app>/tests/test_scoping.py``; otherwise the
anonymous / wrong-role / out-of-scope / create-outside-scope tests silently do not exist.
"""

import importlib
import inspect

from django.apps import apps

from anjian.core.scoping import ScopePaths
from testsupport.scoped import ScopedCrudTests


def scoped_models():
    return [model for model in apps.get_models() if hasattr(model, "scope_paths")]


def scoping_test_classes(app_config) -> list[type]:
    module_name = f"{app_config.name}.tests.test_scoping"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name is not None and module_name.startswith(error.name):
            return []
        raise
    return [
        value
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, ScopedCrudTests)
        and value is not ScopedCrudTests
    ]


def test_the_registry_has_scoped_models_so_the_guard_is_not_vacuous():
    names = {model._meta.label for model in scoped_models()}
    assert "enterprises.Enterprise" in names


def test_every_scope_paths_attribute_is_a_scope_paths_declaration():
    for model in scoped_models():
        assert isinstance(model.scope_paths, ScopePaths), model._meta.label


def missing_scoping_tests() -> list[str]:
    missing = []
    for model in scoped_models():
        classes = scoping_test_classes(model._meta.app_config)
        if not any(cls.model is model for cls in classes):
            missing.append(
                f"{model._meta.label}: add a ScopedCrudTests subclass with model = "
                f"{model.__name__} to {model._meta.app_config.name}/tests/test_scoping.py"
            )
    return missing


def test_every_scoped_model_has_generated_scoping_tests():
    missing = missing_scoping_tests()
    assert not missing, "\n".join(missing)


def test_a_scoped_model_without_scoping_tests_is_reported(monkeypatch):
    # Region has no tests/test_scoping.py: declaring scope paths on it must trip the guard.
    from anjian.regions.models import Region

    monkeypatch.setattr(Region, "scope_paths", ScopePaths(region="code"), raising=False)
    assert scoping_test_classes(apps.get_app_config("regions")) == []
    assert [line.split(":")[0] for line in missing_scoping_tests()] == ["regions.Region"]
