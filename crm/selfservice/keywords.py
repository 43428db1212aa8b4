"""Text channels (SMS, and later chat apps) speak in keywords: ``BAL``, ``BUY <code>``, ``TOPUP <pin>``.

A keyword opens the same dialog the USSD menu does, with its argument filled in; a dialog that
needs more (the confirm step of a purchase) waits for the next message. Anything that is not a
keyword and answers no waiting dialog is a message for the agents.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from core.clock import Clock
from core.events import EventBus
from crm.consent import record_consent
from crm.conversations.interactions import record_inbound
from crm.conversations.messages import Inbound, Reply
from crm.conversations.state import save
from crm.selfservice import account_views, dialogs
from crm.selfservice.engine import Context, Dialog
from crm.selfservice.service import SelfService, answer, continue_dialog, open_context, start_dialog, waiting_dialog

KEYWORDS = ("BAL", "BUNDLES", "BUY", "TOPUP", "BILL", "HELP", "STOP", "START")


def text_message(session: Session, clock: Clock, events: EventBus, inbound: Inbound, config: SelfService) -> Reply:
    """Handle one inbound text; the reply is recorded and returned for the channel to send."""
    ctx, _is_new = open_context(session, clock, events, inbound, config)
    word, _, argument = inbound.text.strip().partition(" ")
    keyword = word.upper()
    waiting = waiting_dialog(ctx.conversation)
    purpose = "selfService" if keyword in KEYWORDS or waiting else "agent"
    save(session, ctx.conversation)  # its id, for the message
    record_inbound(session, inbound, customer_id=ctx.conversation.customer_id,
                   conversation_id=ctx.conversation.id, purpose=purpose)
    if keyword in KEYWORDS:
        return _keyword(ctx, keyword, argument.strip())
    if waiting:
        return continue_dialog(ctx, inbound.text)
    return answer(ctx, ctx.t("sms.to_agent"), purpose="agent")


def _keyword(ctx: Context, keyword: str, argument: str) -> Reply:
    if keyword == "HELP":
        return answer(ctx, ctx.t("sms.help"))
    if keyword in ("STOP", "START"):
        return _consent(ctx, granted=keyword == "START")
    if not dialogs.has_line(ctx):
        return answer(ctx, ctx.t("unknown.polite" if not ctx.caller.known else "needs_line"))
    if keyword == "BAL":
        return _start(ctx, dialogs.BALANCE)
    if keyword == "BUNDLES":
        lines = [ctx.t("sms.bundles")] + [f"{offering.code} {offering.name} {ctx.fmt.money(price)}"
                                          for offering, price in account_views.bundles_for(ctx)]
        return answer(ctx, "\n".join(lines))
    if keyword == "BUY":
        if not argument:
            return _start(ctx, dialogs.BUY_BUNDLE)
        code = dialogs.bundle_code(ctx, argument)
        if code is None:
            return answer(ctx, ctx.t("buy.unknown_code", code=argument.upper()))
        return _start(ctx, dialogs.BUY_BUNDLE, {"bundle": code})
    if keyword == "TOPUP":
        if ctx.config.offers(dialogs.TOP_UP) and not dialogs.TOP_UP.available(ctx):
            return answer(ctx, ctx.t("topup.postpaid"))
        return _start(ctx, dialogs.TOP_UP, {"pin": argument} if argument else None)
    return _start(ctx, dialogs.LAST_BILL)  # BILL


def _start(ctx: Context, dialog: Dialog, values: dict | None = None) -> Reply:
    """Open ``dialog`` if this operator offers it and it is available to the caller."""
    if not ctx.config.offers(dialog) or not dialog.available(ctx):
        return answer(ctx, ctx.t("sms.not_available"))
    return start_dialog(ctx, dialog.name, values)


def _consent(ctx: Context, *, granted: bool) -> Reply:
    if ctx.caller.customer is not None:
        record_consent(ctx.session, ctx.clock, customer=ctx.caller.customer, channel="sms", granted=granted,
                       source="sms", actor=ctx.caller.address, events=ctx.events,
                       note=f"{'START' if granted else 'STOP'} by SMS")
    # An unknown number's STOP is answered the same: nothing of ours will market to it anyway.
    return answer(ctx, ctx.t("sms.start" if granted else "sms.stop"))
