"""What a TMF resource supplies to be served, and the usual resource over one table."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from core.db import db
from web.api.tmf.filters import Condition, by_id
from web.api.tmf.ids import parse_id


@dataclass
class Resource:
    """One TMF resource collection and the functions that give it meaning.

    ``load(id)`` returns the model or None; ``to_tmf(model)`` returns the JSON without
    ``href`` (added when served). ``create(body)``/``update(model, body)``/``delete(model)`` call
    the domain services; leave one as None and that method answers 405.
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
    filters: Mapping[str, Condition] = field(default_factory=dict)
    ident: Callable[[Any], str] = lambda model: str(model.id)
    schema: str | None = None  # TMF definition name for the OpenAPI document; defaults to type_name
    description: str = ""


def load_by_id(model: type, find: Callable[[int], Any] | None = None) -> Callable[[str], Any]:
    """A loader of ``model`` rows by the id in the URL: None for text that is no id of ``model``
    (see ``web.api.tmf.ids``), else the row ``find(id)`` returns (by default, the one by primary key)."""
    def load(ident: str) -> Any:
        number = parse_id(ident, model.id)
        if number is None:
            return None
        return find(number) if find is not None else db.session.get(model, number)
    return load


def model_resource(model: type, *, name: str, type_name: str, to_tmf: Callable[[Any], dict],
                   query: Callable[[], sa.Select] | None = None, find: Callable[[int], Any] | None = None,
                   create: Callable[[dict], Any] | None = None, update: Callable[[Any, dict], Any] | None = None,
                   delete: Callable[[Any], None] | None = None, filters: Mapping[str, Condition] | None = None,
                   description: str = "") -> Resource:
    """A ``Resource`` whose items are the rows of ``model``: listed in id order, loaded by id and
    filterable by ``id`` in SQL, unless ``query``/``find``/an ``id`` filter say otherwise.
    ``find`` receives only ids that fit the primary key's column (``load_by_id``)."""
    return Resource(
        name=name,
        type_name=type_name,
        query=query or (lambda: sa.select(model).order_by(model.id)),
        load=load_by_id(model, find),
        to_tmf=to_tmf,
        create=create,
        update=update,
        delete=delete,
        filters={"id": by_id(model.id), **(filters or {})},
        description=description,
    )
