"""The REST API refuses callers without a live key, answers in TMF Error shape, and bounds scans."""
import pytest

from core.db import db
from web.api.keys import revoke_api_key

URL = "/tmf-api/productCatalogManagement/v4/productOffering"

pytestmark = pytest.mark.smoke


def test_missing_token_is_401_with_tmf_error(client):
    response = client.get(URL)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = response.get_json()
    assert body["@type"] == "Error" and body["status"] == "401" and body["reason"]


def test_wrong_token_is_401(client):
    response = client.get(URL, headers={"Authorization": "Bearer bss_not-a-real-token"})
    assert response.status_code == 401


def test_revoked_token_is_401(api, clock):
    assert api.get("/tmf-api/party/v4/individual").status_code in (200, 404)
    revoke_api_key(db.session, clock, "tests")
    db.session.commit()
    assert api.get("/tmf-api/party/v4/individual").status_code == 401


def test_health_needs_no_token(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_unindexed_filter_over_too_many_rows_is_refused(app, api):
    for name in ("Alpha", "Beta", "Gamma"):
        assert api.post("/tmf-api/productCatalogManagement/v4/category", json={"name": name}).status_code == 201
    app.config["TMF_MAX_SCAN"] = 2
    too_broad = api.get("/tmf-api/productCatalogManagement/v4/category?description=x")
    assert too_broad.status_code == 400
    assert too_broad.get_json()["code"] == "filter_too_broad"
    # An indexed filter first narrows the scan below the bound.
    narrowed = api.get("/tmf-api/productCatalogManagement/v4/category?name=Alpha&description=x")
    assert narrowed.status_code == 200 and narrowed.get_json() == []


@pytest.mark.parametrize("path", [
    "accountManagement/v4/billingAccount", "productInventory/v4/product", "partyInteraction/v4/partyInteraction",
    "usageManagement/v4/usage", "productOrderingManagement/v4/productOrder", "customerManagement/v4/customer",
    "party/v4/individual", "productCatalogManagement/v4/productOffering",
])
def test_an_id_longer_than_any_of_ours_is_404_not_500(api, path):
    response = api.get(f"/tmf-api/{path}/99999999999999999999999")
    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"
