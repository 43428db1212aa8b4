"""Generated usage for the property tests: a small operator with mixed lines and random records."""
from __future__ import annotations

import datetime as dt
import random

from billing.usage import UsageEvent

DESTINATIONS = ("+254722000001", "+254733000002", "+254203000003", "+254800000004", "+254900000005",
                "+256772000006", "+447700900007", "+14155550008", "+999", None)
NETWORKS = ("64110", "64002", "310260", "99999")


def make_world(operator) -> list:
    """Three prepaid lines (rich, modest, nearly empty) and two postpaid, with buckets."""
    lines = [operator.line(balance="500"), operator.line(balance="30"), operator.line(balance="2"),
             operator.line("postpaid"), operator.line("postpaid")]
    operator.bucket(lines[0], "voice", 300, scope="national", days=3)
    operator.bucket(lines[0], "voice", 120, days=10)
    operator.bucket(lines[1], "data", 5 * 1024 * 1024, days=5)
    operator.bucket(lines[1], "sms", 20, scope="national")
    operator.bucket(lines[3], "voice", 600, scope="onnet", days=2)
    operator.bucket(lines[4], "voice", 60, scope="roaming")
    return lines


def make_usage(rng: random.Random, lines: list, start: dt.datetime, count: int, first_id: int = 1
               ) -> list[UsageEvent]:
    records = []
    for offset in range(count):
        line = rng.choice(lines)
        service = rng.choice(("voice", "voice", "sms", "data"))
        roaming = rng.random() < 0.1
        records.append(UsageEvent(
            usage_id=first_id + offset, msisdn=line.msisdn, service=service,
            direction="in" if rng.random() < 0.1 else "out",
            started_at=start + dt.timedelta(seconds=rng.randrange(0, 6 * 86400)),
            other_party=None if service == "data" else rng.choice(DESTINATIONS),
            duration_s=rng.randrange(0, 900) if service == "voice" else 0,
            messages=rng.randrange(1, 4) if service == "sms" else 0,
            volume_down=rng.randrange(0, 3 * 1024 * 1024) if service == "data" else 0,
            roaming=roaming, visited_network=rng.choice(NETWORKS) if roaming else None))
    return records
