"""Settings read from the environment, with embedded defaults that need no other service.

Every variable the product reads is declared here once; README's configuration table
mirrors this list.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

# name -> (default, description). The default "" means "unset".
VARIABLES: dict[str, tuple[str, str]] = {
    "DATABASE_URL": ("sqlite:///<instance>/bss.sqlite3",
                     "SQLAlchemy URL; production uses postgresql+psycopg://user@host/db"),
    "DATABASE_PRE_PING": ("1", "test each pooled database connection before use (one round trip per request); "
                                 "0 saves it where the database never drops idle connections"),
    "SECRET_KEY": ("", "Flask session key; unset, one is generated once into instance/secret_key"),
    "HOST": ("127.0.0.1", "address `make run` listens on"),
    "PORT": ("5000", "port `make run` listens on"),
    "CURRENCY": ("KES", "ISO 4217 currency the operator prices and bills in"),
    "DEFAULT_REGION": ("KE", "ISO country for reading national-format phone numbers"),
    "OPERATOR_TIMEZONE": ("Africa/Nairobi", "time zone for bill cycles and time bands"),
    "DEMO_DATA": ("1", "`make run` seeds the demo operator on first start when 1"),
    "API_AUTH": ("1", "require a bearer token on /tmf-api (set 0 only on a closed lab box)"),
    "PUBLIC_BASE_URL": ("", "external URL for hrefs behind a proxy; unset, taken from the request"),
    "LOG_LEVEL": ("INFO", "Python logging level"),
    "USSD_CALLBACK_TOKEN": ("", "secret the USSD aggregator sends as ?token= on its callback URL"),
    "USSD_ALLOWED_IPS": ("", "comma-separated addresses/networks allowed to call /channels/ussd"),
    "TWILIO_ACCOUNT_SID": ("", "Twilio account SID for outbound SMS"),
    "TWILIO_AUTH_TOKEN": ("", "Twilio auth token: signs inbound webhooks, authenticates outbound SMS"),
    "TWILIO_FROM_NUMBER": ("", "sender number (E.164) or alphanumeric sender for Twilio SMS"),
    "TWILIO_API_BASE_URL": ("https://api.twilio.com", "Twilio REST API base URL (a local fake in tests)"),
    "TWILIO_PUBLIC_URL": ("", "public base URL Twilio calls, for signature checks behind a proxy"),
    "SMPP_HOST": ("", "operator SMSC host for SMPP 3.4"),
    "SMPP_PORT": ("2775", "operator SMSC port"),
    "SMPP_SYSTEM_ID": ("", "SMPP bind system_id"),
    "SMPP_PASSWORD": ("", "SMPP bind password"),
    "SMPP_SOURCE_ADDR": ("", "SMPP source address (short code or sender id)"),
    "SMS_OUTBOUND": ("log", "how SMS leave: twilio, smpp or log (recorded only)"),
    "VOUCHER_SECRET": ("", "key of the HMAC that stores voucher PINs; required to make or redeem vouchers"),
    "LOW_BALANCE_THRESHOLDS": ("", "per currency, the prepaid balance below which the customer is told, e.g. "
                                   "KES=20,USD=1; over the defaults KES 20, UGX 2000, TZS 1000, USD/EUR/GBP 1"),
    "PROVISIONING_URL": ("", "network provisioning gateway (JSON REST) orders call; unset, a simulator"),
    "PROVISIONING_TIMEOUT": ("10", "seconds to wait for the provisioning gateway before holding the order"),
    "CHANNELS": ("ussd,sms", "customer channels switched on, comma-separated (each must be one this build has)"),
    "SELFSERVICE_DIALOGS": ("", "self-service dialogs in menu order, comma-separated; unset, every dialog whose "
                                "parts are wired"),
    "MEDIATION_SINK": ("rating", "where mediation hands usage: rating (billing rates it) or none (kept distributed "
                                 "for an outside rating engine)"),
    "SMPP_POLL_SECONDS": ("1", "how often the SMPP link process looks for queued SMS to send"),
}


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str = field(repr=False)  # settings end up in logs and tracebacks
    host: str
    port: int
    currency: str
    default_region: str
    operator_timezone: str
    demo_data: bool
    api_auth: bool
    public_base_url: str
    log_level: str
    extra: Mapping[str, str] = field(default_factory=dict, repr=False)  # the rest of the environment
    declared: Mapping[str, str] = field(default_factory=dict, repr=False)  # every VARIABLES value, by name

    def value(self, name: str) -> str:
        """A declared variable that has no attribute of its own (channel credentials, ...)."""
        if name not in VARIABLES:
            raise KeyError(f"{name} is not declared in core.settings.VARIABLES")
        return self.declared.get(name, VARIABLES[name][0])

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, instance_path: str = "instance") -> Settings:
        env = os.environ if environ is None else environ

        def get(name: str) -> str:
            value = env.get(name)
            return value if value not in (None, "") else VARIABLES[name][0]

        database_url = get("DATABASE_URL").replace("<instance>", os.path.abspath(instance_path))
        # SQLAlchemy needs the psycopg 3 driver named; accept the common short forms too.
        for prefix in ("postgres://", "postgresql://"):
            if database_url.startswith(prefix):
                database_url = "postgresql+psycopg://" + database_url[len(prefix):]
        return cls(
            database_url=database_url,
            secret_key=get("SECRET_KEY"),
            host=get("HOST"),
            port=_port(get("PORT")),
            currency=get("CURRENCY").upper(),
            default_region=get("DEFAULT_REGION").upper(),
            operator_timezone=get("OPERATOR_TIMEZONE"),
            demo_data=_flag(get("DEMO_DATA")),
            api_auth=_flag(get("API_AUTH")),
            public_base_url=get("PUBLIC_BASE_URL").rstrip("/"),
            log_level=get("LOG_LEVEL").upper(),
            extra={k: v for k, v in env.items() if k not in VARIABLES},
            declared={name: get(name) for name in VARIABLES},
        )


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise ValueError(f"PORT must be a TCP port number, not {value!r}")
    return port
