"""CRM models: parties (individuals and organisations), their contact media and identity
documents, customers, and the marketing-consent history.

A party is who someone is; a customer is the commercial relationship with them. Billing
accounts hang off ``customer.id``; other packages reference these tables by name.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime

PARTY_KINDS = ("individual", "organization")


class Party(Base):
    """An individual or an organisation: TMF632 ``Individual`` and ``Organization`` are two
    views on this one table, told apart by ``kind``."""

    __tablename__ = "party"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="initialized")
    # Individual
    given_name: Mapped[str | None] = mapped_column(sa.String(100))
    middle_name: Mapped[str | None] = mapped_column(sa.String(100))
    family_name: Mapped[str | None] = mapped_column(sa.String(100))
    full_name: Mapped[str | None] = mapped_column(sa.String(200))
    formatted_name: Mapped[str | None] = mapped_column(sa.String(200))
    title: Mapped[str | None] = mapped_column(sa.String(30))
    gender: Mapped[str | None] = mapped_column(sa.String(20))
    birth_date: Mapped[dt.date | None] = mapped_column(sa.Date())
    nationality: Mapped[str | None] = mapped_column(sa.String(60))
    marital_status: Mapped[str | None] = mapped_column(sa.String(30))
    preferred_language: Mapped[str | None] = mapped_column(sa.String(10))
    # Organization
    name: Mapped[str | None] = mapped_column(sa.String(200))
    trading_name: Mapped[str | None] = mapped_column(sa.String(200))
    organization_type: Mapped[str | None] = mapped_column(sa.String(60))
    registration_number: Mapped[str | None] = mapped_column(sa.String(60))
    is_legal_entity: Mapped[bool | None] = mapped_column()
    is_head_office: Mapped[bool | None] = mapped_column()
    # existsDuring for organisations; unused for individuals.
    valid_from: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    valid_to: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    contact_media: Mapped[list[ContactMedium]] = relationship(
        back_populates="party", cascade="all, delete-orphan", order_by="ContactMedium.id")
    identifications: Mapped[list[Identification]] = relationship(
        back_populates="party", cascade="all, delete-orphan", order_by="Identification.id")

    __table_args__ = (sa.CheckConstraint("kind IN ('individual', 'organization')", name="kind"),)

    @property
    def display_name(self) -> str:
        """How the party is addressed on screens and in references."""
        if self.kind == "organization":
            return self.name or self.trading_name or f"Organization {self.id}"
        if self.full_name:
            return self.full_name
        parts = [self.given_name, self.middle_name, self.family_name]
        return " ".join(p for p in parts if p) or f"Individual {self.id}"


class ContactMedium(Base):
    """One way to reach a party or a customer. Exactly one owner is set: a customer's own
    media exist because TMF629 customers may engage a party held in another system."""

    __tablename__ = "contact_medium"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int | None] = mapped_column(sa.ForeignKey("party.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customer.id", ondelete="CASCADE"),
                                                    index=True)
    medium_type: Mapped[str] = mapped_column(sa.String(30))
    preferred: Mapped[bool] = mapped_column(default=False)
    contact_type: Mapped[str | None] = mapped_column(sa.String(30))
    phone_number: Mapped[str | None] = mapped_column(sa.String(20), index=True)  # E.164
    fax_number: Mapped[str | None] = mapped_column(sa.String(20))
    email_address: Mapped[str | None] = mapped_column(sa.String(254), index=True)  # lower-cased
    social_network_id: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    street1: Mapped[str | None] = mapped_column(sa.String(200))
    street2: Mapped[str | None] = mapped_column(sa.String(200))
    city: Mapped[str | None] = mapped_column(sa.String(100))
    state_or_province: Mapped[str | None] = mapped_column(sa.String(100))
    post_code: Mapped[str | None] = mapped_column(sa.String(20))
    country: Mapped[str | None] = mapped_column(sa.String(60))
    valid_from: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    valid_to: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    party: Mapped[Party | None] = relationship(back_populates="contact_media")
    customer: Mapped[Customer | None] = relationship(back_populates="contact_media")

    __table_args__ = (
        sa.CheckConstraint("(party_id IS NULL) <> (customer_id IS NULL)", name="one_owner"),
    )


class Identification(Base):
    """An identity document: TMF632 ``individualIdentification`` / ``organizationIdentification``."""

    __tablename__ = "identification"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id", ondelete="CASCADE"), index=True)
    identification_type: Mapped[str] = mapped_column(sa.String(40))
    number: Mapped[str] = mapped_column(sa.String(60))
    issuing_authority: Mapped[str | None] = mapped_column(sa.String(100))
    issuing_country: Mapped[str | None] = mapped_column(sa.String(2))
    issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    valid_from: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    valid_to: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # expiry

    party: Mapped[Party] = relationship(back_populates="identifications")

    __table_args__ = (sa.Index("ix_identification_type_number", "identification_type", "number"),)


class Customer(Base):
    """The commercial relationship (TMF629 ``Customer``) with an engaged party.

    The engaged party is either local (``party_id``) or held in another system, in which case
    the reference TMF sent (``party_ref_*``) is kept as given.
    """

    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="Initialized", index=True)
    status_reason: Mapped[str | None] = mapped_column(sa.String(200))
    party_id: Mapped[int | None] = mapped_column(sa.ForeignKey("party.id", ondelete="RESTRICT"), index=True)
    party_ref_id: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    party_ref_type: Mapped[str | None] = mapped_column(sa.String(50))
    party_ref_name: Mapped[str | None] = mapped_column(sa.String(200))
    party_ref_href: Mapped[str | None] = mapped_column(sa.String(500))
    valid_from: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    valid_to: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    preferred_channel: Mapped[str | None] = mapped_column(sa.String(20))
    preferred_language: Mapped[str | None] = mapped_column(sa.String(10))
    category: Mapped[str | None] = mapped_column(sa.String(40))
    segment: Mapped[str | None] = mapped_column(sa.String(40))
    # TMF characteristics the CRM has no column for, kept as sent ([{name, value, ...}]).
    characteristics: Mapped[list | None] = mapped_column(sa.JSON())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    party: Mapped[Party | None] = relationship()
    contact_media: Mapped[list[ContactMedium]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="ContactMedium.id")


class Consent(Base):
    """One change of a customer's consent for a purpose on a channel; the newest row wins.

    Rows are never updated, so the history answers "who opted this number in, when, how".
    Channel ``all`` speaks for every channel at the time it was recorded.
    """

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(20))
    purpose: Mapped[str] = mapped_column(sa.String(30), default="marketing")
    granted: Mapped[bool] = mapped_column()
    source: Mapped[str] = mapped_column(sa.String(30))  # api, sms, ussd, agent, portal, ...
    actor: Mapped[str | None] = mapped_column(sa.String(200))  # who: staff e-mail, MSISDN, API key
    note: Mapped[str | None] = mapped_column(sa.String(500))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
