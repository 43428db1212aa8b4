"""Dev script: vendor the TM Forum v4 schema definitions the OpenAPI document needs.

    .venv/bin/python -m web.openapi.vendor_schemas [SHARED_DIR]

Reads the swagger file of every registered API (``TmfApi.spec_file``) from ``<SHARED_DIR>/tmf``
(default ``../shared`` beside the repository), keeps every resource type served under a path
of that file, its ``_Create``/``_Update`` variants, ``Error`` and everything they reference,
rewrites Swagger 2 ``#/definitions/X`` to OpenAPI ``#/components/schemas/X`` and writes
``tmf_schemas.json`` beside this file. The app reads only that file, never ``shared/``.

A name that two specs define differently (``ContactMedium`` in TMF629 and TMF632, say) is
kept apart as ``TMF629_ContactMedium`` and ``TMF632_ContactMedium``; identical ones are shared.
"""
from __future__ import annotations

import json
import pathlib
import re
import sys
from typing import Any

REPO = pathlib.Path(__file__).resolve().parents[2]
OUTPUT = pathlib.Path(__file__).with_name("tmf_schemas.json")
REF = re.compile(r"^#/definitions/(.+)$")


def spec_files() -> list[str]:
    from web.api import APIS  # the registry decides which specs matter

    return [api.spec_file for api in APIS if api.spec_file]


def roots(spec: dict) -> set[str]:
    """Resource types under the spec's own paths (not the event hub), their variants, Error."""
    names = {"Error"}
    for path, operations in spec["paths"].items():
        if path.startswith(("/hub", "/listener")):
            continue
        for operation in operations.values():
            if isinstance(operation, dict):
                names.update(refs_in(operation))
    definitions = spec["definitions"]
    for name in list(names):
        base = name.removesuffix("_Create").removesuffix("_Update")
        names.update(n for n in (base, f"{base}_Create", f"{base}_Update") if n in definitions)
    return names


def refs_in(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and (match := REF.match(value)):
                found.add(match.group(1))
            else:
                found |= refs_in(value)
    elif isinstance(node, list):
        for value in node:
            found |= refs_in(value)
    return found


def closure(definitions: dict, names: set[str]) -> set[str]:
    todo, seen = list(names), set()
    while todo:
        name = todo.pop()
        if name in seen or name not in definitions:
            continue
        seen.add(name)
        todo.extend(refs_in(definitions[name]))
    return seen


def convert(node: Any, rename: dict[str, str]) -> Any:
    """Swagger 2 schema to OpenAPI 3.0: references moved and renamed, discriminator as object."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and (match := REF.match(value)):
                out[key] = f"#/components/schemas/{rename[match.group(1)]}"
            elif key == "discriminator" and isinstance(value, str):
                out[key] = {"propertyName": value}
            elif key == "required" and isinstance(value, list) and not value:
                continue  # OpenAPI 3.0 wants at least one name
            elif key.startswith("x-"):
                continue
            else:
                out[key] = convert(value, rename)
        return out
    if isinstance(node, list):
        return [convert(value, rename) for value in node]
    return node


def api_tag(file_name: str) -> str:
    return file_name.split("-", 1)[0]  # "TMF620"


def vendor(tmf_dir: pathlib.Path, files: list[str]) -> dict:
    specs = {name: json.loads((tmf_dir / name).read_text()) for name in files}
    needed = {name: closure(spec["definitions"], roots(spec)) for name, spec in specs.items()}

    variants: dict[str, dict[str, str]] = {}  # definition name -> {spec file: canonical json}
    for file_name, names in needed.items():
        for name in names:
            body = json.dumps(specs[file_name]["definitions"][name], sort_keys=True)
            variants.setdefault(name, {})[file_name] = body
    # Where specs disagree on a definition, the shape most of them share keeps the plain name
    # (the first spec's on a tie) and only the others are prefixed with their API.
    plain = {}
    for name, by_file in variants.items():
        bodies = list(by_file.values())
        plain[name] = max(bodies, key=lambda body: (bodies.count(body), -bodies.index(body)))
    rename = {
        file_name: {
            name: name if variants[name][file_name] == plain[name] else f"{api_tag(file_name)}_{name}"
            for name in names
        }
        for file_name, names in needed.items()
    }

    schemas: dict[str, Any] = {}
    for file_name, names in needed.items():
        for name in sorted(names):
            schemas[rename[file_name][name]] = convert(specs[file_name]["definitions"][name], rename[file_name])
    return {
        "info": {
            "description": "Schema definitions from TM Forum Open API v4 swagger files, converted to "
                           "OpenAPI 3.0 components by web/openapi/vendor_schemas.py. Do not edit by hand.",
            "source": "TM Forum Open APIs (https://www.tmforum.org/oda/open-apis/), "
                      "Apache License 2.0 (https://www.apache.org/licenses/LICENSE-2.0)",
            "files": {name: specs[name]["info"].get("version", "") for name in files},
        },
        # spec file -> definition name in that file -> component name here
        "names": {name: dict(sorted(rename[name].items())) for name in files},
        "schemas": dict(sorted(schemas.items())),
    }


def main(argv: list[str]) -> int:
    shared = pathlib.Path(argv[0]) if argv else REPO.parent / "shared"
    document = vendor(shared / "tmf", spec_files())
    OUTPUT.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(document['schemas'])} schemas from {len(document['names'])} specs to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
