"""PUSHTech / Cendyn CRM paths below `/pushtech/api/` (vendor base `https://www.pushtech.com/api`).

The vendor writes its paths with a trailing slash (`/contact/`); both spellings are matched."""

from django.urls import re_path

from apps.vendors.pushtech import bulk_views, views

urlpatterns = [
    re_path(
        r"^v2/account/(?P<account_id>[^/]+)/contact/?$",
        views.ContactListApi.as_view(),
        name="pushtech-contact-list",
    ),
    re_path(
        r"^v2/account/(?P<account_id>[^/]+)/contact/bulk/?$",
        bulk_views.BulkCreateApi.as_view(),
        name="pushtech-contact-bulk",
    ),
    re_path(
        r"^v2/account/(?P<account_id>[^/]+)/contact/bulk/(?P<bulk_id>[^/]+)/?$",
        bulk_views.BulkStatusApi.as_view(),
        name="pushtech-contact-bulk-status",
    ),
]
