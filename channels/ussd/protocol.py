"""The Africa's Talking USSD callback: form fields in, ``CON ``/``END `` plain text out."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping

from core.errors import ValidationError
from core.msisdn import normalise
from crm.conversations.messages import Inbound, Reply

MAX_SCREEN = 182  # characters a handset shows, the prefix included
PREFIX_LENGTH = 4  # "CON " / "END "
LIMIT = MAX_SCREEN - PREFIX_LENGTH
FIELDS = ("sessionId", "serviceCode", "phoneNumber", "networkCode", "text")


@functools.lru_cache(maxsize=8192)
def e164(raw: str, default_region: str) -> str:
    """``core.msisdn.normalise``, remembered: every hop of a session sends the same number, and
    parsing it is a noticeable share of a hop. Invalid numbers raise each time (not cached)."""
    return normalise(raw, default_region)


def read_hop(form: Mapping[str, str], *, default_region: str, received_at: dt.datetime) -> tuple[Inbound, list[str]]:
    """The hop as an ``Inbound`` and the inputs it carries.

    ``text`` is every input so far joined by ``*`` ("" on the first hop), so the inputs are its
    parts; the conversation decides whether they are a dialled shortcut (first hop) or the
    newest answer (the last part).
    """
    session_id = (form.get("sessionId") or "").strip()
    if not session_id:
        raise ValidationError("sessionId is missing", field="sessionId")
    msisdn = e164(form.get("phoneNumber") or "", default_region)
    text = (form.get("text") or "").strip()
    inputs = text.split("*") if text else []
    raw = {name: form.get(name) for name in FIELDS if name in form}
    inbound = Inbound(channel="ussd", sender=msisdn, text=inputs[-1] if inputs else "", session_id=session_id[:100],
                      received_at=received_at, raw=raw)
    return inbound, inputs


def render(reply: Reply) -> str:
    """``CON`` while the conversation goes on, ``END`` when it is over; never past 182 characters."""
    prefix = "CON " if reply.continues else "END "
    return prefix + reply.text[:LIMIT]
