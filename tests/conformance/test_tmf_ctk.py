"""TM Forum's conformance kits (Postman collections) run by newman against a live server.

Pass means newman exits 0, as TM Forum defines it. On failure the message lists every failed
assertion with the request that led to it and the response.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conformance.newman import run_collection


@dataclass(frozen=True)
class Kit:
    folder: str
    variable: str  # the collection's base-URL variable
    api_path: str  # under /tmf-api/, ending in /


KITS = [
    pytest.param(Kit("TMF620-ProductCatalog-v4.0.0", "Product_Catalog", "productCatalogManagement/v4/"),
                 id="TMF620"),
    pytest.param(Kit("TMF629-Customer-v4.0.0", "Customer", "customerManagement/v4/"), id="TMF629"),
    pytest.param(Kit("TMF622-ProductOrdering-v4.0.0", "Product_Ordering", "productOrderingManagement/v4/"),
                 id="TMF622"),
]


@pytest.mark.ctk
@pytest.mark.parametrize("kit", KITS)
def test_conformance_kit(kit: Kit, ctk_dir, newman, live_server, tmp_path):
    folder = ctk_dir / kit.folder
    collections = sorted(p for p in folder.glob("*.json")
                         if p.name.endswith((".postman_collection.json", ".testkit.json")))
    assert collections, f"no collection in {folder}"
    environment = next(folder.glob("*.postman_environment.json"))
    base = f"{live_server.url}/tmf-api/{kit.api_path}"

    for collection in collections:
        run = run_collection(newman, collection, environment, {kit.variable: base}, live_server.token, tmp_path)
        print(f"{collection.name}: {run.summary()}")  # shown with -rP
        if run.returncode != 0:
            pytest.fail(f"newman failed {collection.name} against {base} (exit {run.returncode})\n"
                        f"{run.summary()}", pytrace=False)
