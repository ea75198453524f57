"""present.py is pure: results and (prefetched) contacts → eSputnik JSON, no database."""

from __future__ import annotations

import datetime as dt

from apps.contacts.models import ChannelSubscription, Contact
from apps.ingest.records import Issue, Outcome, RecordResult
from apps.lists.models import ContactList, ListMembership
from apps.vendors.esputnik.present import contact_body, delete_body, upsert_body


def prefetched(contact: Contact, subscriptions: list, memberships: list) -> Contact:
    # What contact_with_relations() / contacts_by_identity() leave on the instance.
    contact._prefetched_objects_cache = {"subscriptions": subscriptions, "list_memberships": memberships}
    return contact


def test_upsert_body_is_the_id_and_the_action():
    result = RecordResult(0, Outcome.CREATED, contact_id=7)

    assert upsert_body(result, [], dry_run=False) == {"id": 7, "action": "created"}


def test_an_unchanged_contact_is_updated():
    result = RecordResult(0, Outcome.UNCHANGED, contact_id=7)

    assert upsert_body(result, [], dry_run=False)["action"] == "updated"


def test_warnings_are_listed_only_when_there_are_some():
    result = RecordResult(0, Outcome.UPDATED, contact_id=7)
    warnings = [
        Issue(
            "fields[0].id", "unknown_attribute", "99 is not a field id of this workspace; dropped.", "warning"
        ),
        Issue("fields[1].value", "unknown_attribute", "'x' is not an attribute; dropped.", "warning"),
    ]

    body = upsert_body(result, warnings, dry_run=False)

    assert body["warnings"] == [
        {"path": "fields[0].id", "code": "unknown_attribute", "message": warnings[0].message},
        {"path": "fields[1].name", "code": "unknown_attribute", "message": warnings[1].message},
    ]


def test_a_dry_run_says_so_and_a_new_contact_has_no_id_yet():
    result = RecordResult(0, Outcome.CREATED, contact_id=None)

    assert upsert_body(result, [], dry_run=True) == {"id": None, "action": "created", "dryRun": True}


def test_delete_body():
    assert delete_body(7, erased=True, dry_run=False) == {"id": 7, "action": "erased"}
    assert delete_body(7, erased=False, dry_run=True) == {"id": 7, "action": "deleted", "dryRun": True}


def test_contact_body_is_the_request_shape_with_the_id():
    newsletter = ContactList(public_id="Nl8charS", name="Newsletter Subscribers")
    contact = prefetched(
        Contact(
            pk=7,
            external_id="EM12790",
            email="john.smith@example.com",
            phone="+12125550123",
            first_name="John",
            last_name="Smith",
            language="en",
            timezone="America/New_York",
            city="New York",
            region="NY",
            country="US",
            postcode="10001",
            address_line1="123 Main Street",
            company="Acme",
            birth_date=dt.date(1990, 1, 1),
            attributes={"loyaltyLevel": "Gold", "unlisted": 3},
        ),
        [
            ChannelSubscription(channel="email", address="john.smith@example.com", status="subscribed"),
            ChannelSubscription(channel="webpush", address="subscription-id-12345", status="subscribed"),
            ChannelSubscription(channel="mobilepush", address="old-token", status="unsubscribed"),
        ],
        [
            ListMembership(list=newsletter, status="subscribed"),
            ListMembership(list=ContactList(public_id="gone", name="Left"), status="unsubscribed"),
        ],
    )

    body = contact_body(contact, {"loyaltyLevel": 20, "company": 6, "birth_date": 18})

    assert body == {
        "id": 7,
        "firstName": "John",
        "lastName": "Smith",
        "channels": [
            {"type": "email", "value": "john.smith@example.com"},
            {"type": "sms", "value": "+12125550123"},
            {"type": "webpush", "value": "subscription-id-12345"},
        ],
        "address": {
            "city": "New York",
            "region": "NY",
            "country": "US",
            "postalCode": "10001",
            "addressLine": "123 Main Street",
        },
        "fields": [
            {"id": 6, "name": "company", "value": "Acme"},
            {"id": 18, "name": "birth_date", "value": "1990-01-01"},
            {"id": 20, "name": "loyaltyLevel", "value": "Gold"},
            {"id": None, "name": "unlisted", "value": 3},
        ],
        "externalCustomerId": "EM12790",
        "groups": [{"id": "Nl8charS", "name": "Newsletter Subscribers"}],
        "languageCode": "en",
        "timeZone": "America/New_York",
    }
