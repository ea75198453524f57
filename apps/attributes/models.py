from __future__ import annotations

from django.db import models


class AttributeType(models.TextChoices):
    STRING = "string", "Text"
    NUMBER = "number", "Number"
    BOOLEAN = "boolean", "Yes / no"
    DATE = "date", "Date"
    DATETIME = "datetime", "Date and time"
    JSON = "json", "JSON"
    CHOICE = "choice", "Choice"


class AttributeDefinition(models.Model):
    """A typed custom attribute, or a built-in one that maps to a Contact column (listed so every dialect
    sees one namespace). The primary key is the numeric id eSputnik addresses fields by."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="attribute_definitions"
    )
    codename = models.CharField(max_length=100)
    label = models.CharField(max_length=200)
    type = models.CharField(max_length=10, choices=AttributeType.choices, default=AttributeType.STRING)
    choices = models.JSONField(default=list, blank=True)
    description = models.TextField(blank=True, default="")
    builtin = models.BooleanField(default=False)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Codenames are case-sensitive (Customerscore: "Only matching keys will be stored").
            models.UniqueConstraint(fields=["workspace", "codename"], name="attribute_unique_codename"),
        ]
        ordering = ["-builtin", "codename"]

    def __str__(self) -> str:
        return self.codename


class MetricType(models.TextChoices):
    NUMBER = "number", "Number"
    STRING = "string", "Text"
    BOOLEAN = "boolean", "Yes / no"
    DATE = "date", "Date"


class MetricDefinition(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="metric_definitions"
    )
    codename = models.CharField(max_length=100)
    label = models.CharField(max_length=200)
    type = models.CharField(max_length=10, choices=MetricType.choices, default=MetricType.NUMBER)
    description = models.TextField(blank=True, default="")
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "codename"], name="metric_unique_codename"),
        ]
        ordering = ["codename"]

    def __str__(self) -> str:
        return self.codename


class ContactMetric(models.Model):
    """The metric values of one contact on one date; re-sending a date merges into `values`."""

    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="metrics")
    date = models.DateField()
    values = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "date"], name="contact_metric_unique_date")]
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.contact_id} on {self.date}"


class CustomerMetric(models.Model):
    customer = models.ForeignKey("contacts.Customer", on_delete=models.CASCADE, related_name="metrics")
    date = models.DateField()
    values = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "date"], name="customer_metric_unique_date"),
        ]
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.customer_id} on {self.date}"
