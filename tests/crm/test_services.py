"""CRM services called directly, as channels and the console will call them."""
import pytest

from core.errors import Conflict, NotFound, ValidationError
from crm.consent import consent_history, consent_state, current_consent, record_consent
from crm.contacts import ContactDetails, add_contact_medium, preferred_medium, replace_contact_media
from crm.customers import PartyRef, create_customer, delete_customer, set_customer_status, update_customer
from crm.identifications import IdentificationDetails, add_identification
from crm.lookups import (
    customers_by_msisdn,
    find_customer_by_email,
    find_customer_by_msisdn,
    find_customer_by_telegram_id,
)
from crm.models import Consent, ContactMedium, Customer, Party
from crm.parties import create_individual, create_organization, delete_party, get_party

REGION = "KE"


def person(session, clock, **extra):
    return create_individual(session, clock, default_region=REGION, given_name="Amina", family_name="Otieno",
                             **extra)


@pytest.mark.smoke
@pytest.mark.parametrize("raw", ["0712345678", "0712 345 678", "254712345678", "+254712345678",
                                 "00254712345678", "tel:+254712345678"])
def test_phone_numbers_are_stored_in_e164(session, clock, raw):
    party = person(session, clock, contact_media=[ContactDetails("mobile", phone_number=raw)])
    assert party.contact_media[0].phone_number == "+254712345678"


def test_default_region_decides_national_numbers(session, clock):
    party = create_individual(session, clock, default_region="UG", full_name="Okello",
                              contact_media=[ContactDetails("mobile", phone_number="0772123456")])
    assert party.contact_media[0].phone_number == "+256772123456"


@pytest.mark.parametrize("details, field", [
    (ContactDetails("mobile", phone_number="12345"), "msisdn"),
    (ContactDetails("mobile"), "phoneNumber"),
    (ContactDetails("email", email_address="not-an-address"), "emailAddress"),
    (ContactDetails("email"), "emailAddress"),
    (ContactDetails("telegram", social_network_id="x y"), "socialNetworkId"),
    (ContactDetails("postalAddress"), "characteristic"),
    (ContactDetails(""), "mediumType"),
])
def test_invalid_contact_media_are_refused(session, clock, details, field):
    party = person(session, clock)
    with pytest.raises(ValidationError) as caught:
        add_contact_medium(session, clock, owner=party, details=details, default_region=REGION)
    assert caught.value.field == field


def test_medium_type_spellings_are_canonical(session, clock):
    party = person(session, clock, contact_media=[
        ContactDetails("Email", email_address="X@Y.com"), ContactDetails("PostalAddress", city="Nairobi"),
        ContactDetails("telegram", social_network_id="@Amina_Otieno")])
    assert [m.medium_type for m in party.contact_media] == ["email", "postalAddress", "telegram"]
    assert party.contact_media[2].social_network_id == "@amina_otieno"


def test_replace_contact_media_is_all_or_nothing(session, clock):
    party = person(session, clock, contact_media=[ContactDetails("mobile", phone_number="0712345678")])
    with pytest.raises(ValidationError):
        replace_contact_media(session, clock, owner=party, default_region=REGION, media=[
            ContactDetails("email", email_address="a@b.co"), ContactDetails("mobile", phone_number="1")])
    assert [m.phone_number for m in party.contact_media] == ["+254712345678"]
    replace_contact_media(session, clock, owner=party, default_region=REGION, media=[
        ContactDetails("mobile", phone_number="0712000001"),
        ContactDetails("mobile", phone_number="0712000002", preferred=True)])
    assert preferred_medium(party, "mobile").phone_number == "+254712000002"
    assert preferred_medium(party, "email") is None


@pytest.mark.smoke
def test_lookups_find_customer_through_party_or_own_media(session, clock):
    amina = person(session, clock, contact_media=[
        ContactDetails("mobile", phone_number="0712345678"), ContactDetails("email", email_address="Amina@Example.com"),
        ContactDetails("telegram", social_network_id="987654321")])
    via_party = create_customer(session, clock, party=amina, default_region=REGION)
    external = create_customer(session, clock, name="Moon FC", party_ref=PartyRef("500", "Organization"),
                               default_region=REGION,
                               contact_media=[ContactDetails("mobile", phone_number="0733000111")])
    assert find_customer_by_msisdn(session, "+254712345678") is via_party
    assert find_customer_by_msisdn(session, "+254733000111") is external
    assert find_customer_by_msisdn(session, "+254799999999") is None
    assert find_customer_by_email(session, " AMINA@example.COM ") is via_party
    assert find_customer_by_email(session, "nobody@example.com") is None
    assert find_customer_by_email(session, "garbage") is None
    assert find_customer_by_telegram_id(session, 987654321) is via_party
    assert find_customer_by_telegram_id(session, "987654321") is via_party
    assert find_customer_by_telegram_id(session, 1) is None
    with pytest.raises(ValidationError):
        find_customer_by_msisdn(session, "0712345678")


def test_msisdn_lookup_prefers_live_customers(session, clock):
    number = [ContactDetails("mobile", phone_number="0712345678")]
    old = create_customer(session, clock, name="Old", default_region=REGION, contact_media=number)
    set_customer_status(session, clock, old, "Closed")
    new = create_customer(session, clock, name="New", default_region=REGION, contact_media=number)
    assert find_customer_by_msisdn(session, "+254712345678") is new
    assert customers_by_msisdn(session, "+254712345678") == [new, old]


@pytest.mark.smoke
def test_status_transitions(session, clock, events):
    customer = create_customer(session, clock, name="X", default_region=REGION, events=events)
    assert customer.status == "Initialized"
    set_customer_status(session, clock, customer, "Active", events=events)
    set_customer_status(session, clock, customer, "suspended", reason="fraud check", events=events)
    assert (customer.status, customer.status_reason) == ("Suspended", "fraud check")
    set_customer_status(session, clock, customer, "Active", events=events)
    set_customer_status(session, clock, customer, "Active", events=events)  # no-op, no event
    clock.advance(days=1)
    set_customer_status(session, clock, customer, "Closed", events=events)
    assert customer.valid_to == clock.now()
    with pytest.raises(Conflict):
        set_customer_status(session, clock, customer, "Active")
    with pytest.raises(Conflict):
        update_customer(session, clock, customer, default_region=REGION, name="Renamed")
    with pytest.raises(ValidationError):
        set_customer_status(session, clock, customer, "Deleted")
    changes = [(e.payload["previous"], e.payload["status"]) for e in events.named("customer.status_changed")]
    assert changes == [("Initialized", "Active"), ("Active", "Suspended"), ("Suspended", "Active"),
                       ("Active", "Closed")]
    assert len(events.named("customer.created")) == 1


def test_initialized_cannot_be_suspended(session, clock):
    customer = create_customer(session, clock, name="X", default_region=REGION)
    with pytest.raises(Conflict):
        set_customer_status(session, clock, customer, "Suspended")


def test_new_customer_needs_a_name_and_party_of_right_kind(session, clock):
    with pytest.raises(ValidationError):
        create_customer(session, clock, default_region=REGION)
    acme = create_organization(session, clock, default_region=REGION, trading_name="Acme")
    linked = create_customer(session, clock, party_ref=PartyRef(str(acme.id), "Organization"), default_region=REGION)
    assert linked.party is acme and linked.name == "Acme"
    unlinked = create_customer(session, clock, party_ref=PartyRef(str(acme.id), "Individual", name="Someone"),
                               default_region=REGION)
    assert unlinked.party is None and unlinked.party_ref_id == str(acme.id) and unlinked.name == "Someone"


def test_update_customer_relinks_engaged_party(session, clock):
    customer = create_customer(session, clock, name="X", party_ref=PartyRef("500", "Organization"),
                               default_region=REGION)
    acme = create_organization(session, clock, default_region=REGION, name="Acme")
    update_customer(session, clock, customer, default_region=REGION, party_ref=PartyRef(str(acme.id)))
    assert customer.party is acme and customer.party_ref_id is None


@pytest.mark.smoke
def test_consent_history_and_current_state(session, clock, events):
    customer = create_customer(session, clock, name="X", default_region=REGION)
    assert current_consent(session, customer, "sms") is False  # opt-in: nothing recorded means no
    granted_at = clock.now()
    record_consent(session, clock, customer=customer, channel="sms", granted=True, source="agent",
                   actor="agent@example.com", events=events)
    assert current_consent(session, customer, "sms") is True
    assert current_consent(session, customer, "email") is False
    clock.advance(hours=1)
    record_consent(session, clock, customer=customer, channel="all", granted=False, source="portal")
    assert current_consent(session, customer, "sms") is False and current_consent(session, customer, "email") is False
    # STOP then START in the same second: the later row decides.
    record_consent(session, clock, customer=customer, channel="sms", granted=False, source="sms", actor="+254712345678")
    record_consent(session, clock, customer=customer, channel="sms", granted=True, source="sms", actor="+254712345678")
    state = consent_state(session, customer, "sms")
    assert state.granted is True and state.decided_by.source == "sms"
    assert current_consent(session, customer, "telegram") is False
    history = consent_history(session, customer, channel="sms")
    assert [(c.granted, c.source, c.actor) for c in history] == [
        (True, "agent", "agent@example.com"), (False, "sms", "+254712345678"), (True, "sms", "+254712345678")]
    assert history[0].recorded_at == granted_at and history[1].recorded_at == clock.now()
    assert current_consent(session, customer, "sms", purpose="profiling") is False
    assert [e.payload["granted"] for e in events.named("customer.consent_changed")] == [True]


@pytest.mark.parametrize("kwargs", [{"channel": "pigeon"}, {"purpose": "spam"}, {"source": "rumour"}])
def test_consent_rejects_unknown_values(session, clock, kwargs):
    customer = create_customer(session, clock, name="X", default_region=REGION)
    arguments = {"channel": "sms", "granted": True, "source": "api", **kwargs}
    with pytest.raises(ValidationError):
        record_consent(session, clock, customer=customer, **arguments)


def test_deleting_a_customer_removes_its_consents_and_media(session, clock):
    customer = create_customer(session, clock, name="X", default_region=REGION,
                               contact_media=[ContactDetails("mobile", phone_number="0712345678")])
    record_consent(session, clock, customer=customer, channel="sms", granted=True, source="api")
    session.commit()
    delete_customer(session, customer)
    session.commit()
    assert session.query(Customer).count() == 0
    assert find_customer_by_msisdn(session, "+254712345678") is None
    assert session.query(Consent).count() == 0 and session.query(ContactMedium).count() == 0


def test_identifications(session, clock):
    acme = create_organization(session, clock, default_region=REGION, name="Acme")
    add_identification(session, clock, party=acme, details=IdentificationDetails("CompanyRegistration", "pvt-123"))
    assert acme.registration_number == "PVT-123"
    assert acme.identifications[0].identification_type == "companyRegistration"
    other = create_organization(session, clock, default_region=REGION, name="Other")
    with pytest.raises(Conflict):
        add_identification(session, clock, party=other, details=IdentificationDetails("companyRegistration",
                                                                                       " pvt-1 23"))
    # Not a KYC-unique type: the same number on two parties is allowed.
    add_identification(session, clock, party=other, details=IdentificationDetails("loyaltyCard", "PVT-123"))
    with pytest.raises(ValidationError):
        add_identification(session, clock, party=other, details=IdentificationDetails("passport", "X",
                                                                                       issuing_country="Kenya"))


def test_party_lookup_and_delete(session, clock):
    amina = person(session, clock)
    assert get_party(session, str(amina.id), "individual") is amina
    with pytest.raises(NotFound):
        get_party(session, amina.id, "organization")
    customer = create_customer(session, clock, party=amina, default_region=REGION)
    with pytest.raises(Conflict):
        delete_party(session, amina)
    delete_customer(session, customer)
    delete_party(session, amina)
    assert session.query(Party).count() == 0
