"""The self-service dialogs, as data: each is a list of steps over the domain services.

The main menu shows a dialog only when its ``available`` test passes for this caller: a
prepaid line sees voucher top-up, a postpaid one does not; an unknown number sees only the
way to a human and the language choice; "last bill" shows only when the gateway wired a
source of bills (``SelfService.last_invoice``). Which dialogs exist at all is the gateway's
choice (``DIALOGS`` lists every one this code offers, in menu order).
"""
from __future__ import annotations

from billing.vouchers import VoucherLocked, clean_pin, redeem_voucher
from catalog.offerings import find_offering_by_code
from core.errors import Conflict, DomainError, NotFound, ValidationError
from core.money import Money
from crm.cases.service import open_case
from crm.i18n.catalogs import LANGUAGES
from crm.selfservice import account_views, purchases
from crm.selfservice.engine import Ask, Choose, Confirm, Context, Dialog, Invalid, Run

MIN_PROBLEM_LENGTH = 3


def has_line(ctx: Context) -> bool:
    return ctx.caller.has_line


def prepaid_line(ctx: Context) -> bool:
    return has_line(ctx) and ctx.caller.prepaid


def bills_exist(ctx: Context) -> bool:
    return has_line(ctx) and not ctx.caller.prepaid and ctx.config.last_invoice is not None


# -- buy a bundle ----------------------------------------------------------------------


def _bundle_choices(ctx: Context) -> list[tuple[str, str]]:
    return [(offering.code, f"{offering.name} {ctx.fmt.money(price)}")
            for offering, price in account_views.bundles_for(ctx)]


def _chosen_bundle(ctx: Context):
    offering = find_offering_by_code(ctx.session, ctx.values["bundle"])
    return offering, account_views.bundle_price(ctx, offering)


def _buy_prompt(ctx: Context) -> str:
    offering, price = _chosen_bundle(ctx)
    payment = ctx.t("buy.from_balance" if ctx.caller.prepaid else "buy.on_bill")
    return ctx.t("buy.confirm", name=offering.name, price=ctx.fmt.money(price), payment=payment)


def _buy(ctx: Context) -> str:
    offering, price = _chosen_bundle(ctx)
    if ctx.caller.prepaid:
        balance = account_views.available_money(ctx)
        if balance < price:
            return ctx.t("buy.insufficient", balance=ctx.fmt.money(balance), name=offering.name,
                         price=ctx.fmt.money(price))
    order = purchases.buy_bundle(ctx, offering)
    if order.state == "failed" or order.state == "rejected":
        return ctx.t("buy.failed", reason=order.state_reason or order.state)
    return ctx.t("buy.done", order=order.id, name=offering.name, status=order.state)


# -- top up ----------------------------------------------------------------------------


def _parse_pin(ctx: Context, text: str) -> str:
    try:
        return clean_pin(text)
    except ValidationError:
        raise Invalid("topup.invalid") from None


def _top_up(ctx: Context) -> str:
    if not ctx.caller.prepaid:
        return ctx.t("topup.postpaid")
    try:
        voucher = redeem_voucher(ctx.session, ctx.clock, ctx.events, secret=ctx.config.voucher_secret,
                                 pin=ctx.values["pin"], account=ctx.caller.account, msisdn=ctx.caller.address)
    except NotFound:
        return ctx.t("topup.unknown")
    except VoucherLocked as locked:
        return ctx.t("topup.locked", time=ctx.fmt.time(locked.retry_at))
    except Conflict as error:
        key = {"voucher_used": "topup.used", "voucher_expired": "topup.expired"}.get(error.code)
        return ctx.t(key) if key else ctx.t("topup.other", reason=error.message)
    balance = account_views.available_money(ctx)
    return ctx.t("topup.done", amount=ctx.fmt.money(Money(voucher.value, voucher.currency)),
                 balance=ctx.fmt.money(balance))


# -- bills, orders, cases, language ----------------------------------------------------


def _last_bill(ctx: Context) -> str:
    bill = ctx.config.last_invoice(ctx.session, ctx.caller.account_id)
    if bill is None:
        return ctx.t("bill.none")
    return ctx.t("bill.show", number=bill.number, amount=ctx.fmt.money(Money(bill.total, bill.currency)),
                 due=ctx.fmt.date(bill.due_at))


def _order_choices(ctx: Context) -> list[tuple[str, str]]:
    return [(str(order.id), f"#{order.id} {order.description or ''}"[:40]) for order in purchases.recent_orders(ctx)]


def _order_status(ctx: Context) -> str:
    order = purchases.find_order(ctx, ctx.values["order"])
    if order is None:
        return ctx.t("order.none", number=ctx.values["order"])
    return ctx.t("order.show", number=order.id, status=order.state)


def _problem_text(ctx: Context, text: str) -> str:
    if len(text.strip()) < MIN_PROBLEM_LENGTH:
        raise Invalid("problem.too_short")
    return text.strip()


def _open(ctx: Context, kind: str, subject: str, description: str | None = None):
    return open_case(ctx.session, ctx.clock, ctx.events, kind=kind, channel=ctx.inbound.channel,
                     contact_address=ctx.caller.address, subject=subject, description=description,
                     customer_id=ctx.caller.customer_id, conversation_id=ctx.conversation.id)


def _report_problem(ctx: Context) -> str:
    problem = ctx.values["problem"]
    case = _open(ctx, "complaint", problem[:80], problem)
    return ctx.t("problem.done", case=case.number)


def _call_back(ctx: Context) -> str:
    case = _open(ctx, "callback", f"Call-back request from {ctx.caller.address} by {ctx.inbound.channel}")
    return ctx.t("agent.done", case=case.number)


def _language_choices(ctx: Context) -> list[tuple[str, str]]:
    return list(LANGUAGES.items())


def _set_language(ctx: Context) -> str:
    language = ctx.values["language"]
    ctx.conversation.language = language
    if ctx.caller.customer is not None:
        ctx.caller.customer.preferred_language = language
        ctx.caller.customer.updated_at = ctx.clock.now()
    ctx.session.flush()
    return ctx.t("language.done")


def _guarded(action):
    """Domain refusals end the dialog with their reason instead of an error page."""
    def run(ctx: Context) -> str:
        try:
            return action(ctx)
        except DomainError as error:
            return ctx.t("buy.failed", reason=error.message)
    return run


BALANCE = Dialog("balance", (Run(account_views.balance_summary),), available=has_line)
CHARGES = Dialog("charges", (Run(account_views.recent_charges),), available=has_line)
BUY_BUNDLE = Dialog("buy_bundle", (
    Choose("bundle", "buy.pick", _bundle_choices),
    Confirm("confirmed", _buy_prompt),
    Run(_guarded(_buy)),
), available=has_line)
TOP_UP = Dialog("topup", (Ask("pin", "topup.ask", _parse_pin), Run(_top_up)), available=prepaid_line)
LAST_BILL = Dialog("last_bill", (Run(_last_bill),), available=bills_exist)
ORDER_STATUS = Dialog("order_status", (Choose("order", "order.recent", _order_choices), Run(_order_status)),
                      available=has_line)
REPORT_PROBLEM = Dialog("report_problem", (Ask("problem", "problem.ask", _problem_text), Run(_report_problem)),
                        available=lambda ctx: ctx.caller.known)
AGENT = Dialog("agent", (Run(_call_back),))
LANGUAGE = Dialog("language", (Choose("language", "language.pick", _language_choices), Run(_set_language)))

# Menu order: what people ask for most comes first.
DIALOGS = (BALANCE, BUY_BUNDLE, TOP_UP, CHARGES, LAST_BILL, ORDER_STATUS, REPORT_PROBLEM, AGENT, LANGUAGE)
# What a dialog needs wired beyond the session (a ``SelfService`` attribute), by dialog name.
NEEDS = {LAST_BILL.name: "last_invoice"}


def bundle_code(ctx: Context, code: str) -> str | None:
    """The code of a bundle the caller may buy, as typed (case-insensitive), or None."""
    wanted = code.strip().upper()
    return next((value for value, _label in _bundle_choices(ctx) if value.upper() == wanted), None)

