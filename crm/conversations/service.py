"""The entrance every channel uses: identify the caller, continue the conversation, record both ways.

Services flush, never commit: the channel's route owns the use case and commits once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from core.clock import Clock
from core.events import EventBus
from crm.conversations import state as conversations
from crm.conversations.dialogs import DIALOGS, TOP_UP
from crm.conversations.engine import Context, Engine
from crm.conversations.i18n import language_or_default, translate
from crm.conversations.identify import Caller, identify_in_session, identify_msisdn
from crm.conversations.interactions import record_exchange, record_outbound
from crm.conversations.messages import Inbound, Reply
from crm.conversations.models import Conversation

MIN_PIN_SHORTCUT = 10  # a dialled string this long and all digits is a voucher PIN (*123*PIN#)


@dataclass(frozen=True)
class SelfService:
    """What the dialogs need beyond the session: operator facts, secrets and collaborators."""

    currency: str
    timezone: str
    voucher_secret: str = ""
    operator: str = "BSS Mobile"
    # Order orchestration, when the gateway wires it: (session, clock, events, order) -> None.
    process_order: Callable | None = None


def _title(ctx: Context) -> str:
    key = "menu.title" if ctx.caller.known else "menu.title_unknown"
    return translate(ctx.language, key, operator=ctx.config.operator)


ENGINE = Engine(DIALOGS, title=_title)


def open_context(session: Session, clock: Clock, events: EventBus, inbound: Inbound, config: SelfService,
                 caller: Caller | None = None, found: Conversation | bool | None = False,
                 flush: bool = True) -> tuple[Context, bool]:
    """Identify the caller and find or start the conversation this message belongs to.

    ``flush=False``: a new conversation is not saved yet (see ``state.resume_or_start``).
    """
    caller = caller or identify_msisdn(session, inbound.sender)
    customer = caller.customer
    language = language_or_default(customer.preferred_language if customer else None)
    conversation, is_new = conversations.resume_or_start(session, clock, inbound,
                                                         customer_id=customer.id if customer else None,
                                                         language=language, found=found, flush=flush)
    return Context(session, clock, events, inbound, caller, conversation, config), is_new


def _finish(ctx: Context, reply: Reply, *, purpose: str = "selfService") -> Reply:
    conversation = ctx.conversation
    conversations.touch(ctx.clock, conversation, conversation.state)
    if not reply.continues:
        conversations.end(ctx.session, ctx.clock, conversation, reason="dialog finished", flush=False)
    # One flush for the conversation's update and the messages: a USSD hop is on the clock.
    row = record_outbound(ctx.session, ctx.clock, channel=ctx.inbound.channel, address=ctx.inbound.sender,
                          text=reply.text, customer_id=conversation.customer_id, conversation_id=conversation.id,
                          purpose=purpose)
    return replace(reply, interaction_id=row.id)


def converse(session: Session, clock: Clock, events: EventBus, inbound: Inbound, config: SelfService, *,
             inputs: list[str], limit: int | None) -> Reply:
    """A menu-driven hop (USSD): ``inputs`` are what the customer typed since the last hop.

    On a session's first hop, inputs are a dialled shortcut: ``*123*2#`` arrives as ``["2"]``
    and walks the menu as if typed; a long all-digit string is a voucher PIN to top up with.
    """
    # One read for the caller and the session's newest conversation (a line's number).
    caller, latest = identify_in_session(session, inbound)
    if latest is not None and latest.status == "open" and latest.expires_at <= clock.now():
        conversations.end(session, clock, latest, reason="timeout", status="expired")
    if latest is not None and latest.status != "open":
        # A hop of a session that ended or expired: its text repeats every earlier input,
        # and replaying them could buy the same bundle twice. Answered, and recorded, as over.
        reply = Reply(translate(latest.language, "error.timeout"), False)
        record_exchange(session, clock, inbound, reply.text, customer_id=latest.customer_id,
                        conversation_id=latest.id)
        return reply
    # A plain dial (no inputs) only shows the menu, which needs no conversation id: the new
    # conversation is then inserted once, with its state, instead of inserted and updated.
    ctx, is_new = open_context(session, clock, events, inbound, config, caller=caller, found=latest,
                               flush=bool(inputs))
    if is_new:
        reply = ENGINE.handle(ctx, "", limit=limit)
        if len(inputs) == 1 and inputs[0].isdigit() and len(inputs[0]) >= MIN_PIN_SHORTCUT \
                and TOP_UP.available(ctx):
            reply = ENGINE.start(ctx, TOP_UP.name, {"pin": inputs[0]}, limit=limit)
        else:
            for text in inputs:
                reply = ENGINE.handle(ctx, text, limit=limit)
                if not reply.continues:
                    break
    else:
        reply = ENGINE.handle(ctx, inputs[-1] if inputs else "", limit=limit)
    conversation = ctx.conversation
    conversations.touch(clock, conversation, conversation.state)
    if not reply.continues:
        conversations.end(session, clock, conversation, reason="dialog finished", flush=False)
    if conversation.id is None:
        session.flush()  # the new conversation, for its id
    # Both messages in one INSERT outside the unit of work; the conversation's UPDATE goes at commit.
    interaction_id = record_exchange(session, clock, inbound, reply.text, customer_id=conversation.customer_id,
                                     conversation_id=conversation.id)
    return replace(reply, interaction_id=interaction_id)


def start_dialog(ctx: Context, name: str, values: dict | None = None, *, limit: int | None = None) -> Reply:
    """Open a dialog directly (an SMS keyword) and record the reply."""
    return _finish(ctx, ENGINE.start(ctx, name, values, limit=limit))


def continue_dialog(ctx: Context, text: str, *, limit: int | None = None) -> Reply:
    return _finish(ctx, ENGINE.handle(ctx, text, limit=limit))


def answer(ctx: Context, text: str, *, continues: bool = False, purpose: str = "selfService") -> Reply:
    """A one-off reply outside any dialog (HELP, STOP, a message passed to agents)."""
    ctx.conversation.state = {"dialog": None, "page": 0}
    return _finish(ctx, Reply(text, continues), purpose=purpose)


def waiting_dialog(conversation: Conversation) -> str | None:
    """The dialog an open conversation is in the middle of, if any."""
    return (conversation.state or {}).get("dialog")
