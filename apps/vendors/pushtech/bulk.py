"""PUSHTech bulk jobs: the plan the job runner applies, and the webhook sent when a job completes.

Registered with the import runner at startup (`apps/vendors/apps.py` imports this module). The runner stores
every item's outcome (`record_items`), which the webhook reports per contact.
"""

from __future__ import annotations

import logging
import math
import socket
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import orjson
from django.conf import settings

from apps.imports.issue_services import ItemIssue, import_issues_append
from apps.imports.item_selectors import import_issues_between, import_items_between
from apps.imports.models import ImportIssue, ImportJob
from apps.imports.registry import BulkDialect, BulkPlan, bulk_dialect_register
from apps.imports.services import ONLY_ITEMS_OPTION
from apps.imports.webhooks import webhook_deliveries_create
from apps.ingest.records import ContactRecord, Issue
from apps.lists.selectors import lists_missing
from apps.vendors.pushtech import bulk_present
from apps.vendors.pushtech.bulk_shape import BulkOptions, BulkRequest, bulk_request
from apps.vendors.pushtech.bulk_translate import DomainCheck, Translated, bulk_policy, bulk_translate

logger = logging.getLogger(__name__)

SOURCE = "pushtech"
# "Large bulks may be sent in several posts of at most 1000 contacts" (`specs/pushtech.md`).
WEBHOOK_PART_SIZE = 1000
# `validate_emails` looks the mail domain up in DNS only where the deployment allows it (off by default:
# no network access from an import unless asked). Read with getattr: settings.py does not define it.
DNS_SETTING = "PUSHTECH_VALIDATE_EMAILS_DNS"
DNS_CACHE_SECONDS = 3600
DNS_CACHE_MAX = 10_000
_dns_cache: dict[str, tuple[float, bool]] = {}
_NO_SUCH_DOMAIN = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


def email_domain_accepts_mail(domain: str) -> bool:
    """Whether the domain has an address a mail server could be at: A/AAAA, the implicit MX of RFC 5321
    5.1 (the hub has no DNS library for an MX query). Only a definite "no such name" condemns a domain;
    a lookup that fails for another reason (timeout, no resolver) keeps the address."""
    now = time.monotonic()
    cached = _dns_cache.get(domain)
    if cached is not None and now - cached[0] < DNS_CACHE_SECONDS:
        return cached[1]
    try:
        socket.getaddrinfo(domain, 25, type=socket.SOCK_STREAM)
        accepts = True
    except socket.gaierror as exc:
        accepts = exc.errno not in _NO_SUCH_DOMAIN
    except (UnicodeError, OSError):
        accepts = True
    if len(_dns_cache) >= DNS_CACHE_MAX:
        _dns_cache.clear()
    _dns_cache[domain] = (now, accepts)
    return accepts


def email_domain_check() -> DomainCheck | None:
    return email_domain_accepts_mail if getattr(settings, DNS_SETTING, False) else None


def bulk_translated(request: BulkRequest) -> list[Translated]:
    return bulk_translate(
        request.contacts,
        request.options,
        default_region=settings.PHONE_DEFAULT_REGION,
        domain_check=email_domain_check(),
    )


def bulk_plan(payload: Any, options: dict[str, Any]) -> BulkPlan:
    """The stored request body → one item per contact (it was checked for shape when it was accepted)."""
    request = bulk_request(payload)
    return BulkPlan(items=[t.item for t in bulk_translated(request)], policy=bulk_policy(request.options))


def _payload(job: ImportJob) -> Any:
    return orjson.loads(bytes(job.payload or b"{}"))


def _job_positions(job: ImportJob) -> list[int] | None:
    """For a job that re-runs some items of a payload: the payload position of each of its items."""
    positions = job.options.get(ONLY_ITEMS_OPTION)
    return sorted(set(positions)) if positions is not None else None


def unknown_list_notes(workspace_id: int, translated: list[Translated]) -> dict[int, list[Issue]]:
    """Warnings for the lists an unsubscribe (`subscribed: false`) names that do not exist. The ingest
    reports an unknown list a contact is added to, and passes over one it is removed from (there is nothing
    to remove), so those are reported here: one query."""
    wanted = {
        ref.public_id
        for t in translated
        if isinstance(t.item, ContactRecord)
        for ref in t.item.lists_remove
        if ref.public_id
    }
    if not wanted:
        return {}
    missing = set(lists_missing(workspace_id=workspace_id, public_ids=sorted(wanted)))
    notes: dict[int, list[Issue]] = defaultdict(list)
    for position, t in enumerate(translated):
        if not isinstance(t.item, ContactRecord):
            continue
        for ref in t.item.lists_remove:
            if ref.public_id in missing:
                notes[position].append(
                    Issue(
                        f"contacts[{position}].list_subscriptions",
                        "unknown_list",
                        f"list {ref.public_id!r} does not exist; nothing to unsubscribe from.",
                        "warning",
                    )
                )
    return notes


def _notes_record(job: ImportJob) -> None:
    """Add to the job's report the translator's warnings about values it dropped from stored contacts, and
    the unknown lists of unsubscribes."""
    translated = bulk_translated(bulk_request(_payload(job)))
    lists = unknown_list_notes(job.workspace_id, translated)
    positions = _job_positions(job)
    index_of = {p: n for n, p in enumerate(positions)} if positions is not None else None
    notes: list[ItemIssue] = []
    for position, t in enumerate(translated):
        found = [*t.notes, *lists.get(position, [])]
        if not found or not isinstance(t.item, ContactRecord):
            continue
        index = position if index_of is None else index_of.get(position)
        if index is None:
            continue
        identity = next(
            (str(v) for k in ("external_id", "email", "phone") if (v := t.item.fields.get(k))), ""
        )
        notes.extend(ItemIssue(index, identity, issue) for issue in found)
    import_issues_append(job_id=job.pk, issues=notes)


def webhook_parts(number_of_contacts: int) -> int:
    return max(1, math.ceil(number_of_contacts / WEBHOOK_PART_SIZE))


def bulk_on_complete(job: ImportJob) -> None:
    try:
        _notes_record(job)
    except Exception:
        # The job is done and the runner will not call again: a bug here must not cost the webhook.
        logger.exception("pushtech bulk %s: could not add the translator's warnings", job.public_id)
    if job.webhook_url:
        webhook_deliveries_create(job=job, parts=webhook_parts(job.received))


def _by_item(issues: list[ImportIssue]) -> dict[int, list[ImportIssue]]:
    grouped: dict[int, list[ImportIssue]] = defaultdict(list)
    for issue in issues:
        grouped[issue.item_index].append(issue)
    return grouped


def _sent_contacts(job: ImportJob) -> Iterator[Any]:
    contacts = _payload(job).get("contacts") or []
    positions = _job_positions(job)
    return iter(contacts) if positions is None else (contacts[p] for p in positions if p < len(contacts))


def bulk_webhook_payload(job: ImportJob, part: int, parts: int) -> dict[str, Any]:
    """Part `part` of `parts`: at most 1000 contacts with their results. Queries: the items with their
    contacts, their issues, the tags when asked for (and the job's workspace when not loaded with it)."""
    options = BulkOptions.from_job(job.options, job.webhook_url)
    extra = options.contacts_webhook_extra_fields
    start, stop = (part - 1) * WEBHOOK_PART_SIZE, part * WEBHOOK_PART_SIZE
    with_tags = "tags" in extra
    items = import_items_between(job_id=job.pk, start=start, stop=stop, with_tags=with_tags)
    issues = _by_item(import_issues_between(job_id=job.pk, start=start, stop=stop))
    sent = list(_sent_contacts(job))
    contacts = []
    for item in items:
        contact = item.contact
        contacts.append(
            bulk_present.webhook_contact(
                sent=sent[item.item_index] if item.item_index < len(sent) else {},
                outcome=item.outcome,
                contact=contact,
                tags=[t.name for t in contact.tags.all()] if with_tags and contact is not None else [],
                issues=issues.get(item.item_index, []),
                extra_fields=extra,
            )
        )
    return bulk_present.webhook_body(
        account_id=job.workspace.public_id, job=job, contacts=contacts, part=part, parts=parts
    )


bulk_dialect_register(
    BulkDialect(
        source=SOURCE,
        plan=bulk_plan,
        record_items=True,
        on_complete=bulk_on_complete,
        webhook_payload=bulk_webhook_payload,
    )
)
