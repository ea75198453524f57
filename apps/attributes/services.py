from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction

from apps.attributes.builtins import BUILTIN_ATTRIBUTES, BUILTIN_CODENAMES
from apps.attributes.coercion import coerce_value
from apps.attributes.models import (
    AttributeDefinition,
    AttributeType,
    ContactMetric,
    CustomerMetric,
    MetricDefinition,
    MetricType,
)
from apps.attributes.selectors import (
    Unconvertible,
    attribute_values_unconvertible,
    json_key_rows,
    metric_values_unconvertible,
)
from apps.attributes.versions import definitions_changed
from apps.contacts.models import Contact
from apps.core.errors import ApplicationError, ErrorDetail, validation_error

if TYPE_CHECKING:
    from apps.workspaces.models import Workspace


def builtin_attributes_provision(*, workspace: Workspace) -> None:
    existing = set(
        AttributeDefinition.objects.filter(workspace=workspace, builtin=True).values_list(
            "codename", flat=True
        )
    )
    AttributeDefinition.objects.bulk_create(
        [
            AttributeDefinition(
                workspace=workspace,
                codename=b.codename,
                label=b.label,
                type=b.type,
                builtin=True,
                choices=["male", "female", "other"] if b.codename == "gender" else [],
            )
            for b in BUILTIN_ATTRIBUTES
            if b.codename not in existing
        ]
    )
    definitions_changed(workspace_id=workspace.pk)  # bulk_create sends no post_save


def _check_codename(codename: str) -> None:
    if not codename or len(codename) > 100 or not codename.replace("_", "a").isalnum():
        raise validation_error(
            [ErrorDetail("codename", "invalid", "Use 1-100 letters, digits and underscores.")]
        )


def attribute_definition_create(
    *,
    workspace: Workspace,
    codename: str,
    type: str = "string",
    label: str = "",
    description: str = "",
    choices: list[str] | None = None,
) -> AttributeDefinition:
    _check_codename(codename)
    if (
        codename in BUILTIN_CODENAMES
        or AttributeDefinition.objects.filter(workspace=workspace, codename=codename).exists()
    ):
        raise ApplicationError(
            f"codename: an attribute named {codename!r} already exists.",
            code="duplicate",
            status=409,
            details=[ErrorDetail("codename", "duplicate", "An attribute with this codename already exists.")],
        )
    if type == "choice" and not choices:
        raise validation_error([ErrorDetail("choices", "required", "A choice attribute needs choices.")])
    return AttributeDefinition.objects.create(
        workspace=workspace,
        codename=codename,
        type=type,
        label=label or codename.replace("_", " ").capitalize(),
        description=description,
        choices=list(choices or []),
    )


def metric_definition_create(
    *, workspace: Workspace, codename: str, type: str = "number", label: str = "", description: str = ""
) -> MetricDefinition:
    _check_codename(codename)
    if MetricDefinition.objects.filter(workspace=workspace, codename=codename).exists():
        raise ApplicationError(
            f"codename: a metric named {codename!r} already exists.",
            code="duplicate",
            status=409,
            details=[ErrorDetail("codename", "duplicate", "A metric with this codename already exists.")],
        )
    return MetricDefinition.objects.create(
        workspace=workspace,
        codename=codename,
        type=type,
        label=label or codename.replace("_", " ").capitalize(),
        description=description,
    )


# --- definition management (dashboard) ---------------------------------------------------------------------


def _refuse_builtin(definition: AttributeDefinition) -> None:
    if definition.builtin:
        raise ApplicationError(
            f"{definition.codename!r} is a built-in attribute; it cannot be changed.",
            code="builtin",
            status=409,
        )


def _clean_choices(type: str, choices: Sequence[str] | None) -> list[str]:
    if type != "choice":
        return []
    cleaned = list(dict.fromkeys(c.strip() for c in (choices or []) if c.strip()))
    if not cleaned:
        raise validation_error([ErrorDetail("choices", "required", "A choice attribute needs choices.")])
    return cleaned


def _not_convertible(
    found: Unconvertible, what: str, type_label: str, path: str = "type"
) -> ApplicationError:
    noun = "value" if found.count == 1 else "values"
    return ApplicationError(
        f"{found.count} stored {noun} of {what} would not convert to {type_label}; nothing was changed.",
        code="values_not_convertible",
        status=409,
        details=[
            ErrorDetail(
                path,
                "not_convertible",
                f"{found.count} stored {noun} would not convert."
                if path == "type"
                else f"{found.count} stored {noun} use a choice you removed.",
            )
        ],
        extra={"count": found.count, "checked": found.checked, "examples": found.examples},
    )


@transaction.atomic
def attribute_definition_update(
    *, definition: AttributeDefinition, label: str, description: str, choices: Sequence[str] | None = None
) -> AttributeDefinition:
    """Relabel, redescribe, or change the choices of a custom attribute. Removing a choice that stored values
    still use is refused, with how many."""
    _refuse_builtin(definition)
    label = label.strip()
    if not label:
        raise validation_error([ErrorDetail("label", "required", "A label is required.")])
    new_choices = _clean_choices(definition.type, choices if choices is not None else definition.choices)
    if definition.type == "choice" and set(definition.choices) - set(new_choices):
        found = attribute_values_unconvertible(
            workspace_id=definition.workspace_id,
            codename=definition.codename,
            type="choice",
            choices=new_choices,
        )
        if found.count:
            raise _not_convertible(found, definition.codename, "the remaining choices", path="choices")
    definition.label = label
    definition.description = description.strip()
    definition.choices = new_choices
    definition.save(update_fields=["label", "description", "choices", "updated_at"])
    return definition


def attribute_definition_archive(*, definition: AttributeDefinition) -> AttributeDefinition:
    """Hide a custom attribute: writes that carry it drop it with a warning; stored values are kept."""
    _refuse_builtin(definition)
    if not definition.archived:
        definition.archived = True
        definition.save(update_fields=["archived", "updated_at"])
    return definition


def attribute_definition_unarchive(*, definition: AttributeDefinition) -> AttributeDefinition:
    _refuse_builtin(definition)
    if definition.archived:
        definition.archived = False
        definition.save(update_fields=["archived", "updated_at"])
    return definition


@transaction.atomic
def attribute_definition_change_type(
    *,
    definition: AttributeDefinition,
    type: str,
    choices: Sequence[str] | None = None,
    user_id: int | None = None,
) -> int:
    """Change a custom attribute's type and convert every stored value; refused (nothing changes) when any
    value would not convert, saying how many. Returns how many contacts' values were rewritten.

    Live contacts are rewritten through the ingest (history records the conversion); soft-deleted ones, which
    the ingest cannot update without restoring them, in the same transaction under the same id-order locks."""
    from apps.ingest.prepare import Definition
    from apps.ingest.records import ContactRecord, IngestSource, MatchPolicy
    from apps.ingest.services import contacts_ingest, definitions_load

    _refuse_builtin(definition)
    if type not in AttributeType.values:
        raise validation_error([ErrorDetail("type", "invalid", f"Unknown type {type!r}.")])
    new_choices = _clean_choices(type, choices)
    definition = AttributeDefinition.objects.select_for_update().get(pk=definition.pk)
    if type == definition.type and new_choices == list(definition.choices or []):
        return 0
    workspace_id, codename = definition.workspace_id, definition.codename
    found = attribute_values_unconvertible(
        workspace_id=workspace_id, codename=codename, type=type, choices=new_choices
    )
    if found.count:
        raise _not_convertible(found, codename, AttributeType(type).label)

    live: list[ContactRecord] = []
    deleted: dict[int, Any] = {}
    for contact_id, attributes, deleted_at in json_key_rows(
        Contact.objects.filter(workspace_id=workspace_id), "attributes", codename, "attributes", "deleted_at"
    ):
        old = attributes[codename]
        new = coerce_value(type, old, choices=new_choices, text=True)
        if _unchanged(old, new):
            continue
        if deleted_at is None:
            live.append(ContactRecord(pk=contact_id, attributes={codename: new}))
        else:
            deleted[contact_id] = new
    definitions = definitions_load(workspace_id=workspace_id)
    definitions.attributes[codename] = Definition(type, tuple(new_choices))
    contacts_ingest(
        workspace_id=workspace_id,
        records=live,
        policy=MatchPolicy(keys=("pk",), mode="update_only", restore_deleted=False, invalid_values="reject"),
        source=IngestSource(name="dashboard", user_id=user_id, update_action="ATTRIBUTE_RETYPE"),
        definitions=definitions,
    )
    if deleted:
        rows = list(Contact.objects.filter(id__in=list(deleted)).order_by("id").select_for_update())
        for contact in rows:
            contact.attributes = {**contact.attributes, codename: deleted[contact.id]}
        Contact.objects.bulk_update(rows, ["attributes"], batch_size=1000)
    definition.type = type
    definition.choices = new_choices
    definition.save(update_fields=["type", "choices", "updated_at"])
    return len(live) + len(deleted)


def _unchanged(old: Any, new: Any) -> bool:
    # 1 == True and "1" != 1: a value is unchanged only when its JSON type is too.
    return bool(old == new and type(old) is type(new))


@transaction.atomic
def metric_definition_update(
    *, definition: MetricDefinition, label: str, description: str
) -> MetricDefinition:
    label = label.strip()
    if not label:
        raise validation_error([ErrorDetail("label", "required", "A label is required.")])
    definition.label = label
    definition.description = description.strip()
    definition.save(update_fields=["label", "description", "updated_at"])
    return definition


def metric_definition_archive(*, definition: MetricDefinition) -> MetricDefinition:
    if not definition.archived:
        definition.archived = True
        definition.save(update_fields=["archived", "updated_at"])
    return definition


def metric_definition_unarchive(*, definition: MetricDefinition) -> MetricDefinition:
    if definition.archived:
        definition.archived = False
        definition.save(update_fields=["archived", "updated_at"])
    return definition


@transaction.atomic
def metric_definition_change_type(
    *, definition: MetricDefinition, type: str, user_id: int | None = None
) -> int:
    """Change a metric's type and convert every stored value (contacts' and customers'); refused, saying how
    many, when any value would not convert. Returns how many dated values were rewritten.

    Live contacts' metrics go through the ingest; soft-deleted contacts' and customers' metric rows (which
    the contact ingest does not reach) are rewritten here, under row locks in id order."""
    from apps.ingest.prepare import Definition
    from apps.ingest.records import ContactRecord, IngestSource, MatchPolicy
    from apps.ingest.services import contacts_ingest, definitions_load

    if type not in MetricType.values:
        raise validation_error([ErrorDetail("type", "invalid", f"Unknown type {type!r}.")])
    definition = MetricDefinition.objects.select_for_update().get(pk=definition.pk)
    if type == definition.type:
        return 0
    workspace_id, codename = definition.workspace_id, definition.codename
    found = metric_values_unconvertible(workspace_id=workspace_id, codename=codename, type=type)
    if found.count:
        raise _not_convertible(found, codename, MetricType(type).label)

    live: list[ContactRecord] = []
    direct: dict[Any, dict[int, Any]] = {ContactMetric: {}, CustomerMetric: {}}
    for row_id, contact_id, deleted_at, date, values in json_key_rows(
        ContactMetric.objects.filter(contact__workspace_id=workspace_id),
        "values",
        codename,
        "contact_id",
        "contact__deleted_at",
        "date",
        "values",
    ):
        new = coerce_value(type, values[codename], text=True)
        if _unchanged(values[codename], new):
            continue
        if deleted_at is None:
            live.append(ContactRecord(pk=contact_id, metrics={date: {codename: new}}))
        else:
            direct[ContactMetric][row_id] = new
    for row_id, values in json_key_rows(
        CustomerMetric.objects.filter(customer__workspace_id=workspace_id), "values", codename, "values"
    ):
        new = coerce_value(type, values[codename], text=True)
        if not _unchanged(values[codename], new):
            direct[CustomerMetric][row_id] = new
    definitions = definitions_load(workspace_id=workspace_id)
    definitions.metrics[codename] = Definition(type)
    contacts_ingest(
        workspace_id=workspace_id,
        records=live,
        policy=MatchPolicy(keys=("pk",), mode="update_only", restore_deleted=False, invalid_values="reject"),
        source=IngestSource(name="dashboard", user_id=user_id, update_action="METRIC_RETYPE"),
        definitions=definitions,
    )
    for model, changes in direct.items():
        if not changes:
            continue
        metric_rows = list(model.objects.filter(id__in=list(changes)).order_by("id").select_for_update())
        for metric in metric_rows:
            metric.values = {**metric.values, codename: changes[metric.id]}
        model.objects.bulk_update(metric_rows, ["values"], batch_size=1000)
    definition.type = type
    definition.save(update_fields=["type", "updated_at"])
    return len(live) + sum(len(c) for c in direct.values())
