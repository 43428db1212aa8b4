"""The in-process event bus that lets lower layers tell upper ones what happened."""
import pytest

from core.events import Event, EventBus, RecordingBus


@pytest.mark.smoke
def test_subscribers_receive_their_event_with_payload():
    bus = EventBus()
    got: list[Event] = []
    bus.subscribe("order.completed", got.append)
    event = bus.publish("order.completed", order_id=7, msisdn="+254712345678")
    assert got == [event]
    assert event == Event("order.completed", {"order_id": 7, "msisdn": "+254712345678"})


def test_other_events_do_not_reach_a_subscriber():
    bus = EventBus()
    got: list[Event] = []
    bus.subscribe("order.completed", got.append)
    bus.publish("invoice.finalized", invoice_id=1)
    assert got == []


def test_wildcard_receives_every_event_once_after_named_handlers():
    bus = EventBus()
    order: list[str] = []
    bus.subscribe("*", lambda e: order.append(f"*:{e.name}"))
    bus.subscribe("bucket.threshold_crossed", lambda e: order.append(f"named:{e.name}"))
    bus.publish("bucket.threshold_crossed", percent=80)
    bus.publish("invoice.finalized")
    assert order == ["named:bucket.threshold_crossed", "*:bucket.threshold_crossed", "*:invoice.finalized"]


def test_several_handlers_run_in_subscription_order():
    bus = EventBus()
    order: list[int] = []
    bus.subscribe("x.y", lambda e: order.append(1))
    bus.subscribe("x.y", lambda e: order.append(2))
    bus.publish("x.y")
    assert order == [1, 2]


def test_publishing_the_wildcard_or_nothing_is_refused():
    bus = EventBus()
    got: list[Event] = []
    bus.subscribe("*", got.append)
    for name in ("*", ""):
        with pytest.raises(ValueError):
            bus.publish(name)
    assert got == []


def test_handler_errors_reach_the_publisher():
    # Handlers run in the publisher's transaction; a failure must not pass silently.
    bus = EventBus()

    def broken(_event):
        raise RuntimeError("boom")

    bus.subscribe("x.y", broken)
    with pytest.raises(RuntimeError):
        bus.publish("x.y")


def test_a_handler_subscribing_during_publish_does_not_see_the_current_event():
    bus = EventBus()
    late: list[Event] = []
    bus.subscribe("x.y", lambda e: bus.subscribe("x.y", late.append))
    bus.publish("x.y")
    assert late == []
    bus.publish("x.y")
    assert len(late) == 1


@pytest.mark.smoke
def test_recording_bus_remembers_and_still_delivers():
    bus = RecordingBus()
    got: list[Event] = []
    bus.subscribe("order.completed", got.append)
    bus.publish("order.completed", order_id=1)
    bus.publish("invoice.finalized", invoice_id=2)
    bus.publish("order.completed", order_id=3)
    assert [e.name for e in bus.events] == ["order.completed", "invoice.finalized", "order.completed"]
    assert [e.payload["order_id"] for e in bus.named("order.completed")] == [1, 3]
    assert bus.named("nothing.happened") == []
    assert len(got) == 2


def test_events_are_immutable():
    event = Event("x.y", {"a": 1})
    with pytest.raises(AttributeError):
        event.name = "z"
