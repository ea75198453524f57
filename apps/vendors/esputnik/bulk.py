"""eSputnik's bulk dialect: how a stored `POST /v1/contacts` payload becomes a job's plan. Pure: no database.

Registered with the import runner at start-up (`apps.vendors.apps.VendorsConfig.ready`). The plan needs two
database facts, the codenames of the field ids the request names and which group ids name no list; the view
read them once when it accepted the request and stored them in the job's options (`bulk_translate.
job_options`). So the plan is a function of (payload, options) alone, a redelivered job builds the same plan
again, and the request is applied as it was understood when the client got its `asyncSessionId`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from apps.imports.registry import BulkDialect, BulkPlan, ItemRejected, bulk_dialect_register
from apps.ingest.records import (
    CONTACT_FIELD_SET,
    ContactRecord,
    Issue,
    ListRef,
    MatchPolicy,
    Outcome,
    RecordResult,
)
from apps.vendors.esputnik import bulk_translate
from apps.vendors.esputnik.translate import (
    ContactTranslation,
    contact_to_record,
    fields_by_id_attach,
    groups_resolve,
)

SOURCE = "esputnik"


def plan_from_request(request: bulk_translate.BulkRequest, options: Mapping[str, Any]) -> BulkPlan:
    codenames = bulk_translate.options_codenames(options)
    missing_group_ids = frozenset(options.get(bulk_translate.MISSING_GROUP_IDS_OPTION, ()))
    items = [
        contact_item(item, index, request, codenames, missing_group_ids)
        for index, item in enumerate(request.contacts)
    ]
    return BulkPlan(items=items, policy=bulk_policy(request, codenames))


def contacts_plan(payload: Any, options: dict[str, Any]) -> BulkPlan:
    """The stored request body (checked when it was accepted) → one item per contact, and the policy."""
    return plan_from_request(bulk_translate.bulk_request_parse(payload), options)


def bulk_policy(request: bulk_translate.BulkRequest, codenames: Mapping[int, str]) -> MatchPolicy:
    """Match on `dedupeOn` alone. A contact's numeric id is the hub's, so `dedupeOn: "id"` only updates: an id
    that names no contact is reported, not made into a new contact. A soft-deleted match is restored only
    with `restoreDeleted`. A bad value fails its contact (the contact is stored as `POST /v1/contact` would
    store it, or not at all); an unknown field is dropped with a warning.

    `contactFields` / `customFieldsIDs` restrict what may overwrite a stored value (a new contact takes
    everything; an empty stored value is filled); not sent, everything sent may. A built-in field named in
    `customFieldsIDs` (company, birth_date, ...) is a contact column, so it joins the standard fields."""
    overwrite_fields = request.contact_fields
    overwrite_attributes = None
    if request.custom_field_ids is not None:
        overwrite_attributes = frozenset(
            codenames[field_id] for field_id in request.custom_field_ids if field_id in codenames
        )
        if overwrite_fields is not None:
            overwrite_fields = overwrite_fields | (overwrite_attributes & CONTACT_FIELD_SET)
    return MatchPolicy(
        keys=(request.match_key,),
        mode="update_only" if request.match_key == "pk" else "upsert",
        restore_deleted=request.restore_deleted,
        invalid_values="reject",
        unknown_keys="drop",
        overwrite_fields=overwrite_fields,
        overwrite_attributes=overwrite_attributes,
    )


def unknown_field_placeholder(field_id: int) -> str:
    """The attribute name an unknown field id travels under, so the ingest reports it as an unknown field of
    that contact (a plan item cannot carry warnings of its own). Codenames are letters, digits and
    underscores: this one can never name a real attribute."""
    return f"field id {field_id}"


def contact_item(
    item: Any,
    index: int,
    request: bulk_translate.BulkRequest,
    codenames: Mapping[int, str],
    missing_group_ids: Iterable[str],
) -> ContactRecord | ItemRejected:
    """One contact of the bulk → its record, or the reasons it cannot be stored."""
    prefix = f"contacts[{index}]"
    tr = contact_to_record(item, prefix)
    if not tr.ok:
        return ItemRejected(
            [Issue(p.path, p.code, p.message) for p in tr.problems], identity=_identity(tr.record)
        )
    _attach_fields_by_id(tr, codenames)
    record = tr.record
    missing_key = _dedupe_key_missing(record, request, prefix)
    if missing_key is not None:
        return ItemRejected([missing_key], identity=_identity(record))
    groups_resolve(record, missing_group_ids)
    record.lists_add.extend(ListRef(name=name, create=True) for name in request.group_names)
    record.lists_remove.extend(ListRef(name=name) for name in request.group_names_exclude)
    return record


def _attach_fields_by_id(tr: ContactTranslation, codenames: Mapping[int, str]) -> None:
    unknown = [entry for entry in tr.fields_by_id if entry.attribute_id not in codenames]
    fields_by_id_attach(tr, codenames)  # its warnings are the unknown ids, reported through the ingest below
    for entry in unknown:
        name = unknown_field_placeholder(entry.attribute_id)
        tr.record.attributes[name] = entry.value
        tr.record.paths[f"attributes.{name}"] = entry.path.removesuffix(".value") + ".id"


def _dedupe_key_missing(
    record: ContactRecord, request: bulk_translate.BulkRequest, prefix: str
) -> Issue | None:
    key = request.match_key
    present = record.pk is not None if key == "pk" else bool(record.fields.get(key))
    if present:
        return None
    where = {"email": "channels", "phone": "channels", "external_id": "externalCustomerId", "pk": "id"}[key]
    what = {
        "email": "an email channel",
        "phone": "an sms channel",
        "external_id": "an externalCustomerId",
        "pk": "its id",
    }[key]
    return Issue(
        f"{prefix}.{where}",
        "dedupe_key_missing",
        f"dedupeOn is {request.dedupe_on!r}: the contact needs {what} to be matched by.",
    )


def _identity(record: ContactRecord) -> str:
    for key in ("external_id", "email", "phone"):
        value = record.fields.get(key)
        if value:
            return str(value)
    return str(record.pk) if record.pk is not None else ""


def plan_split(plan: BulkPlan) -> tuple[list[RecordResult | None], list[tuple[int, ContactRecord]]]:
    """The results of the items the plan rejected, by position (None for the others), and its records with
    their positions: a dry run applies the records itself, as the job runner would."""
    results: list[RecordResult | None] = []
    records: list[tuple[int, ContactRecord]] = []
    for position, item in enumerate(plan.items):
        if isinstance(item, ItemRejected):
            results.append(
                RecordResult(position, Outcome(item.outcome), item.identity, issues=list(item.issues))
            )
        else:
            results.append(None)
            records.append((position, item))
    return results, records


bulk_dialect_register(BulkDialect(source=SOURCE, plan=contacts_plan))
