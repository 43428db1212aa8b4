"""The TM Forum Open API conventions, written once for every resource.

A ``TmfApi`` is one API (``productCatalogManagement/v4``) holding ``Resource`` definitions.
For each resource it serves:

- ``GET    /<name>``        list: JSON array, ``X-Total-Count``/``X-Result-Count``,
                             ``offset``/``limit``, ``fields=``, attribute equality filters
- ``POST   /<name>``        201 with the resource (``id``, ``href``) and ``Location``
- ``GET    /<name>/<id>``   the resource, 404 if unknown; ``fields=`` applies
- ``PATCH  /<name>/<id>``   merge-patch, 200 with the resource
- ``DELETE /<name>/<id>``   204

A resource supplies its mapper functions (JSON to service call, model to JSON); the route
owns the use case, so it commits here, once.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, jsonify, request

from core.db import db
from web.api.auth import require_api_key
from web.api.errors import ApiError
from web.api.filters import MAX_ID
from web.api.payload import json_body

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# Most rows a filter on rendered JSON (one with no SQL equivalent) may examine.
MAX_SCAN = 20_000
# Query parameters that steer the listing rather than filter it.
RESERVED_PARAMS = {"fields", "offset", "limit", "sort", "depth", "expand"}

Filter = Callable[[str], sa.ColumnElement[bool]]


@dataclass
class Resource:
    """One TMF resource collection and the functions that give it meaning.

    ``load(id)`` returns the model or None; ``to_tmf(model)`` returns the JSON without
    ``href`` (added here). ``create(body)``/``update(model, body)``/``delete(model)`` call the
    domain services; leave one as None and that method answers 405.
    ``filters`` maps attribute names to SQL conditions; any other attribute is still
    filterable, matched on the rendered JSON (dotted paths like ``relatedParty.id``).
    """

    name: str
    type_name: str
    query: Callable[[], sa.Select]
    load: Callable[[str], Any]
    to_tmf: Callable[[Any], dict]
    create: Callable[[dict], Any] | None = None
    update: Callable[[Any, dict], Any] | None = None
    delete: Callable[[Any], None] | None = None
    filters: Mapping[str, Filter] = field(default_factory=dict)
    ident: Callable[[Any], str] = lambda model: str(model.id)
    schema: str | None = None  # TMF definition name for the OpenAPI document; defaults to type_name
    description: str = ""


class TmfApi:
    """One TMF API (e.g. ``productCatalogManagement`` v4) and its resources, as a blueprint."""

    def __init__(self, api_name: str, version: str = "v4", *, title: str, spec_file: str | None = None):
        self.api_name = api_name
        self.version = version
        self.title = title
        self.spec_file = spec_file
        self.prefix = f"/tmf-api/{api_name}/{version}"
        self.resources: dict[str, Resource] = {}
        self.blueprint = Blueprint(f"tmf_{api_name}", __name__, url_prefix=self.prefix)
        self.blueprint.before_request(require_api_key)
        self.extra_routes: list[dict[str, Any]] = []  # non-CRUD operations, for the OpenAPI document

    def add(self, resource: Resource) -> Resource:
        self.resources[resource.name] = resource
        bp, name = self.blueprint, resource.name
        bp.add_url_rule(f"/{name}", f"{name}_list", self._lister(resource), methods=["GET"])
        bp.add_url_rule(f"/{name}", f"{name}_create", self._creator(resource), methods=["POST"])
        bp.add_url_rule(f"/{name}/<ident>", f"{name}_get", self._getter(resource), methods=["GET"])
        bp.add_url_rule(f"/{name}/<ident>", f"{name}_patch", self._patcher(resource), methods=["PATCH"])
        bp.add_url_rule(f"/{name}/<ident>", f"{name}_delete", self._deleter(resource), methods=["DELETE"])
        return resource

    # -- rendering -----------------------------------------------------------------------

    def href(self, resource_name: str, ident: str) -> str:
        return f"{base_url()}{self.prefix}/{resource_name}/{ident}"

    def render(self, resource: Resource, model: Any) -> dict:
        body = resource.to_tmf(model)
        ident = resource.ident(model)
        out = {"id": ident, "href": self.href(resource.name, ident)}
        out.update({k: v for k, v in body.items() if k not in ("id", "href")})
        out.setdefault("@type", resource.type_name)
        return out

    # -- handlers ------------------------------------------------------------------------

    def _lister(self, resource: Resource):
        def list_resources():
            offset, limit = _paging()
            fields = _fields()
            sql_filters, json_filters = _split_filters(resource)
            stmt = resource.query()
            for name, value in sql_filters:
                stmt = stmt.where(resource.filters[name](value))
            if json_filters:
                # Filters on rendered attributes: render all SQL matches, then page in Python.
                # Bounded, so an unindexed filter on a big table is refused rather than a scan.
                candidates = db.session.scalar(
                    sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
                max_scan = current_app.config.get("TMF_MAX_SCAN", MAX_SCAN)
                if candidates > max_scan:
                    raise ApiError(400, "Filter too broad",
                                   f"{', '.join(n for n, _ in json_filters)} cannot be matched in the database "
                                   f"and {candidates} {resource.type_name} records would be scanned (at most "
                                   f"{max_scan}); add a filter on "
                                   f"{', '.join(sorted(resource.filters)) or 'an indexed attribute'} first.",
                                   code="filter_too_broad")
                rendered = [self.render(resource, m) for m in db.session.scalars(stmt)]
                matches = [r for r in rendered if all(_json_match(r, n, v) for n, v in json_filters)]
                total = len(matches)
                page = matches[offset:offset + limit]
            else:
                total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
                page = [self.render(resource, m)
                        for m in db.session.scalars(stmt.offset(offset).limit(limit))]
            response = jsonify([_project(item, fields) for item in page])
            response.headers["X-Total-Count"] = str(total)
            response.headers["X-Result-Count"] = str(len(page))
            return response

        return list_resources

    def _found(self, resource: Resource, ident: str) -> Any:
        # Our ids are BIGINTs: a longer number names nothing, and must not reach the database
        # (PostgreSQL would refuse the parameter, which is no reason for a 500).
        model = None if ident.isdigit() and int(ident) > MAX_ID else resource.load(ident)
        if model is None:
            raise ApiError(404, f"{resource.type_name} {ident} not found",
                           f"No {resource.type_name} has id {ident}.", code="not_found")
        return model

    def _getter(self, resource: Resource):
        def get_resource(ident: str):
            return jsonify(_project(self.render(resource, self._found(resource, ident)), _fields()))

        return get_resource

    def _creator(self, resource: Resource):
        def create_resource():
            if resource.create is None:
                raise ApiError(405, "Method not allowed", f"{resource.type_name} cannot be created here.")
            model = resource.create(json_body())
            db.session.commit()
            body = self.render(resource, model)
            response = jsonify(body)
            response.status_code = 201
            response.headers["Location"] = body["href"]
            return response

        return create_resource

    def _patcher(self, resource: Resource):
        def patch_resource(ident: str):
            if resource.update is None:
                raise ApiError(405, "Method not allowed", f"{resource.type_name} cannot be changed here.")
            model = self._found(resource, ident)
            body = json_body()
            for immutable in ("id", "href"):
                if immutable in body and str(body[immutable]) != (
                        ident if immutable == "id" else self.href(resource.name, ident)):
                    raise ApiError(400, f"{immutable} cannot be changed", code="immutable_attribute")
            model = resource.update(model, body)
            db.session.commit()
            return jsonify(self.render(resource, model))

        return patch_resource

    def _deleter(self, resource: Resource):
        def delete_resource(ident: str):
            if resource.delete is None:
                raise ApiError(405, "Method not allowed", f"{resource.type_name} cannot be deleted here.")
            resource.delete(self._found(resource, ident))
            db.session.commit()
            return Response(status=204)

        return delete_resource


def base_url() -> str:
    """Where clients reach us: ``PUBLIC_BASE_URL`` behind a proxy, else the request's host."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    return configured or request.host_url.rstrip("/")


def _int_param(name: str, default: int, minimum: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be an integer", f"{name}={raw!r} is not an integer.",
                       code="invalid_query") from None
    if value < minimum:
        raise ApiError(400, f"{name} must be at least {minimum}", code="invalid_query")
    return min(value, maximum)


def _paging() -> tuple[int, int]:
    return _int_param("offset", 0, 0, 10**9), _int_param("limit", DEFAULT_LIMIT, 0, MAX_LIMIT)


def _fields() -> list[str] | None:
    raw = request.args.get("fields")
    if not raw:
        return None
    names = [n.strip() for n in raw.split(",") if n.strip()]
    return None if "all" in names else names


def _project(item: dict, fields: list[str] | None) -> dict:
    """Keep ``id``, ``href`` and the named attributes; ``a.b`` keeps only ``b`` inside ``a``."""
    if fields is None:
        return item
    out = {k: item[k] for k in ("id", "href") if k in item}
    for name in fields:
        _copy_path(item, out, name.split("."))
    return out


def _copy_path(source: Any, target: dict, path: list[str]) -> None:
    head, rest = path[0], path[1:]
    if not isinstance(source, dict) or head not in source:
        return
    value = source[head]
    if not rest or not isinstance(value, (dict, list)):
        target[head] = value
    elif isinstance(value, dict):
        _copy_path(value, target.setdefault(head, {}), rest)
    else:
        existing = target.setdefault(head, [{} for _ in value])
        for element, out in zip(value, existing, strict=False):
            _copy_path(element, out, rest)


def _split_filters(resource: Resource) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    sql, json = [], []
    for name in request.args:
        if name in RESERVED_PARAMS:
            continue
        for value in request.args.getlist(name):
            (sql if name in resource.filters else json).append((name, value))
    return sql, json


def _json_match(item: Any, path: str, expected: str) -> bool:
    """Does the attribute at ``path`` equal ``expected``? Arrays match if any element does;
    ``a,b`` in the value means any of them."""
    wanted = set(expected.split(",")) if "," in expected else {expected}
    head, _, rest = path.partition(".")
    if isinstance(item, list):
        return any(_json_match(element, path, expected) for element in item)
    if not isinstance(item, dict) or head not in item:
        return False
    value = item[head]
    if rest:
        return _json_match(value, rest, expected)
    if isinstance(value, list):
        return any(_scalar_text(v) in wanted for v in value)
    return _scalar_text(value) in wanted


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
