"""Opening and finding cases."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import Clock
from core.errors import ValidationError
from core.events import EventBus
from crm.cases.models import CASE_KINDS, SupportCase


def open_case(session: Session, clock: Clock, events: EventBus, *, kind: str, channel: str, contact_address: str,
              subject: str, description: str | None = None, customer_id: int | None = None,
              conversation_id: int | None = None) -> SupportCase:
    """Open a case for agents; its ``number`` is what the customer quotes later."""
    if kind not in CASE_KINDS:
        raise ValidationError(f"kind must be one of {', '.join(CASE_KINDS)}", field="kind")
    if not subject or not subject.strip():
        raise ValidationError("a case needs a subject", field="subject")
    now = clock.now()
    case = SupportCase(number="pending", kind=kind, status="open", customer_id=customer_id, channel=channel,
                       contact_address=contact_address[:254], subject=subject.strip()[:200],
                       description=(description or "").strip() or None, conversation_id=conversation_id,
                       created_at=now, updated_at=now)
    session.add(case)
    session.flush()
    case.number = f"CS-{case.id:06d}"  # from the id, so two agents never get the same number
    session.flush()
    events.publish("case.opened", case_id=case.id, number=case.number, kind=kind, customer_id=customer_id,
                   channel=channel)
    return case


def cases_of_customer(session: Session, customer_id: int) -> list[SupportCase]:
    return list(session.scalars(sa.select(SupportCase).where(SupportCase.customer_id == customer_id)
                                .order_by(SupportCase.id.desc())))
