"""The OpenAPI 3.0 document of the REST API, built at request time from the ``TmfApi`` registry.

Paths come from each API's resources (list/create/get/patch/delete, only the methods a resource
implements), component schemas from the TM Forum v4 definitions vendored in
``tmf_schemas.json`` (see ``vendor_schemas.py``). A resource whose type TM Forum does not
define gets a plain object schema, so a new resource shows up without touching this module.

Non-CRUD operations are read from ``TmfApi.extra_routes``, one dict each:
``{"method": "POST", "path": "/productOrder/{id}/cancel", "summary": "...",
"description": "...", "request": "<schema>", "response": "<schema>", "status": 200}``
(``path`` relative to the API prefix; everything but ``method`` and ``path`` optional).
"""
from __future__ import annotations

import functools
import json
import pathlib
from collections.abc import Iterable
from typing import Any

from web.api.tmf.api import TmfApi
from web.api.tmf.query import DEFAULT_LIMIT, MAX_LIMIT
from web.api.tmf.resource import Resource

OPENAPI_VERSION = "3.0.3"
VENDORED = pathlib.Path(__file__).with_name("tmf_schemas.json")
ERROR_STATUSES = {"400": "Bad Request", "401": "Unauthorized", "403": "Forbidden", "404": "Not Found",
                  "405": "Method Not Allowed", "409": "Conflict", "415": "Unsupported Media Type",
                  "500": "Internal Server Error"}


@functools.cache
def vendored() -> dict[str, Any]:
    return json.loads(VENDORED.read_text())


def build_document(apis: Iterable[TmfApi], server_url: str = "") -> dict[str, Any]:
    """The whole document; ``server_url`` is where clients reach the API (no trailing slash)."""
    apis = list(apis)
    builder = _Builder()
    for api in apis:
        for resource in api.resources.values():
            builder.add_resource(api, resource)
        for route in api.extra_routes:
            builder.add_extra(api, route)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "BSS gateway: TM Forum Open APIs",
            "version": "v4",
            "description": (
                "TM Forum Open API v4 resources served by this BSS. Every call needs a bearer token: "
                "`flask --app wsgi apikeys create NAME` prints one; send it as "
                "`Authorization: Bearer <token>`.\n\n"
                "Lists are JSON arrays with `X-Total-Count` and `X-Result-Count`; page with `offset`/`limit`, "
                "pick attributes with `fields=`, filter with `attribute=value` (dotted paths such as "
                "`relatedParty.id` and `a,b` for either value work on any attribute).\n\n"
                f"Schemas: {vendored()['info']['source']}."),
            "license": {"name": "Apache 2.0 (TM Forum schemas)",
                        "url": "https://www.apache.org/licenses/LICENSE-2.0"},
        },
        "servers": [{"url": server_url or "/"}],
        "tags": [{"name": api.title, "description": f"`{api.prefix}`" + (
            f" (TM Forum `{api.spec_file}`)" if api.spec_file else "")} for api in apis],
        "security": [{"bearerAuth": []}],
        "paths": builder.paths,
        "components": {
            "securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer",
                "description": "An API key from `flask --app wsgi apikeys create NAME`."}},
            "parameters": _PARAMETERS,
            "headers": _HEADERS,
            "responses": {status: {"description": reason, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}} for status, reason in ERROR_STATUSES.items()},
            "schemas": builder.schemas,
        },
    }


_PARAMETERS = {
    "fields": {"name": "fields", "in": "query", "required": False, "schema": {"type": "string"},
               "description": "Comma-separated attributes to return (`id` and `href` always come back); "
                              "`a.b` keeps `b` inside `a`."},
    "offset": {"name": "offset", "in": "query", "required": False,
               "schema": {"type": "integer", "minimum": 0, "default": 0},
               "description": "Index of the first item to return."},
    # No "maximum": a larger limit is served, capped (X-Result-Count says how many came back).
    "limit": {"name": "limit", "in": "query", "required": False,
              "schema": {"type": "integer", "minimum": 0, "default": DEFAULT_LIMIT},
              "description": f"Most items to return; more than {MAX_LIMIT} returns {MAX_LIMIT}."},
    "id": {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
           "description": "Identifier of the resource."},
}
_HEADERS = {
    "X-Total-Count": {"description": "Number of items matching the query", "schema": {"type": "integer"}},
    "X-Result-Count": {"description": "Number of items in this response", "schema": {"type": "integer"}},
    "Location": {"description": "URL of the created resource", "schema": {"type": "string", "format": "uri"}},
}


def _errors(*statuses: str) -> dict[str, Any]:
    return {status: {"$ref": f"#/components/responses/{status}"} for status in statuses}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


class _Builder:
    """Collects paths and the component schemas they reference."""

    def __init__(self) -> None:
        self.paths: dict[str, dict[str, Any]] = {}
        self.schemas: dict[str, Any] = {}
        self._use("Error", None)

    # -- schemas -------------------------------------------------------------------------

    def _use(self, name: str, spec_file: str | None, *, fallback: str = "") -> str:
        """Register TM Forum's definition ``name`` (of ``spec_file``) and what it references;
        return its component name. Unknown names become a plain object."""
        store = vendored()
        component = store["names"].get(spec_file or "", {}).get(name)
        if component is None and name in store["schemas"]:
            component = name  # shared by every spec that defines it
        if component is None:
            component = name
            self.schemas.setdefault(component, {
                "type": "object", "additionalProperties": True,
                "description": fallback or f"{name} (no TM Forum definition vendored)."})
            return component
        todo = [component]
        while todo:
            current = todo.pop()
            if current in self.schemas:
                continue
            self.schemas[current] = store["schemas"][current]
            todo.extend(_component_refs(store["schemas"][current]))
        return component

    def _ref(self, name: str, spec_file: str | None, fallback: str = "") -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{self._use(name, spec_file, fallback=fallback)}"}

    # -- operations ----------------------------------------------------------------------

    def add_resource(self, api: TmfApi, resource: Resource) -> None:
        schema_name = resource.schema or resource.type_name
        spec = api.spec_file
        tag = [api.title]
        item = self._ref(schema_name, spec, resource.description)
        noun = resource.type_name
        op = f"{resource.name[:1].upper()}{resource.name[1:]}"
        filters = [{"name": name, "in": "query", "required": False, "schema": {"type": "string"},
                    "description": f"Only items whose `{name}` equals this (comma: any of the values)."}
                   for name in sorted(resource.filters) if name not in _PARAMETERS]

        collection: dict[str, Any] = {"get": {
            "tags": tag, "operationId": f"list{op}", "summary": f"List or find {noun} objects",
            "description": resource.description or f"Lists {noun} objects; any attribute filters by equality.",
            "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in ("fields", "offset", "limit")]
            + filters,
            "responses": {"200": {"description": "Success", "headers": {
                h: {"$ref": f"#/components/headers/{h}"} for h in ("X-Total-Count", "X-Result-Count")},
                "content": _json({"type": "array", "items": item})}, **_errors("400", "401", "500")},
        }}
        if resource.create is not None:
            collection["post"] = {
                "tags": tag, "operationId": f"create{op}", "summary": f"Create {_a(noun)}",
                "requestBody": {"required": True, "content": _json(self._ref(f"{schema_name}_Create", spec))},
                "responses": {"201": {"description": "Created", "headers": {
                    "Location": {"$ref": "#/components/headers/Location"}}, "content": _json(item)},
                    **_errors("400", "401", "409", "415", "500")},
            }
        one: dict[str, Any] = {
            "parameters": [{"$ref": "#/components/parameters/id"}],
            "get": {"tags": tag, "operationId": f"retrieve{op}", "summary": f"Retrieve {_a(noun)} by id",
                    "parameters": [{"$ref": "#/components/parameters/fields"}],
                    "responses": {"200": {"description": "Success", "content": _json(item)},
                                  **_errors("400", "401", "404", "500")}},
        }
        if resource.update is not None:
            body = self._ref(f"{schema_name}_Update", spec)
            one["patch"] = {
                "tags": tag, "operationId": f"patch{op}", "summary": f"Update {_a(noun)} partially (merge patch)",
                "requestBody": {"required": True, "content": {"application/merge-patch+json": {"schema": body},
                                                              **_json(body)}},
                "responses": {"200": {"description": "Updated", "content": _json(item)},
                              **_errors("400", "401", "404", "409", "415", "500")},
            }
        if resource.delete is not None:
            one["delete"] = {"tags": tag, "operationId": f"delete{op}", "summary": f"Delete {_a(noun)}",
                             "responses": {"204": {"description": "Deleted"},
                                           **_errors("400", "401", "404", "409", "500")}}
        self.paths[f"{api.prefix}/{resource.name}"] = collection
        self.paths[f"{api.prefix}/{resource.name}/{{id}}"] = one

    def add_extra(self, api: TmfApi, route: dict[str, Any]) -> None:
        method, path = str(route["method"]).lower(), f"{api.prefix}{route['path']}"
        operation: dict[str, Any] = {"tags": [api.title], "summary": route.get("summary", "")}
        if route.get("description"):
            operation["description"] = route["description"]
        names = [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]
        if names:
            operation["parameters"] = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                                       for n in names]
        if route.get("request"):
            operation["requestBody"] = {"required": True, "content": _json(self._ref(route["request"], api.spec_file))}
        status = str(route.get("status", 200))
        success: dict[str, Any] = {"description": "Success"}
        if route.get("response"):
            success["content"] = _json(self._ref(route["response"], api.spec_file))
        operation["responses"] = {status: success, **_errors("400", "401", "404", "500")}
        self.paths.setdefault(path, {})[method] = operation


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _component_refs(node: Any) -> list[str]:
    prefix = "#/components/schemas/"
    if isinstance(node, dict):
        out = []
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(prefix):
                out.append(value[len(prefix):])
            else:
                out.extend(_component_refs(value))
        return out
    if isinstance(node, list):
        return [ref for value in node for ref in _component_refs(value)]
    return []
