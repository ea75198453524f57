from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.ids import random_hex


def new_import_public_id() -> str:
    # 24 hex: PUSHTech's bulk `_id` shape; also the Customerscore `import_id` and eSputnik `asyncSessionId`.
    return random_hex(24)


class ImportSource(models.TextChoices):
    CUSTOMERSCORE = "customerscore", "Customerscore"
    TRUSTMARY = "trustmary", "Trustmary"
    PUSHTECH = "pushtech", "PUSHTech"
    NOTIFUSE = "notifuse", "Notifuse"
    ESPUTNIK = "esputnik", "eSputnik"
    API = "api", "Native API"
    CSV = "csv", "CSV upload"
    DASHBOARD = "dashboard", "Dashboard"


class ImportKind(models.TextChoices):
    CONTACTS = "contacts", "Contacts"
    CUSTOMERS = "customers", "Customers"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class ImportJob(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="import_jobs"
    )
    public_id = models.CharField(max_length=24, unique=True, default=new_import_public_id, editable=False)
    source = models.CharField(max_length=16, choices=ImportSource.choices)
    kind = models.CharField(max_length=16, choices=ImportKind.choices, default=ImportKind.CONTACTS)
    options = models.JSONField(default=dict, blank=True)
    payload = models.BinaryField(null=True, blank=True)  # the accepted request body, as received
    payload_file = models.CharField(max_length=500, blank=True, default="")  # large uploads live on disk
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    received = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=255, blank=True, default="")  # the Celery task id running it
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_key = models.ForeignKey(
        "workspaces.ApiKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    webhook_url = models.URLField(max_length=2000, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-created_at"], name="import_ws_created"),
            models.Index(fields=["status", "heartbeat_at"], name="import_status_heartbeat"),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} import {self.public_id}"


class IssueSeverity(models.TextChoices):
    WARNING = "warning", "Warning"
    ERROR = "error", "Error"


class ImportIssue(models.Model):
    """One problem with one item of an import: every skipped or failed item and every warning."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    item_index = models.PositiveIntegerField()
    identity = models.CharField(max_length=255, blank=True, default="")
    outcome = models.CharField(max_length=16, blank=True, default="")
    severity = models.CharField(max_length=8, choices=IssueSeverity.choices, default=IssueSeverity.ERROR)
    field = models.CharField(max_length=255, blank=True, default="")
    code = models.CharField(max_length=64)
    message = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["job", "item_index"], name="import_issue_job_item")]
        ordering = ["item_index", "id"]

    def __str__(self) -> str:
        return f"item {self.item_index}: {self.code}"


class ImportItem(models.Model):
    """The outcome of every item of a job that reports per item (webhooks, "re-run the failed items")."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="items")
    item_index = models.PositiveIntegerField()
    outcome = models.CharField(max_length=16)
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "item_index"], name="import_item_unique_index")]
        ordering = ["item_index"]

    def __str__(self) -> str:
        return f"item {self.item_index}: {self.outcome}"


class WebhookDelivery(models.Model):
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="webhook_deliveries")
    url = models.URLField(max_length=2000)
    part = models.PositiveIntegerField(default=1)
    parts = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=16, default="pending")  # pending, delivered, refused, given_up
    attempts = models.JSONField(default=list)  # [{at, status_code, error, duration_ms}]
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "part"], name="webhook_delivery_unique_part")]
        ordering = ["job", "part"]

    def __str__(self) -> str:
        return f"webhook part {self.part}/{self.parts}: {self.status}"


class CsvMappingPreset(models.Model):
    """The column mapping last used for a CSV header row in a workspace, proposed again next time."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="csv_mapping_presets"
    )
    headers_signature = models.CharField(max_length=64)  # sha256 of the normalised header names
    headers = models.JSONField(default=list)
    columns = models.JSONField(default=list)  # one target per column: "field:email", "attr:x", "ignore"
    match_key = models.CharField(max_length=16, default="email")
    mode = models.CharField(max_length=16, default="upsert")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "headers_signature"], name="csv_mapping_preset_unique_headers"
            )
        ]
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"CSV mapping of {len(self.headers)} columns"
