"""Conversation state: find the open conversation for an inbound message or start one.

A conversation idle past its channel's timeout is expired, not resumed: a USSD session the
network has dropped must not leave the next dial half-way through a purchase.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import Clock
from crm.conversations.messages import Inbound
from crm.conversations.models import Conversation

# Idle time after which a conversation is over, per channel.
TIMEOUTS = {"ussd": dt.timedelta(seconds=180), "sms": dt.timedelta(minutes=10)}
DEFAULT_TIMEOUT = dt.timedelta(minutes=10)


def timeout_for(channel: str) -> dt.timedelta:
    return TIMEOUTS.get(channel, DEFAULT_TIMEOUT)


def find_open(session: Session, inbound: Inbound) -> Conversation | None:
    """The open conversation this message continues: by session id where the channel has one."""
    stmt = sa.select(Conversation).where(Conversation.channel == inbound.channel, Conversation.status == "open")
    if inbound.session_id:
        stmt = stmt.where(Conversation.session_ref == inbound.session_id)
    else:
        stmt = stmt.where(Conversation.address == inbound.sender)
    return session.scalar(stmt.order_by(Conversation.id.desc()).limit(1))


# Built once: it runs on every USSD hop.
_LATEST_OF_SESSION = (sa.select(Conversation)
                      .where(Conversation.channel == sa.bindparam("channel"),
                             Conversation.session_ref == sa.bindparam("session_ref"))
                      .order_by(Conversation.id.desc()).limit(1))


def latest_of_session(session: Session, inbound: Inbound) -> Conversation | None:
    """The newest conversation of this channel session, whatever its status (one indexed read)."""
    return session.scalar(_LATEST_OF_SESSION, {"channel": inbound.channel, "session_ref": inbound.session_id})


def resume_or_start(session: Session, clock: Clock, inbound: Inbound, *, customer_id: int | None,
                    language: str, found: Conversation | bool | None = False,
                    flush: bool = True) -> tuple[Conversation, bool]:
    """(conversation, is_new). An open one past its timeout is closed as expired first.

    ``found`` is the open conversation when the caller has already looked it up (None: none).
    ``flush=False`` leaves a new conversation unsaved (no id yet), so it is inserted with the state
    its first reply leaves rather than inserted and then updated.
    """
    now = clock.now()
    if found is False:
        found = find_open(session, inbound)
    if found is not None and found.expires_at <= now:
        end(session, clock, found, reason="timeout", status="expired")
        found = None
    if found is not None:
        return found, False
    conversation = Conversation(channel=inbound.channel, address=inbound.sender, session_ref=inbound.session_id,
                                customer_id=customer_id, language=language, state={}, status="open",
                                started_at=now, last_activity_at=now, expires_at=now + timeout_for(inbound.channel))
    session.add(conversation)
    if flush:
        session.flush()
    return conversation, True


def touch(clock: Clock, conversation: Conversation, state: dict) -> None:
    now = clock.now()
    conversation.state = dict(state)  # a new dict, so the JSON column sees the change
    conversation.last_activity_at = now
    conversation.expires_at = now + timeout_for(conversation.channel)


def end(session: Session, clock: Clock, conversation: Conversation, *, reason: str, status: str = "ended",
        flush: bool = True) -> None:
    if conversation.status != "open":
        return
    conversation.status = status
    conversation.ended_at = clock.now()
    conversation.end_reason = reason[:100]
    if flush:
        session.flush()


def end_by_session(session: Session, clock: Clock, *, channel: str, session_ref: str,
                   reason: str) -> Conversation | None:
    """The channel says its session is over (the USSD end-of-session notification)."""
    found = session.scalar(sa.select(Conversation).where(Conversation.channel == channel,
                                                         Conversation.session_ref == session_ref)
                           .order_by(Conversation.id.desc()).limit(1))
    if found is not None:
        end(session, clock, found, reason=reason)
    return found

