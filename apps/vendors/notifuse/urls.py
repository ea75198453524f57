"""Notifuse's RPC-style paths (`internal/http/contact_handler.go`, `list_handler.go`), below `/notifuse/`."""

from django.urls import path

from apps.vendors.notifuse import views

app_name = "notifuse"

urlpatterns = [
    path("api/contacts.upsert", views.ContactUpsertView.as_view(), name="contacts-upsert"),
    path("api/contacts.import", views.ContactImportView.as_view(), name="contacts-import"),
    path("api/contacts.list", views.ContactListView.as_view(), name="contacts-list"),
    path("api/contacts.getByEmail", views.ContactByKeyView.as_view(), name="contacts-get-by-email"),
    path(
        "api/contacts.getByExternalID",
        views.ContactByExternalIdView.as_view(),
        name="contacts-get-by-external-id",
    ),
    path("api/contacts.count", views.ContactCountView.as_view(), name="contacts-count"),
    path("api/contacts.delete", views.ContactDeleteView.as_view(), name="contacts-delete"),
    path("api/lists.subscribe", views.ListSubscribeView.as_view(), name="lists-subscribe"),
]
