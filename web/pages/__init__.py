"""Browser pages: the landing page, the API docs, and (as they arrive) the consoles."""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template

from web.api import APIS
from web.openapi.views import blueprint as openapi_blueprint
from web.pages.consoles import available_consoles, planned_consoles

blueprint = Blueprint("pages", __name__, template_folder="../templates",
                      static_folder="../static", static_url_path="/assets")  # the app owns /static


@blueprint.get("/")
def landing():
    app = current_app._get_current_object()
    return render_template("landing.html", apis=APIS, consoles=available_consoles(app),
                           planned=planned_consoles(app))


def register_pages(app: Flask) -> None:
    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    app.register_blueprint(blueprint)
    # The OpenAPI document and its docs page are read in a browser, so they come with the pages.
    app.register_blueprint(openapi_blueprint)
