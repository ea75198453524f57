"""Customerscore JSON → canonical records and match policies. Pure: no database.

Rules from the vendor's docs (seed `000_9f9347dce480c16b.txt`, docs.customerscore.io "contact"):
- external ids and names are strings of 1 to 255 characters;
- attribute keys must equal an attribute definition's codename, case-sensitive; "Only matching keys will be
  stored": other keys are dropped with a warning, as is a value of the wrong type (the ingest does both);
- built-in codenames such as `email` and `phone` land in the contact's own columns (the ingest does that too);
- the contact's name is one string: it is the hub's `full_name`, never split into first and last name.

The shape checks here are meant for every Customerscore endpoint: `prefix` puts them under an item's path
(`contacts[3].`) for the bulk upload.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apps.core.errors import ErrorDetail, validation_error
from apps.ingest.records import ContactRecord, MatchPolicy

MAX_TEXT_LENGTH = 255


def text_value(
    body: Mapping[str, Any],
    key: str,
    errors: list[ErrorDetail],
    *,
    prefix: str = "",
    required: bool = True,
    max_length: int = MAX_TEXT_LENGTH,
) -> str | None:
    """`body[key]` as a trimmed string of 1 to `max_length` characters; a problem is added to `errors`."""
    path = f"{prefix}{key}"
    if key not in body or body[key] is None:
        if required:
            errors.append(ErrorDetail(path, "required", "This field is required."))
        return None
    value = body[key]
    if not isinstance(value, str):
        errors.append(ErrorDetail(path, "invalid_type", "Expected a string."))
        return None
    text = value.strip()
    if not text:
        errors.append(ErrorDetail(path, "blank", "This field may not be blank."))
        return None
    if len(text) > max_length:
        errors.append(
            ErrorDetail(path, "max_length", f"Ensure this field has at most {max_length} characters.")
        )
        return None
    return text


def attributes_value(
    body: Mapping[str, Any], errors: list[ErrorDetail], *, prefix: str = ""
) -> dict[str, Any]:
    """The `attributes` object as sent (absent or null: none). Keys and values are checked by the ingest
    against the workspace's definitions, which a pure translator cannot see."""
    value = body.get("attributes")
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.append(ErrorDetail(f"{prefix}attributes", "invalid_type", "Expected an object."))
        return {}
    return dict(value)


def _object(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, dict):
        raise validation_error([ErrorDetail("", "invalid_type", "The body must be a JSON object.")])
    return body


def contact_create_record(customer_external_id: str, body: Any) -> ContactRecord:
    """`POST /customer/{customer_external_id}/contact` with `{"external_id", "name", "attributes"?}`."""
    data = _object(body)
    errors: list[ErrorDetail] = []
    external_id = text_value(data, "external_id", errors)
    name = text_value(data, "name", errors)
    attributes = attributes_value(data, errors)
    if errors:
        raise validation_error(errors)
    return ContactRecord(
        fields={"external_id": external_id, "full_name": name},
        attributes=attributes,
        customer_external_id=customer_external_id,
        paths={
            "external_id": "external_id",
            "full_name": "name",
            "customer_external_id": "customer_external_id",
        },
    )


def contact_update_record(customer_external_id: str, contact_external_id: str, body: Any) -> ContactRecord:
    """`PUT /customer/{customer_external_id}/contact/{contact_external_id}` with `{"name", "attributes"?}`.

    The contact stays with its customer; the path names it, so an `external_id` in the body must agree."""
    data = _object(body)
    errors: list[ErrorDetail] = []
    name = text_value(data, "name", errors)
    attributes = attributes_value(data, errors)
    sent_id = text_value(data, "external_id", errors, required=False)
    if sent_id is not None and sent_id != contact_external_id:
        errors.append(
            ErrorDetail(
                "external_id",
                "mismatch",
                "Does not match the contact's external id in the path; external ids cannot be changed here.",
            )
        )
    if errors:
        raise validation_error(errors)
    return ContactRecord(
        fields={"external_id": contact_external_id, "full_name": name},
        attributes=attributes,
        paths={"external_id": "external_id", "full_name": "name"},
    )


def create_policy(*, dry_run: bool) -> MatchPolicy:
    # A create never touches a stored contact: an external id in use is a conflict (the view answers 409).
    return MatchPolicy(keys=("external_id",), mode="create_only", unknown_customer="skip", dry_run=dry_run)


def restore_policy(*, dry_run: bool) -> MatchPolicy:
    # Creating a contact that was deleted brings the deleted one back (it kept its identity: common.md).
    return MatchPolicy(
        keys=("external_id",),
        mode="update_only",
        restore_deleted=True,
        unknown_customer="skip",
        dry_run=dry_run,
    )


def update_policy(*, dry_run: bool) -> MatchPolicy:
    # A deleted contact is "not found" for an update; it is not restored by one.
    return MatchPolicy(keys=("external_id",), mode="update_only", restore_deleted=False, dry_run=dry_run)
