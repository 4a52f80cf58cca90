"""The catalog's JSON Schema, exported for editors (`teamcat schema`)."""

from __future__ import annotations

from typing import Any

from infra.catalog.models import Catalog

SCHEMA_ID = "https://teamcat.example.com/schema/catalog-v1.json"


def catalog_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the catalog, as pydantic derives it from the model."""
    schema = Catalog.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "teamcat catalog",
        **schema,
    }
