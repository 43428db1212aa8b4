"""What a TMF resource supplies to be served, and the usual resource over one table."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from core.db import db
from web.api.tmf.filters import Condition, by_id


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


def load_by_id(model: type, *, max_digits: int | None = None) -> Callable[[str], Any]:
    """A loader of ``model`` rows by the integer id in the URL; None for an id that is no number,
    or has more than ``max_digits``. (Ids too large for a BIGINT are refused before any loader runs.)"""
    def load(ident: str) -> Any:
        if not ident.isdigit() or (max_digits is not None and len(ident) > max_digits):
            return None
        return db.session.get(model, int(ident))
    return load


def model_resource(model: type, *, name: str, type_name: str, to_tmf: Callable[[Any], dict],
                   query: Callable[[], sa.Select] | None = None, load: Callable[[str], Any] | None = None,
                   create: Callable[[dict], Any] | None = None, update: Callable[[Any, dict], Any] | None = None,
                   delete: Callable[[Any], None] | None = None, filters: Mapping[str, Condition] | None = None,
                   description: str = "") -> Resource:
    """A ``Resource`` whose items are the rows of ``model``: listed in id order, loaded by id and
    filterable by ``id`` in SQL, unless ``query``/``load``/an ``id`` filter say otherwise."""
    return Resource(
        name=name,
        type_name=type_name,
        query=query or (lambda: sa.select(model).order_by(model.id)),
        load=load or load_by_id(model),
        to_tmf=to_tmf,
        create=create,
        update=update,
        delete=delete,
        filters={"id": by_id(model.id), **(filters or {})},
        description=description,
    )
