"""Conversation state: find the open conversation for an inbound message or start one.

A conversation idle past its channel's timeout is expired, not resumed: a USSD session the
network has dropped must not leave the next dial half-way through a purchase.

The engine holds a conversation as a plain ``ConversationRecord`` and saves it with one Core
statement (``save``): every USSD hop reads and writes one, and the ORM's identity map and
unit of work cost more than the hop's own work. ``models.Conversation`` maps the same table
for everything else (queries, agents, the API).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import Clock
from crm.conversations.messages import Inbound
from crm.conversations.models import Conversation

# Idle time after which a conversation is over, per channel.
TIMEOUTS = {"ussd": dt.timedelta(seconds=180), "sms": dt.timedelta(minutes=10)}
DEFAULT_TIMEOUT = dt.timedelta(minutes=10)

TABLE = Conversation.__table__
# What the engine reads of a conversation; the rest of the row (address, session, start) is
# written once, when the conversation is inserted, and never changes.
READ_COLUMNS = (TABLE.c.id, TABLE.c.customer_id, TABLE.c.language, TABLE.c.state, TABLE.c.status,
                TABLE.c.expires_at)
# What a new conversation's INSERT writes, and what a hop may change of a saved one.
INSERTED = ("channel", "address", "session_ref", "customer_id", "language", "state", "status", "started_at",
            "last_activity_at", "expires_at", "ended_at", "end_reason")
CHANGING = ("customer_id", "language", "state", "status", "last_activity_at", "expires_at", "ended_at",
             "end_reason")


def timeout_for(channel: str) -> dt.timedelta:
    return TIMEOUTS.get(channel, DEFAULT_TIMEOUT)


@dataclass
class ConversationRecord:
    """One conversation as the engine holds it between reading and ``save``."""

    channel: str
    address: str
    session_ref: str | None
    customer_id: int | None
    language: str
    state: dict[str, Any]
    status: str
    expires_at: dt.datetime
    started_at: dt.datetime | None = None
    last_activity_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    end_reason: str | None = None
    id: int | None = None
    # Whether anything changed since it was read or saved (``save`` then writes nothing).
    changed: bool = field(default=False, repr=False)

    @classmethod
    def from_row(cls, row, inbound: Inbound) -> ConversationRecord:
        """A record from ``READ_COLUMNS`` (in that order) of the conversation ``inbound`` continues."""
        ident, customer_id, language, state, status, expires_at = row
        return cls(channel=inbound.channel, address=inbound.sender, session_ref=inbound.session_id,
                   customer_id=customer_id, language=language, state=state or {}, status=status,
                   expires_at=expires_at, id=ident)


def _read(session: Session, stmt, inbound: Inbound) -> ConversationRecord | None:
    row = session.execute(stmt).first()
    return ConversationRecord.from_row(row, inbound) if row is not None else None


def find_open(session: Session, inbound: Inbound) -> ConversationRecord | None:
    """The open conversation this message continues: by session id where the channel has one."""
    stmt = sa.select(*READ_COLUMNS).where(TABLE.c.channel == inbound.channel, TABLE.c.status == "open")
    if inbound.session_id:
        stmt = stmt.where(TABLE.c.session_ref == inbound.session_id)
    else:
        stmt = stmt.where(TABLE.c.address == inbound.sender)
    return _read(session, stmt.order_by(TABLE.c.id.desc()).limit(1), inbound)


def latest_of_session(session: Session, inbound: Inbound) -> ConversationRecord | None:
    """The newest conversation of this channel session, whatever its status (one indexed read)."""
    stmt = (sa.select(*READ_COLUMNS)
            .where(TABLE.c.channel == inbound.channel, TABLE.c.session_ref == inbound.session_id)
            .order_by(TABLE.c.id.desc()).limit(1))
    return _read(session, stmt, inbound)


def resume_or_start(session: Session, clock: Clock, inbound: Inbound, *, customer_id: int | None,
                    language: str, found: ConversationRecord | bool | None = False
                    ) -> tuple[ConversationRecord, bool]:
    """(conversation, is_new). An open one past its timeout is closed as expired first.

    ``found`` is the open conversation when the caller has already looked it up (None: none).
    A new conversation is not saved here: ``save`` inserts it with the state its first reply
    leaves, rather than inserting it and then updating it.
    """
    now = clock.now()
    if found is False:
        found = find_open(session, inbound)
    if found is not None and found.expires_at <= now:
        end(clock, found, reason="timeout", status="expired")
        save(session, found)
        found = None
    if found is not None:
        return found, False
    conversation = ConversationRecord(channel=inbound.channel, address=inbound.sender,
                                      session_ref=inbound.session_id, customer_id=customer_id, language=language,
                                      state={}, status="open", started_at=now, last_activity_at=now,
                                      expires_at=now + timeout_for(inbound.channel), changed=True)
    return conversation, True


def touch(clock: Clock, conversation: ConversationRecord, state: dict) -> None:
    now = clock.now()
    conversation.state = dict(state)
    conversation.last_activity_at = now
    conversation.expires_at = now + timeout_for(conversation.channel)
    conversation.changed = True


def end(clock: Clock, conversation: ConversationRecord, *, reason: str, status: str = "ended") -> None:
    if conversation.status != "open":
        return
    conversation.status = status
    conversation.ended_at = clock.now()
    conversation.end_reason = reason[:100]
    conversation.changed = True


_UPDATE = TABLE.update().where(TABLE.c.id == sa.bindparam("conversation_id"))
_INSERT = TABLE.insert().returning(TABLE.c.id)


def save(session: Session, conversation: ConversationRecord) -> int:
    """Write the conversation (an INSERT when new, else an UPDATE of what a hop may change) and
    return its id. A conversation row loaded through the ORM in this session is not refreshed."""
    if conversation.id is None:
        values = {name: getattr(conversation, name) for name in INSERTED}
        conversation.id = session.execute(_INSERT, values).scalar_one()
    elif conversation.changed:
        values = {name: getattr(conversation, name) for name in CHANGING}
        if values["last_activity_at"] is None:  # read and ended, never touched: keep what is stored
            del values["last_activity_at"]
        # The SET clause is the keys given: only what a hop may change.
        session.execute(_UPDATE, {"conversation_id": conversation.id, **values})
    conversation.changed = False
    return conversation.id


def end_by_session(session: Session, clock: Clock, *, channel: str, session_ref: str,
                   reason: str) -> ConversationRecord | None:
    """The channel says its session is over (the USSD end-of-session notification)."""
    stmt = (sa.select(*READ_COLUMNS, TABLE.c.address)
            .where(TABLE.c.channel == channel, TABLE.c.session_ref == session_ref)
            .order_by(TABLE.c.id.desc()).limit(1))
    row = session.execute(stmt).first()
    if row is None:
        return None
    found = ConversationRecord.from_row(row[:-1], Inbound(channel=channel, sender=row[-1], text="",
                                                          session_id=session_ref, received_at=clock.now()))
    end(clock, found, reason=reason)
    save(session, found)
    return found
