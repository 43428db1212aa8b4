"""The entrance every channel uses: identify the caller, continue the conversation, record both ways.

Services flush, never commit: the channel's route owns the use case and commits once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session

from core.clock import Clock
from core.events import EventBus
from crm.conversations import state as conversations
from crm.conversations.hop_writes import write_hop
from crm.conversations.identify import Caller, identify_in_session, identify_msisdn
from crm.conversations.interactions import record_exchange, record_outbound
from crm.conversations.messages import Inbound, Reply
from crm.conversations.state import ConversationRecord
from crm.i18n.catalogs import language_or_default, translate
from crm.selfservice.dialogs import DIALOGS, TOP_UP
from crm.selfservice.engine import Context, Dialog, Engine

MIN_PIN_SHORTCUT = 10  # a dialled string this long and all digits is a voucher PIN (*123*PIN#)


def _title(ctx: Context) -> str:
    key = "menu.title" if ctx.caller.known else "menu.title_unknown"
    return translate(ctx.language, key, operator=ctx.config.operator)


@dataclass(frozen=True)
class SelfService:
    """What the dialogs need beyond the session: operator facts, secrets and collaborators,
    and which dialogs exist (the gateway chooses them from configuration)."""

    currency: str
    timezone: str
    voucher_secret: str = ""
    region: str = "KE"  # the operator's country: with the caller's language, how texts write numbers and dates
    operator: str = "BSS Mobile"
    # Order orchestration, when the gateway wires it: (session, clock, events, order) -> None.
    process_order: Callable | None = None
    # The newest bill of an account, once billing has bills: (session, account_id) -> invoice or None.
    last_invoice: Callable | None = None
    dialogs: tuple[Dialog, ...] = DIALOGS  # the menu, in order
    engine: Engine = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "engine", Engine(self.dialogs, title=_title))

    def offers(self, dialog: Dialog) -> bool:
        """Whether ``dialog`` is one of this operator's."""
        return dialog.name in self.engine.dialogs


def open_context(session: Session, clock: Clock, events: EventBus, inbound: Inbound, config: SelfService,
                 caller: Caller | None = None, found: ConversationRecord | bool | None = False
                 ) -> tuple[Context, bool]:
    """Identify the caller and find or start the conversation this message belongs to.

    A new conversation is saved when the hop is (``_finish`` or ``converse``).
    """
    caller = caller or identify_msisdn(session, inbound.sender)
    language = language_or_default(caller.preferred_language)
    conversation, is_new = conversations.resume_or_start(session, clock, inbound, customer_id=caller.customer_id,
                                                         language=language, found=found)
    return Context(session, clock, events, inbound, caller, conversation, config), is_new


def _touch_for(ctx: Context, reply: Reply) -> None:
    """The conversation's state after ``reply`` (not saved yet)."""
    conversation = ctx.conversation
    conversations.touch(ctx.clock, conversation, conversation.state)
    if not reply.continues:
        conversations.end(ctx.clock, conversation, reason="dialog finished")


def _close_hop(ctx: Context, reply: Reply) -> int:
    """The conversation's state after ``reply``, saved; returns the conversation's id."""
    _touch_for(ctx, reply)
    return conversations.save(ctx.session, ctx.conversation)


def _finish(ctx: Context, reply: Reply, *, purpose: str = "selfService") -> Reply:
    conversation_id = _close_hop(ctx, reply)
    row = record_outbound(ctx.session, ctx.clock, channel=ctx.inbound.channel, address=ctx.inbound.sender,
                          text=reply.text, customer_id=ctx.conversation.customer_id,
                          conversation_id=conversation_id, purpose=purpose)
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
        conversations.end(clock, latest, reason="timeout", status="expired")
        conversations.save(session, latest)
    if latest is not None and latest.status != "open":
        # A hop of a session that ended or expired: its text repeats every earlier input,
        # and replaying them could buy the same bundle twice. Answered, and recorded, as over.
        reply = Reply(translate(latest.language, "error.timeout"), False)
        record_exchange(session, clock, inbound, reply.text, customer_id=latest.customer_id,
                        conversation_id=latest.id, returning=False)
        return reply
    ctx, is_new = open_context(session, clock, events, inbound, config, caller=caller, found=latest)
    if is_new and inputs:
        # Dialled with a shortcut: what it runs (a purchase, a case) refers to the conversation.
        conversations.save(session, ctx.conversation)
    if is_new:
        reply = ctx.config.engine.handle(ctx, "", limit=limit)
        if len(inputs) == 1 and inputs[0].isdigit() and len(inputs[0]) >= MIN_PIN_SHORTCUT \
                and config.offers(TOP_UP) and TOP_UP.available(ctx):
            reply = ctx.config.engine.start(ctx, TOP_UP.name, {"pin": inputs[0]}, limit=limit)
        else:
            for text in inputs:
                reply = ctx.config.engine.handle(ctx, text, limit=limit)
                if not reply.continues:
                    break
    else:
        reply = ctx.config.engine.handle(ctx, inputs[-1] if inputs else "", limit=limit)
    # The conversation's INSERT or UPDATE and both messages, in one statement where the database
    # allows. The channel sends the reply as its answer to this request: no message id needed.
    _touch_for(ctx, reply)
    write_hop(session, clock, ctx.conversation, inbound, reply.text)
    return reply


def start_dialog(ctx: Context, name: str, values: dict | None = None, *, limit: int | None = None) -> Reply:
    """Open a dialog directly (an SMS keyword) and record the reply."""
    return _finish(ctx, ctx.config.engine.start(ctx, name, values, limit=limit))


def continue_dialog(ctx: Context, text: str, *, limit: int | None = None) -> Reply:
    return _finish(ctx, ctx.config.engine.handle(ctx, text, limit=limit))


def answer(ctx: Context, text: str, *, continues: bool = False, purpose: str = "selfService") -> Reply:
    """A one-off reply outside any dialog (HELP, STOP, a message passed to agents)."""
    ctx.conversation.state = {"dialog": None, "page": 0}
    return _finish(ctx, Reply(text, continues), purpose=purpose)


def waiting_dialog(conversation: ConversationRecord) -> str | None:
    """The dialog an open conversation is in the middle of, if any."""
    return (conversation.state or {}).get("dialog")
