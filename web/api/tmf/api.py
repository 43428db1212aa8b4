"""``TmfApi``: one TM Forum API (``productCatalogManagement/v4``) serving its ``Resource``s.

For each resource it serves:

- ``GET    /<name>``        list: JSON array, ``X-Total-Count``/``X-Result-Count``,
                             ``offset``/``limit``, ``fields=``, attribute equality filters
- ``POST   /<name>``        201 with the resource (``id``, ``href``) and ``Location``
- ``GET    /<name>/<id>``   the resource, 404 if unknown; ``fields=`` applies
- ``PATCH  /<name>/<id>``   merge-patch, 200 with the resource
- ``DELETE /<name>/<id>``   204

Only the methods a resource implements are routed: any other answers 405 with ``Allow``.
A resource supplies its mapper functions (JSON to service call, model to JSON); the route
owns the use case, so it commits here, once.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, jsonify, request

from core.db import db
from web.api.auth import require_api_key
from web.api.errors import ApiError
from web.api.tmf.body import json_body
from web.api.tmf.query import check_query, fields, json_match, paging, project, split_filters
from web.api.tmf.resource import Resource

# Most rows a filter on rendered JSON (one with no SQL equivalent) may examine: each is rendered
# in Python (a few ms apiece, with its references), so this bounds what one request costs a worker.
MAX_SCAN = 500


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
        self.blueprint.before_request(check_query)
        self.extra_routes: list[dict[str, Any]] = []  # non-CRUD operations, for the OpenAPI document

    def add(self, resource: Resource) -> Resource:
        self.resources[resource.name] = resource
        bp, name = self.blueprint, resource.name
        bp.add_url_rule(f"/{name}", f"{name}_list", self._lister(resource), methods=["GET"])
        bp.add_url_rule(f"/{name}/<ident>", f"{name}_get", self._getter(resource), methods=["GET"])
        if resource.create is not None:
            bp.add_url_rule(f"/{name}", f"{name}_create", self._creator(resource), methods=["POST"])
        if resource.update is not None:
            bp.add_url_rule(f"/{name}/<ident>", f"{name}_patch", self._patcher(resource), methods=["PATCH"])
        if resource.delete is not None:
            bp.add_url_rule(f"/{name}/<ident>", f"{name}_delete", self._deleter(resource), methods=["DELETE"])
        return resource

    # -- rendering -----------------------------------------------------------------------

    def href(self, resource_name: str, ident: str) -> str:
        return f"{base_url()}{self.prefix}/{resource_name}/{ident}"

    def reference(self, resource_name: str, ident: Any, referred_type: str, **attributes: Any) -> dict[str, Any]:
        """A TMF reference to one of this API's resources: ``id``, ``href``, then ``attributes``
        in the order given (``name``, ``role``...), then ``@referredType``."""
        ident = str(ident)
        return {"id": ident, "href": self.href(resource_name, ident), **attributes, "@referredType": referred_type}

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
            offset, limit = paging()
            wanted = fields()
            sql_filters, json_filters = split_filters(resource.filters)
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
                matches = [r for r in rendered if all(json_match(r, n, v) for n, v in json_filters)]
                total = len(matches)
                page = matches[offset:offset + limit]
            else:
                total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
                page = [self.render(resource, m)
                        for m in db.session.scalars(stmt.offset(offset).limit(limit))]
            response = jsonify([project(item, wanted) for item in page])
            response.headers["X-Total-Count"] = str(total)
            response.headers["X-Result-Count"] = str(len(page))
            return response

        return list_resources

    def _found(self, resource: Resource, ident: str) -> Any:
        model = resource.load(ident)
        if model is None:
            raise ApiError(404, f"{resource.type_name} {ident} not found",
                           f"No {resource.type_name} has id {ident}.", code="not_found")
        return model

    def _getter(self, resource: Resource):
        def get_resource(ident: str):
            return jsonify(project(self.render(resource, self._found(resource, ident)), fields()))

        return get_resource

    def _creator(self, resource: Resource):
        def create_resource():
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
            resource.delete(self._found(resource, ident))
            db.session.commit()
            return Response(status=204)

        return delete_resource


def base_url() -> str:
    """Where clients reach us: ``PUBLIC_BASE_URL`` behind a proxy, else the request's host."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    return configured or request.host_url.rstrip("/")
