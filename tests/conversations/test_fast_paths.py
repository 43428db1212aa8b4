"""The USSD hop's fast paths give exactly what the general paths give on the same input."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.db import db
from crm.conversations.hop_writes import write_hop
from crm.conversations.identify import identify_in_session, identify_msisdn
from crm.conversations.interactions import record_exchange, record_inbound, record_outbound
from crm.conversations.messages import Inbound
from crm.conversations.models import Conversation, Interaction
from crm.conversations.state import end, latest_of_session, resume_or_start, save, touch
from tests.channels.handset import Handset
from tests.conversations.world import POSTPAID_MSISDN, PREPAID_MSISDN, UNKNOWN_MSISDN

COLUMNS = [c for c in Interaction.__table__.c if c.name != "id"]


def _inbound(clock, msisdn: str, session_id: str = "ATUid_fast", raw: dict | None = None) -> Inbound:
    return Inbound(channel="ussd", sender=msisdn, text="1", session_id=session_id, received_at=clock.now(),
                   raw=raw if raw is not None else {"sessionId": session_id, "text": "1"})


def _rows(session, ids: list[int]) -> list[tuple]:
    # Each row as stored, with whether ``raw`` is SQL NULL (not JSON null) compared too.
    stmt = (sa.select(*COLUMNS, Interaction.__table__.c.raw.is_(None))
            .where(Interaction.id.in_(ids)).order_by(Interaction.id))
    return [tuple(row) for row in session.execute(stmt)]


@pytest.mark.parametrize("raw", [{"sessionId": "ATUid_fast", "text": "1"}, {}])
def test_record_exchange_writes_the_rows_of_record_inbound_and_record_outbound(session, clock, world, raw):
    conversation, _ = resume_or_start(session, clock, _inbound(clock, PREPAID_MSISDN), customer_id=None,
                                      language="en")
    inbound = _inbound(clock, PREPAID_MSISDN, raw=raw)
    customer = world.prepaid_customer.id
    slow_in = record_inbound(session, inbound, customer_id=customer, conversation_id=conversation.id)
    slow_out = record_outbound(session, clock, channel="ussd", address=PREPAID_MSISDN, text="END Balance",
                               customer_id=customer, conversation_id=conversation.id)
    fast_out = record_exchange(session, clock, inbound, "END Balance", customer_id=customer,
                               conversation_id=conversation.id)
    session.commit()
    assert fast_out > slow_out.id
    assert _rows(session, [fast_out - 1, fast_out]) == _rows(session, [slow_in.id, slow_out.id])


@pytest.mark.parametrize("msisdn", [PREPAID_MSISDN, POSTPAID_MSISDN, UNKNOWN_MSISDN])
@pytest.mark.parametrize("conversations", [0, 1, 2])
def test_identify_in_session_finds_the_caller_and_conversation_of_the_separate_reads(
        session, clock, world, msisdn, conversations):
    inbound = _inbound(clock, msisdn)
    made = []
    for n in range(conversations):
        conversation = Conversation(channel="ussd", address=msisdn, session_ref=inbound.session_id, language="en",
                                    state={}, status="ended" if n == 0 and conversations > 1 else "open",
                                    started_at=clock.now(), last_activity_at=clock.now(), expires_at=clock.now())
        session.add(conversation)
        session.flush()
        made.append(conversation.id)
    # A conversation of another session on the same number must not be found.
    session.add(Conversation(channel="ussd", address=msisdn, session_ref="ATUid_other", language="en", state={},
                             status="open", started_at=clock.now(), last_activity_at=clock.now(),
                             expires_at=clock.now()))
    session.commit()

    caller, latest = identify_in_session(session, inbound)
    slow_caller, slow_latest = identify_msisdn(session, msisdn), latest_of_session(session, inbound)
    assert latest == slow_latest
    assert (latest.id if latest else None) == (made[-1] if made else None)
    assert caller.address == slow_caller.address == msisdn
    assert caller.customer is slow_caller.customer
    assert caller.subscription is slow_caller.subscription
    assert caller.account is slow_caller.account
    assert caller == slow_caller
    assert (caller.known, caller.has_line, caller.prepaid) == (slow_caller.known, slow_caller.has_line,
                                                               slow_caller.prepaid)


def test_a_dial_writes_its_new_conversation_once_and_a_balance_hop_updates_it_once(client, session, world):
    statements: list[str] = []

    def remember(_conn, _cursor, statement, *_args):
        # Kept as "SELECT <first column>", "INSERT <table>", "UPDATE <table>", "WITH <first CTE>".
        words = statement.split()
        statements.append(f"{words[0].upper()} {words[2] if words[0].upper() == 'INSERT' else words[1]}")

    phone = Handset(client, PREPAID_MSISDN)
    sa.event.listen(db.engine, "before_cursor_execute", remember)
    try:
        menu = phone.dial()
        dial = list(statements)
        statements.clear()
        answer = phone.press(phone.option("Balance & bundles"))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", remember)
    assert menu.startswith("CON ") and answer.startswith("END Balance")
    if db.engine.dialect.name == "postgresql":
        # The conversation's INSERT (then UPDATE) rides in a CTE of the messages' INSERT.
        assert dial == ["SELECT subscription.id,", "WITH started"]
        assert [s for s in statements if not s.startswith("SELECT")] == ["WITH touched"]
    else:
        assert dial == ["SELECT subscription.id,", "INSERT conversation", "INSERT interaction"]
        assert [s for s in statements if not s.startswith("SELECT")] == ["UPDATE conversation", "INSERT interaction"]
    session.expire_all()
    conversation = session.scalar(sa.select(Conversation))
    assert conversation.status == "ended" and conversation.state["done"] == "balance"
    rows = session.scalars(sa.select(Interaction).order_by(Interaction.id)).all()
    assert [(r.direction, r.conversation_id, r.customer_id) for r in rows] == [
        ("in", conversation.id, world.prepaid_customer.id), ("out", conversation.id, world.prepaid_customer.id)] * 2


def _stored(session, conversation_id: int) -> tuple[tuple, list[tuple]]:
    conversation = Conversation.__table__
    head = session.execute(sa.select(*[c for c in conversation.c if c.name != "id"])
                           .where(conversation.c.id == conversation_id)).one()
    messages = _rows(session, list(session.scalars(sa.select(Interaction.id)
                                                   .where(Interaction.conversation_id == conversation_id)
                                                   .order_by(Interaction.id))))
    # The messages' conversation id differs between the two conversations compared.
    return tuple(head), [row[1:] for row in messages]


@pytest.mark.parametrize("shape", ["new", "touched", "ended"])
def test_write_hop_stores_what_the_two_statement_path_stores(session, clock, world, shape):
    """One statement on PostgreSQL (a CTE), two elsewhere: the same conversation and message rows."""
    stored = []
    for way in ("one statement", "two statements"):
        inbound = _inbound(clock, PREPAID_MSISDN, session_id="ATUid_same", raw={"text": "1", "way": "same"})
        conversation, _new = resume_or_start(session, clock, inbound, customer_id=world.prepaid_customer.id,
                                             language="sw", found=None)
        if shape != "new":
            save(session, conversation)
            conversation.changed = False
        touch(clock, conversation, {"dialog": "balance", "step": 0, "values": {"pin": "123"}, "page": 0})
        if shape == "ended":
            end(clock, conversation, reason="dialog finished")
        if way == "one statement":
            conversation_id = write_hop(session, clock, conversation, inbound, "END Balance KES 1.00")
        else:
            conversation_id = save(session, conversation)
            record_exchange(session, clock, inbound, "END Balance KES 1.00", customer_id=conversation.customer_id,
                            conversation_id=conversation_id, returning=False)
        assert conversation_id == conversation.id is not None
        session.commit()
        stored.append(_stored(session, conversation_id))
    assert stored[0] == stored[1]
    assert len(stored[0][1]) == 2


# What a hop can carry: any text a handset can send (including nothing, and characters outside
# the basic plane; not NUL or lone surrogates, which PostgreSQL cannot store in text), the aggregator's form
# as ``raw`` (or none), any dialog state.
TEXTS = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=200)
RAW = st.one_of(st.just({}), st.dictionaries(st.sampled_from(["sessionId", "text", "networkCode", "serviceCode"]),
                                              TEXTS, max_size=4))
STATE = st.fixed_dictionaries({"dialog": st.sampled_from([None, "balance", "buy_bundle", "topup"]),
                               "step": st.integers(0, 5), "page": st.integers(0, 3),
                               "values": st.dictionaries(st.sampled_from(["pin", "bundle", "confirmed"]),
                                                         st.one_of(st.text(max_size=20), st.booleans()),
                                                         max_size=3)})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS, reply=TEXTS, raw=RAW, state=STATE, shape=st.sampled_from(["new", "touched", "ended"]),
       language=st.sampled_from(["en", "sw"]), known=st.booleans(), session_ref=TEXTS.filter(bool))
def test_write_hop_equals_the_two_statement_path_on_any_input(session, clock, world, text, reply, raw, state, shape,
                                                              language, known, session_ref):
    customer_id = world.prepaid_customer.id if known else None
    stored = []
    for way in ("one statement", "two statements"):
        inbound = Inbound(channel="ussd", sender=PREPAID_MSISDN, text=text, session_id=session_ref,
                          received_at=clock.now(), raw=raw)
        conversation, _new = resume_or_start(session, clock, inbound, customer_id=customer_id, language=language,
                                             found=None)
        if shape != "new":
            save(session, conversation)
            conversation.changed = False
        touch(clock, conversation, state)
        if shape == "ended":
            end(clock, conversation, reason="dialog finished")
        if way == "one statement":
            conversation_id = write_hop(session, clock, conversation, inbound, reply)
        else:
            conversation_id = save(session, conversation)
            record_exchange(session, clock, inbound, reply, customer_id=conversation.customer_id,
                            conversation_id=conversation_id, returning=False)
        session.commit()
        stored.append(_stored(session, conversation_id))
    assert stored[0] == stored[1]
