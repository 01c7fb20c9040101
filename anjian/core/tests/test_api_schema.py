"""The OpenAPI document of /api/v1 describes every operation with its own schemas.

django-ninja names a component after the schema class and silently keeps one of two
classes with the same name, so `/risk-points/{id}/measures` was once documented with the
fields of the 制度措施 schema. Every pydantic model reachable from any operation (body,
query, path, every response) must therefore be the only class with its name.
"""

import typing

from ninja import NinjaAPI, Router, Schema
from ninja.pagination import PaginationBase
from ninja.params.models import ParamModel
from pydantic import BaseModel

from config.api import api


def _reachable(annotation, found: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _reachable(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _reachable(argument, found)


def operation_models(operation) -> set[type]:
    """The models an operation reads or answers, without django-ninja's own wrappers
    (the per-operation parameter models and the ``response`` holder)."""
    found: set[type] = set()
    for model in operation.models:
        for field in model.model_fields.values():
            _reachable(field.annotation, found)
    for response in operation.response_models.values():
        if isinstance(response, type) and issubclass(response, BaseModel):
            _reachable(response.model_fields["response"].annotation, found)
    return {model for model in found if not issubclass(model, ParamModel)}


def _identity(model: type):
    """django-ninja builds a ``Paged<Item>`` class for each paginated operation; two of
    them for the same item class are one schema."""
    if issubclass(model, PaginationBase.Output) and "items" in model.model_fields:
        return ("paged", model.model_fields["items"].annotation)
    return model


def colliding_names(an_api: NinjaAPI) -> dict[str, list[str]]:
    """Schema class names used by more than one class, with where each class lives."""
    by_name: dict[str, dict] = {}
    for _prefix, router in an_api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation_models(operation):
                    by_name.setdefault(model.__name__, {})[_identity(model)] = model
    return {
        name: sorted(f"{model.__module__}.{model.__qualname__}" for model in classes.values())
        for name, classes in by_name.items()
        if len(classes) > 1
    }


def test_every_schema_class_name_in_the_api_is_one_class():
    assert colliding_names(api) == {}


def test_the_walk_sees_bodies_queries_and_responses():
    names = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                names |= {model.__name__ for model in operation_models(operation)}
    # a body, a query schema, a response nested in a response, an error, a paged list
    for name in ("RiskMeasureIn", "EnterpriseFilters", "RiskMeasureOut", "ErrorOut"):
        assert name in names
    assert "PagedEnterpriseOut" in names


def test_the_check_finds_two_classes_with_one_name():
    def thing(**fields):
        return type("Thing", (Schema,), {"__annotations__": fields})

    first, second = Router(), Router()
    first.get("/a", response=thing(a=int))(lambda request: None)
    second.post("/b", response={201: list[thing(b=str)]})(lambda request: None)
    an_api = NinjaAPI(urls_namespace="collision-check")
    an_api.add_router("/first", first)
    an_api.add_router("/second", second)
    assert list(colliding_names(an_api)) == ["Thing"]


def test_the_risk_point_measures_are_documented_with_their_own_fields():
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    operation = schema["paths"]["/api/v1/risk-points/{risk_point_id}/measures"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    answer = operation["responses"][201]["content"]["application/json"]["schema"]["$ref"]
    assert body.rsplit("/", 1)[1] == "RiskMeasureIn"
    assert answer.rsplit("/", 1)[1] == "RiskMeasureOut"
    assert {"kind", "text", "level", "owner_name"} <= set(components["RiskMeasureIn"]["properties"])
    assert "problem" not in components["RiskMeasureOut"]["properties"]
    assert "problem" in components["SystemMeasureOut"]["properties"]


def test_errors_are_documented_in_the_shapes_the_handlers_answer():
    components = api.get_openapi_schema()["components"]["schemas"]
    assert components["ErrorOut"]["properties"]["detail"]["type"] == "string"
    detail = components["ValidationErrorOut"]["properties"]["detail"]["anyOf"]
    assert {"type": "string"} in detail
    assert {"items": {"$ref": "#/components/schemas/FieldErrorOut"}, "type": "array"} in detail
