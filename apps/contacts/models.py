from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from apps.core.ids import random_alphanumeric

CONTACT_PUBLIC_ID_LENGTH = 10


def new_contact_public_id() -> str:
    # Trustmary-style short random id ("gkggiGLXH"); 62^10 values, unique per workspace by constraint.
    return random_alphanumeric(CONTACT_PUBLIC_ID_LENGTH)


class Customer(models.Model):
    """A company account that contacts belong to."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="customers")
    external_id = models.CharField(max_length=255)
    name = models.CharField(max_length=255)
    owner_email = models.CharField(max_length=254, null=True, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "external_id"], name="customer_unique_external_id"),
        ]
        indexes = [models.Index(fields=["workspace", "name"], name="customer_ws_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.external_id})"


class ContactType(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    EMPLOYEE = "employee", "Employee"


class ContactStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
    ERROR = "error", "Error"


class Gender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"


class Contact(models.Model):
    """A person. Optional text columns are nullable on purpose: absent, null and "" are three states."""

    # Indexes are kept to what reads need: every insert pays for each one. The workspace is the first column
    # of the unique constraints below, which serve it; the nullable links get partial indexes that rows
    # without the link (most of them) do not enter.
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="contacts", db_index=False
    )
    public_id = models.CharField(max_length=16, default=new_contact_public_id, editable=False)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts", db_index=False
    )
    external_id = models.CharField(max_length=255, null=True, blank=True)
    email = models.CharField(max_length=254, null=True, blank=True)
    phone = models.CharField(max_length=32, null=True, blank=True)
    first_name = models.CharField(max_length=255, null=True, blank=True)
    last_name = models.CharField(max_length=255, null=True, blank=True)
    full_name = models.CharField(max_length=255, null=True, blank=True)
    company = models.CharField(max_length=255, null=True, blank=True)
    job_title = models.CharField(max_length=255, null=True, blank=True)
    type = models.CharField(max_length=10, choices=ContactType.choices, default=ContactType.CUSTOMER)
    status = models.CharField(max_length=16, choices=ContactStatus.choices, default=ContactStatus.ACTIVE)
    language = models.CharField(max_length=35, null=True, blank=True)
    timezone = models.CharField(max_length=64, null=True, blank=True)
    address_line1 = models.CharField(max_length=255, null=True, blank=True)
    address_line2 = models.CharField(max_length=255, null=True, blank=True)
    city = models.CharField(max_length=255, null=True, blank=True)
    region = models.CharField(max_length=255, null=True, blank=True)
    postcode = models.CharField(max_length=32, null=True, blank=True)
    country = models.CharField(max_length=100, null=True, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, null=True, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    last_action = models.CharField(max_length=32, null=True, blank=True)
    last_source = models.CharField(max_length=32, null=True, blank=True)
    last_import = models.ForeignKey(
        "imports.ImportJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    last_api_key = models.ForeignKey(
        "workspaces.ApiKey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    tags = models.ManyToManyField("contacts.Tag", through="contacts.ContactTag", related_name="contacts")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "public_id"], name="contact_unique_public_id"),
            models.UniqueConstraint(fields=["workspace", "external_id"], name="contact_unique_external_id"),
            models.UniqueConstraint(fields=["workspace", "email"], name="contact_unique_email"),
            models.CheckConstraint(condition=~Q(email=""), name="contact_email_not_empty"),
            models.CheckConstraint(condition=~Q(external_id=""), name="contact_external_id_not_empty"),
        ]
        indexes = [
            models.Index(fields=["workspace", "phone"], name="contact_ws_phone"),
            models.Index(fields=["workspace", "created_at", "id"], name="contact_ws_created"),
            models.Index(fields=["workspace", "updated_at", "id"], name="contact_ws_updated"),
            models.Index(fields=["customer"], condition=Q(customer__isnull=False), name="contact_customer"),
            models.Index(
                fields=["last_import"], condition=Q(last_import__isnull=False), name="contact_last_import"
            ),
            models.Index(
                fields=["last_api_key"], condition=Q(last_api_key__isnull=False), name="contact_last_api_key"
            ),
        ]

    def __str__(self) -> str:
        return self.email or self.external_id or self.public_id

    @property
    def display_name(self) -> str:
        if self.full_name:
            return self.full_name
        parts = [p for p in (self.first_name, self.last_name) if p]
        return " ".join(parts) or self.email or self.external_id or self.public_id


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    PUSH = "push", "Push"
    WEBPUSH = "webpush", "Web push"
    MOBILEPUSH = "mobilepush", "Mobile push"


class SubscriptionStatus(models.TextChoices):
    SUBSCRIBED = "subscribed", "Subscribed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
    BLACKLISTED = "blacklisted", "Blacklisted"


class ChannelSubscription(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="subscriptions")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    address = models.CharField(max_length=512, default="", blank=True)
    status = models.CharField(max_length=16, choices=SubscriptionStatus.choices)
    changed_at = models.DateTimeField()
    source = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "channel", "address"], name="subscription_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address} {self.status}"


class Tag(models.Model):
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="tag_unique_name")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContactTag(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="contact_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="contact_tags")
    added_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "tag"], name="contact_tag_unique")]
        indexes = [models.Index(fields=["tag", "contact"], name="contact_tag_by_tag")]

    def __str__(self) -> str:
        return f"{self.contact_id} tagged {self.tag_id}"


class ConsentKind(models.TextChoices):
    TERMS = "terms", "Terms"
    MARKETING = "marketing", "Marketing"


class ConsentRecord(models.Model):
    """Evidence of consent: appended, never overwritten."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=16, choices=ConsentKind.choices)
    granted = models.BooleanField()
    at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    source = models.CharField(max_length=32, blank=True, default="")
    import_job = models.ForeignKey(
        "imports.ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["contact", "kind", "at"], name="consent_contact_kind")]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {'granted' if self.granted else 'withdrawn'} at {self.at:%Y-%m-%d %H:%M}"


class ContactChange(models.Model):
    """Field-level history: what one write changed on a contact, and who or what made it."""

    # change_contact_at serves the contact; the optional links get partial indexes (for their SET NULL on
    # delete), which the rows without them skip: a synchronous upsert's history row has no job or user.
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="changes", db_index=False)
    at = models.DateTimeField()
    action = models.CharField(max_length=16)  # created / updated / deleted / restored
    changes = models.JSONField(default=dict)  # field -> [old, new]
    source = models.CharField(max_length=32, blank=True, default="")
    import_job = models.ForeignKey(
        "imports.ImportJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    api_key = models.ForeignKey(
        "workspaces.ApiKey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        indexes = [
            models.Index(fields=["contact", "-at"], name="change_contact_at"),
            models.Index(
                fields=["import_job"], condition=Q(import_job__isnull=False), name="change_import_job"
            ),
            models.Index(fields=["api_key"], condition=Q(api_key__isnull=False), name="change_api_key"),
            models.Index(fields=["user"], condition=Q(user__isnull=False), name="change_user"),
        ]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M} by {self.source or 'unknown'}"
