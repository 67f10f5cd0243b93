"""Two schemas of the same name overwrite each other in the OpenAPI document: the document then describes one
operation with another app's schema (it published the intake's answer, `codes` and `text`, for the questionnaire's
answer, which wants `value`). Every schema an operation reads or answers has a name of its own."""

from __future__ import annotations

import types
import typing
from collections import defaultdict
from typing import Any

from pydantic import BaseModel

from attune.api.main import api
from attune.core import apidoc


def _models_in(annotation: Any, found: set[type[BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models_in(argument, found)


def published_models() -> dict[str, set[type[BaseModel]]]:
    """Every model that an operation reads or answers, nested ones included, by the name the document gives it."""
    found: set[type[BaseModel]] = set()
    for router in {r for _, r in api._routers}:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    _models_in(model, found)
    by_name: dict[str, set[type[BaseModel]]] = defaultdict(set)
    for model in found:
        # Ninja's own wrappers (the parameters of one operation, a response envelope) are inlined, never named.
        if model.__module__.startswith("attune."):
            by_name[model.__name__].add(model)
    return by_name


def test_no_two_routers_publish_the_same_schema_name() -> None:
    by_name = published_models()
    assert len(by_name) > 50, "the walk found too few schemas to be looking at the API"
    clashes = {
        name: sorted(f"{m.__module__}.{m.__qualname__}" for m in models)
        for name, models in by_name.items()
        if len(models) > 1
    }
    assert not clashes, f"schema names published by more than one class (rename one of each): {clashes}"


def test_the_error_schemas_do_not_clash_with_an_operation_schema() -> None:
    assert not set(published_models()) & set(apidoc.SCHEMAS)


def test_each_published_schema_is_the_one_its_operations_use() -> None:
    """The document's component of each name is the schema of the class of that name."""
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    for name, models in published_models().items():
        (model,) = models
        if name in components:
            properties = set(model.model_json_schema(mode="serialization").get("properties", {})) | set(
                model.model_json_schema(mode="validation").get("properties", {})
            )
            assert set(components[name].get("properties", {})) <= properties, name


def test_every_reference_in_the_document_resolves() -> None:
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    missing: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.removeprefix("#/components/schemas/") not in components:
                missing.add(ref)
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple | types.GenericAlias):
            for value in node:
                walk(value)

    walk(document)
    assert not missing
