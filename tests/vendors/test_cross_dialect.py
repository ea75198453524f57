"""One contact through five dialects: created by Notifuse, updated by eSputnik (matched by its email channel),
found by Trustmary and PUSHTech, deleted by Trustmary — the same contact throughout, with every dialect's
fields."""

from __future__ import annotations

import base64

from apps.contacts.models import Contact


def test_one_contact_through_every_dialect(api_client, workspace, api_key):
    key = api_key.key
    created = api_client.post(
        "/notifuse/api/contacts.upsert",
        {
            "workspace_id": workspace.public_id,
            "contact": {
                "email": "Journey@Example.com",
                "external_id": "crm-42",
                "first_name": "Jo",
                "country": "CZ",
            },
        },
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert created.status_code == 200, created.json()
    assert created.json()["action"] == "created"
    contact = Contact.objects.get(workspace=workspace)

    basic = base64.b64encode(f"any:{key}".encode()).decode()
    updated = api_client.post(
        "/esputnik/api/v1/contact",
        {
            "channels": [
                {"type": "email", "value": "journey@example.com"},
                {"type": "sms", "value": "+420777123456"},
            ],
            "lastName": "Traveller",
            "address": {"city": "Brno"},
        },
        format="json",
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert updated.status_code == 200, updated.json()
    assert updated.json()["id"] == contact.pk and updated.json()["action"] == "updated"

    found = api_client.get(
        "/trustmary/v1/contacts", {"email": " JOURNEY@example.com "}, HTTP_AUTHORIZATION=f"Apikey {key}"
    ).json()["contacts"]
    assert len(found) == 1
    assert (found[0]["id"], found[0]["eid"], found[0]["phone"]) == (
        contact.public_id,
        "crm-42",
        "+420777123456",
    )

    listed = api_client.get(
        f"/pushtech/api/v2/account/{workspace.public_id}/contact/",
        {"email": "journey@example.com"},
        HTTP_AUTHORIZATION=f"Token token={key}",
    ).json()
    assert [(c["id"], c["user_id"], c["name_first"], c["name_last"]) for c in listed["contacts"]] == [
        (str(contact.pk), "crm-42", "Jo", "Traveller")
    ]

    deleted = api_client.generic(
        "DELETE",
        "/trustmary/v1/contacts",
        '{"email": "journey@example.com"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Apikey {key}",
    )
    assert deleted.status_code == 200, deleted.json()
    assert deleted.json()["contact"]["status"] == "deleted"

    assert Contact.objects.filter(workspace=workspace).count() == 1
    contact.refresh_from_db()
    assert contact.deleted_at is not None
    assert (
        contact.email,
        contact.external_id,
        contact.first_name,
        contact.last_name,
        contact.phone,
        contact.city,
        contact.country,
    ) == ("journey@example.com", "crm-42", "Jo", "Traveller", "+420777123456", "Brno", "CZ")
