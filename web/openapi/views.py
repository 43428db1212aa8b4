"""``/api/openapi.json`` (generated from the registry on every request) and ``/api/docs``
(Swagger UI, served from the ``swagger-ui-bundle`` package: no request leaves the host)."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from swagger_ui_bundle import swagger_ui_path

from web.api import APIS
from web.api.tmf.api import base_url
from web.openapi.document import build_document

blueprint = Blueprint("openapi", __name__, url_prefix="/api", template_folder="../templates",
                      static_folder=str(swagger_ui_path), static_url_path="/docs/swagger-ui")


@blueprint.get("/openapi.json")
def openapi_document():
    return jsonify(build_document(APIS, base_url()))


@blueprint.get("/docs")
def api_docs():
    return render_template("api_docs.html", apis=APIS)
