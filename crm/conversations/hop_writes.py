"""A hop's writes, the conversation's new state and both messages, in one statement.

On PostgreSQL the conversation's INSERT or UPDATE rides in a data-modifying CTE of the
messages' INSERT: one round trip instead of two on the busiest path of the product (a USSD
hop). Other databases (SQLite) take the two statements of ``state.save`` and
``interactions.record_exchange``; the rows written are the same (tests compare them).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import Clock
from crm.conversations.interactions import exchange_rows, record_exchange
from crm.conversations.messages import Inbound
from crm.conversations.models import Conversation, Interaction
from crm.conversations.state import CHANGING, INSERTED, ConversationRecord, save

_C, _I = Conversation.__table__, Interaction.__table__
# The message columns other than the conversation's id, in a fixed order.
_MESSAGE = tuple(c.name for c in _I.c if c.name not in ("id", "conversation_id"))
_SIDES = ("in", "out")


def _message_params(side: str):
    return [sa.bindparam(f"{side}_{name}", type_=_I.c[name].type) for name in _MESSAGE]


def _conversation_params(names: tuple[str, ...]) -> dict:
    return {name: sa.bindparam(f"c_{name}", type_=_C.c[name].type) for name in names}


def _after_insert() -> sa.Insert:
    started = _C.insert().values(_conversation_params(INSERTED)).returning(_C.c.id).cte("started")
    messages = sa.union_all(*(sa.select(started.c.id, *_message_params(side)) for side in _SIDES))
    return (sa.insert(_I).from_select(["conversation_id", *_MESSAGE], messages).add_cte(started)
            .returning(_I.c.conversation_id))


def _after_update() -> sa.Insert:
    touched = (_C.update().where(_C.c.id == sa.bindparam("conversation_id", type_=_C.c.id.type))
               .values(_conversation_params(CHANGING)).cte("touched"))
    # INSERT ... SELECT rather than a multi-row VALUES: SQLAlchemy caches the compiled form of
    # this one, and recompiles a multi-row VALUES on every execution.
    messages = sa.union_all(*(sa.select(sa.bindparam("conversation_id", type_=_C.c.id.type), *_message_params(side))
                              for side in _SIDES))
    return sa.insert(_I).from_select(["conversation_id", *_MESSAGE], messages).add_cte(touched)


_AFTER_INSERT, _AFTER_UPDATE = _after_insert(), _after_update()


def write_hop(session: Session, clock: Clock, conversation: ConversationRecord, inbound: Inbound,
              reply_text: str) -> int:
    """Save ``conversation`` (touched by the hop) and record the inbound message and its reply;
    returns the conversation's id."""
    if session.get_bind().dialect.name != "postgresql":
        conversation_id = save(session, conversation)
        record_exchange(session, clock, inbound, reply_text, customer_id=conversation.customer_id,
                        conversation_id=conversation_id, returning=False)
        return conversation_id
    params = {}
    for side, row in zip(_SIDES, exchange_rows(clock, inbound, reply_text, customer_id=conversation.customer_id,
                                               conversation_id=None), strict=True):
        params.update({f"{side}_{name}": row[name] for name in _MESSAGE})
    if conversation.id is None:
        params.update({f"c_{name}": getattr(conversation, name) for name in INSERTED})
        conversation.id = session.execute(_AFTER_INSERT, params).scalars().first()
    else:
        params.update({f"c_{name}": getattr(conversation, name) for name in CHANGING})
        params["conversation_id"] = conversation.id
        session.execute(_AFTER_UPDATE, params)
    conversation.changed = False
    return conversation.id
