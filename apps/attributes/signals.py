"""Saves and deletes of definitions move the workspace's definitions version (apps.attributes.versions)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.attributes.models import AttributeDefinition, MetricDefinition
from apps.attributes.versions import definitions_changed


@receiver(post_save, sender=AttributeDefinition)
@receiver(post_save, sender=MetricDefinition)
@receiver(post_delete, sender=AttributeDefinition)
@receiver(post_delete, sender=MetricDefinition)
def definition_written(sender: type, instance: AttributeDefinition | MetricDefinition, **kwargs: Any) -> None:
    definitions_changed(workspace_id=instance.workspace_id)
