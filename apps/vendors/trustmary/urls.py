"""Trustmary's paths below `/trustmary/v1/`; clients vary on the trailing slash, so both are served."""

from django.urls import re_path

from apps.vendors.trustmary import views

app_name = "trustmary"

urlpatterns = [
    re_path(r"^contacts/?$", views.ContactsApi.as_view(), name="contacts"),
    re_path(r"^lists/?$", views.ListsApi.as_view(), name="lists"),
    re_path(r"^test/?$", views.KeyTestApi.as_view(), name="test"),
]
