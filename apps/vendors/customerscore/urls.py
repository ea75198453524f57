"""Customerscore paths below `/customerscore/api/v1/` (vendor base `https://api.customerscore.io/api/v1`).

Each path is matched with and without a trailing slash."""

from django.urls import re_path

from apps.vendors.customerscore import bulk_views, views

_ID = r"[^/]+"

urlpatterns = [
    re_path(r"^contacts/?$", bulk_views.ContactsBulkApi.as_view(), name="customerscore-contacts-bulk"),
    re_path(r"^customers/?$", bulk_views.CustomersBulkApi.as_view(), name="customerscore-customers-bulk"),
    re_path(
        rf"^customer/(?P<customer_external_id>{_ID})/contact/?$",
        views.CustomerContactCreateApi.as_view(),
        name="customerscore-customer-contact-create",
    ),
    re_path(
        rf"^customer/(?P<customer_external_id>{_ID})/contact/(?P<contact_external_id>{_ID})/?$",
        views.CustomerContactApi.as_view(),
        name="customerscore-customer-contact",
    ),
]
