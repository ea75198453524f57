from django.urls import path

from apps.dashboard.views import (
    api_keys,
    attributes,
    contact_detail,
    contacts,
    contacts_bulk,
    csv_import,
    customers,
    imports,
    lists,
    metrics,
    overview,
    workspaces,
)

app_name = "dashboard"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("workspace/switch/", workspaces.switch, name="workspace_switch"),
    # contacts
    path("contacts/", contacts.contacts, name="contacts"),
    path("contacts/count/", contacts.contacts_count, name="contacts_count"),
    path("contacts/export.csv", contacts.contacts_export, name="contacts_export"),
    path("contacts/bulk/", contacts_bulk.contacts_bulk, name="contacts_bulk"),
    path("contacts/<str:public_id>/", contact_detail.contact_detail, name="contact_detail"),
    path("contacts/<str:public_id>/edit/", contact_detail.contact_edit, name="contact_edit"),
    path("contacts/<str:public_id>/delete/", contact_detail.contact_delete, name="contact_delete"),
    path("contacts/<str:public_id>/erase/", contact_detail.contact_erase, name="contact_erase"),
    path("contacts/<str:public_id>/export.json", contact_detail.contact_export, name="contact_export"),
    # customers
    path("customers/", customers.customers, name="customers"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer_detail"),
    # attribute and metric definitions
    path("attributes/", attributes.attributes, name="attributes"),
    path("attributes/new/", attributes.attribute_create, name="attribute_create"),
    path("attributes/<int:pk>/edit/", attributes.attribute_edit, name="attribute_edit"),
    path("attributes/<int:pk>/type/", attributes.attribute_type, name="attribute_type"),
    path("attributes/<int:pk>/archive/", attributes.attribute_archive, name="attribute_archive"),
    path("metrics/", metrics.metrics, name="metrics"),
    path("metrics/new/", metrics.metric_create, name="metric_create"),
    path("metrics/<int:pk>/edit/", metrics.metric_edit, name="metric_edit"),
    path("metrics/<int:pk>/type/", metrics.metric_type, name="metric_type"),
    path("metrics/<int:pk>/archive/", metrics.metric_archive, name="metric_archive"),
    # lists
    path("lists/", lists.lists, name="lists"),
    path("lists/new/", lists.list_new, name="list_new"),
    path("lists/<str:public_id>/", lists.list_detail, name="list_detail"),
    path("lists/<str:public_id>/edit/", lists.list_edit, name="list_edit"),
    path("lists/<str:public_id>/delete/", lists.list_remove, name="list_delete"),
    path("lists/<str:public_id>/members/add/", lists.list_members_add_view, name="list_members_add"),
    path("lists/<str:public_id>/members/remove/", lists.list_members_remove_view, name="list_members_remove"),
    path("lists/<str:public_id>/members/candidates/", lists.list_candidates_view, name="list_candidates"),
    # imports: history, CSV import, API keys and the webhook signing secret
    path("imports/", imports.imports, name="imports"),
    path("imports/<str:public_id>/", imports.import_detail, name="import_detail"),
    path("imports/<str:public_id>/progress/", imports.import_progress, name="import_progress"),
    path("imports/<str:public_id>/row/", imports.import_row, name="import_row"),
    path("imports/<str:public_id>/report.csv", imports.import_report, name="import_report"),
    path("imports/<str:public_id>/rerun/", imports.import_rerun, name="import_rerun"),
    path("imports/<str:public_id>/confirm/", csv_import.import_confirm, name="import_confirm"),
    path(
        "imports/<str:public_id>/webhooks/<int:delivery_id>/resend/",
        imports.import_webhook_resend,
        name="import_webhook_resend",
    ),
    path("csv-import/", csv_import.csv_upload, name="csv_upload"),
    path("csv-import/<str:token>/", csv_import.csv_map, name="csv_map"),
    path("api-keys/", api_keys.api_keys, name="api_keys"),
    path("api-keys/<int:pk>/revoke/", api_keys.api_key_revoke_view, name="api_key_revoke"),
    path("api-keys/signing-secret/", api_keys.signing_secret_reveal, name="signing_secret_reveal"),
    path("api-keys/signing-secret/rotate/", api_keys.signing_secret_rotate, name="signing_secret_rotate"),
]
