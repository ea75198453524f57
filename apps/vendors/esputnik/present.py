"""Ingest results and stored contacts → eSputnik JSON. Pure: no database (contacts arrive with their
subscriptions and memberships prefetched).

A contact is shown in the shape a client sends (the seed's), plus its numeric `id`, so what `GET` returns
can be sent back to `POST /v1/contact` unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from apps.contacts.models import Contact
from apps.ingest.records import Issue, Outcome, RecordResult

# Contact columns that have no key of their own in eSputnik's contact object: shown as fields under their
# built-in attribute codename (and id), which `POST /v1/contact` accepts back by name or id.
COLUMNS_AS_FIELDS: tuple[str, ...] = (
    "full_name",
    "company",
    "job_title",
    "gender",
    "birth_date",
    "address_line2",
)


def issue_body(issue: Issue) -> dict[str, str]:
    path = issue.path
    if issue.code == "unknown_attribute" and path.endswith(".value"):
        path = path.removesuffix(".value") + ".name"  # the ingest knows one path per field: its value's
    return {"path": path, "code": issue.code, "message": issue.message}


def upsert_body(result: RecordResult, warnings: Iterable[Issue], *, dry_run: bool) -> dict[str, Any]:
    """`{"id", "action"}`; eSputnik's own plugin treats the presence of `id` as success. An unchanged contact
    is "updated" (the spec names two actions); a dry run of a new contact has no id yet."""
    body: dict[str, Any] = {
        "id": result.contact_id,
        "action": "created" if result.outcome == Outcome.CREATED else "updated",
    }
    listed = [issue_body(w) for w in warnings]
    if listed:
        body["warnings"] = listed
    if dry_run:
        body["dryRun"] = True
    return body


def delete_body(contact_id: int, *, erased: bool, dry_run: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"id": contact_id, "action": "erased" if erased else "deleted"}
    if dry_run:
        body["dryRun"] = True
    return body


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def contact_body(contact: Contact, attribute_ids: Mapping[str, int]) -> dict[str, Any]:
    channels: list[dict[str, Any]] = []
    if contact.email:
        channels.append({"type": "email", "value": contact.email})
    if contact.phone:
        channels.append({"type": "sms", "value": contact.phone})
    for subscription in contact.subscriptions.all():
        if subscription.channel not in ("email", "sms") and subscription.status == "subscribed":
            channels.append({"type": subscription.channel, "value": subscription.address})

    fields = [
        {"id": attribute_ids.get(name), "name": name, "value": _json_value(getattr(contact, name))}
        for name in COLUMNS_AS_FIELDS
        if getattr(contact, name) is not None
    ]
    fields += [
        {"id": attribute_ids.get(codename), "name": codename, "value": value}
        for codename, value in sorted((contact.attributes or {}).items())
    ]
    groups = [
        {"id": membership.list.public_id, "name": membership.list.name}
        for membership in contact.list_memberships.all()
        if membership.status == "subscribed" and membership.list.deleted_at is None
    ]
    return {
        "id": contact.pk,
        "firstName": contact.first_name,
        "lastName": contact.last_name,
        "channels": channels,
        "address": {
            "city": contact.city,
            "region": contact.region,
            "country": contact.country,
            "postalCode": contact.postcode,
            "addressLine": contact.address_line1,
        },
        "fields": fields,
        "externalCustomerId": contact.external_id,
        "groups": groups,
        "languageCode": contact.language,
        "timeZone": contact.timezone,
    }


def contacts_body(contacts: Iterable[Contact], attribute_ids: Mapping[str, int]) -> list[dict[str, Any]]:
    return [contact_body(contact, attribute_ids) for contact in contacts]
