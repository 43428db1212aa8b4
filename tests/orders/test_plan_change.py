"""``billing.plan_change``: the service plan-change orders use, and the rules it keeps itself."""
from __future__ import annotations

import pytest

from billing.models import Subscription
from billing.plan_change import change_plan, plan_history
from billing.subscriptions import terminate
from core.errors import Conflict, ValidationError


def test_a_line_cannot_change_to_its_own_plan_or_after_termination(session, clock, events, line, offers):
    subscription = session.get(Subscription, line)
    with pytest.raises(Conflict, match="already on this plan"):
        change_plan(session, clock, events, subscription, offers["PRE"])
    with pytest.raises(ValidationError, match="postpaid"):
        change_plan(session, clock, events, subscription, offers["POST"])
    with pytest.raises(ValidationError, match="not a plan"):
        change_plan(session, clock, events, subscription, offers["DATA-1GB"])
    terminate(session, clock, events, subscription)
    with pytest.raises(Conflict, match="terminated"):
        change_plan(session, clock, events, subscription, offers["PRE-PLUS"])
    assert plan_history(session, subscription) == []


def test_history_keeps_every_move_in_order(session, clock, events, line, offers):
    subscription = session.get(Subscription, line)
    first_version = subscription.offering_version_id
    change_plan(session, clock, events, subscription, offers["PRE-PLUS"], reason="upgrade", source="agent:7")
    clock.advance(days=3)
    change_plan(session, clock, events, subscription, offers["PRE"], reason="downgrade")

    history = plan_history(session, subscription)
    assert [(h.from_offering_id, h.to_offering_id, h.reason) for h in history] == [
        (offers["PRE"], offers["PRE-PLUS"], "upgrade"), (offers["PRE-PLUS"], offers["PRE"], "downgrade")]
    assert history[0].from_version_id == first_version and history[0].source == "agent:7"
    assert events.named("subscription.plan_changed")[-1].payload["to_offering_id"] == offers["PRE"]
