from __future__ import annotations

from django.db import models
from django.db.models import Q

from apps.core.ids import random_alphanumeric


def new_list_public_id() -> str:
    return random_alphanumeric(8)


class ListType(models.TextChoices):
    STATIC = "static", "Static"
    SEGMENT = "segment", "Segment"


class ContactList(models.Model):
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="lists")
    public_id = models.CharField(max_length=16, default=new_list_public_id, editable=False)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    type = models.CharField(max_length=10, choices=ListType.choices, default=ListType.STATIC)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "public_id"], name="list_unique_public_id"),
            # eSputnik addresses lists by name, so a live name is unique in a workspace.
            models.UniqueConstraint(
                fields=["workspace", "name"],
                condition=Q(deleted_at__isnull=True),
                name="list_unique_live_name",
            ),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipStatus(models.TextChoices):
    SUBSCRIBED = "subscribed", "Subscribed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
    PENDING = "pending", "Pending"
    BOUNCED = "bounced", "Bounced"
    COMPLAINED = "complained", "Complained"


class ListMembership(models.Model):
    list = models.ForeignKey(ContactList, on_delete=models.CASCADE, related_name="memberships")
    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="list_memberships")
    status = models.CharField(
        max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.SUBSCRIBED
    )
    added_at = models.DateTimeField()
    changed_at = models.DateTimeField()
    source = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["list", "contact"], name="list_membership_unique")]
        indexes = [
            models.Index(fields=["contact"], name="list_membership_contact"),
            models.Index(fields=["list", "status"], name="list_membership_status"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} in {self.list_id}: {self.status}"
