"""Stored contacts, lists and ingest outcomes → Trustmary JSON. Pure: no database.

The contact object is the seed's "Contact object" (`specs/trustmary.md`); custom attributes appear as
`field_<codename>` as Trustmary shows custom fields.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from apps.attributes.builtins import BUILTIN_CODENAMES
from apps.contacts.models import Contact
from apps.ingest.records import ContactRecord
from apps.lists.models import ContactList
from apps.workspaces.models import ApiKey, Workspace

CREATE_ACTION = "IMPORT_CREATE"
UPDATE_ACTION = "IMPORT_UPDATE"
DELETE_ACTION = "DELETE"


def timestamp(value: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC with milliseconds and `Z`, as the seed's example (`2020-10-22T14:55:52.638Z`)."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def contact_name(contact: Contact) -> str | None:
    # Trustmary's `name` is the full name; contacts written by other dialects may only have first/last.
    if contact.full_name is not None:
        return contact.full_name
    parts = [p for p in (contact.first_name, contact.last_name) if p]
    return " ".join(parts) or None


def contact_present(contact: Contact) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": contact.public_id,
        "email": contact.email,
        "eid": contact.external_id,
        "name": contact_name(contact),
        "phone": contact.phone,
        "company": contact.company,
        "type": contact.type,
        "status": "deleted" if contact.deleted_at is not None else contact.status,
        "created_at": timestamp(contact.created_at),
        "updated_at": timestamp(contact.updated_at),
        "deleted_at": timestamp(contact.deleted_at),
        "last_action": contact.last_action,
    }
    for codename, value in (contact.attributes or {}).items():
        out[f"field_{codename}"] = value
    return out


def contacts_present(contacts: list[Contact]) -> dict[str, Any]:
    return {"contacts": [contact_present(c) for c in contacts]}


def upsert_present(
    contact: Contact, *, created: bool, lists_added: int, dry_run: bool = False
) -> dict[str, Any]:
    # The seed's prose says `listUpdate`, its example and the OpenAPI say `listsUpdated` (specs/trustmary.md).
    out: dict[str, Any] = {
        "contact": contact_present(contact),
        "action": CREATE_ACTION if created else UPDATE_ACTION,
        "listsUpdated": lists_added,
    }
    if dry_run:
        out["dryRun"] = True
    return out


def delete_present(contact: Contact, *, dry_run: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"contact": contact_present(contact)}
    if dry_run:
        out["dryRun"] = True
    return out


def contact_upsert_preview(
    stored: Contact | None, record: ContactRecord, *, public_id: str | None, now: dt.datetime
) -> Contact:
    """What a dry run would store: the stored contact (or a new one) with the record applied, unsaved.

    Custom values are shown as sent; the real write types them against their definitions."""
    if stored is None:
        contact = Contact(public_id=public_id or "", created_at=now, attributes={}, last_action=CREATE_ACTION)
    else:
        contact = copy.copy(stored)
        contact.attributes = dict(stored.attributes or {})
        contact.last_action = UPDATE_ACTION
    for name, value in record.attributes.items():
        if name in BUILTIN_CODENAMES:
            if name not in record.fields:
                setattr(contact, name, value)
        elif value is None:
            contact.attributes.pop(name, None)
        else:
            contact.attributes[name] = value
    for name, value in record.fields.items():
        setattr(contact, name, value)
    contact.deleted_at = None
    contact.updated_at = now
    return contact


def contact_delete_preview(stored: Contact, *, now: dt.datetime) -> Contact:
    """What a dry-run delete would leave: the contact marked deleted, unsaved."""
    contact = copy.copy(stored)
    contact.deleted_at = now
    contact.updated_at = now
    contact.last_action = DELETE_ACTION
    return contact


def list_present(contact_list: ContactList, *, count: int) -> dict[str, Any]:
    return {
        "id": contact_list.public_id,
        "type": contact_list.type,
        "count": count,
        "name": contact_list.name,
        # Trustmary names where a list came from (an integration, an import); the hub keeps no such origin.
        "source": None,
        "created_at": timestamp(contact_list.created_at),
        "updated_at": timestamp(contact_list.updated_at),
        "deleted_at": timestamp(contact_list.deleted_at),
    }


def key_check_present(workspace: Workspace, api_key: ApiKey) -> dict[str, Any]:
    return {
        "message": "Your API key is working",
        "organization_id": workspace.public_id,
        "organization_name": workspace.name,
        "api_key_name": api_key.name,
    }
