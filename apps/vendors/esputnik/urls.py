"""eSputnik's paths below `/esputnik/api/` (vendor base `https://esputnik.com/api`), with and without a
trailing slash."""

from django.urls import re_path

from apps.vendors.esputnik import views

app_name = "esputnik"

urlpatterns = [
    re_path(r"^v1/contact/?$", views.ContactApi.as_view(), name="contact"),
    re_path(r"^v1/contact/(?P<contact_id>[^/]+)/?$", views.ContactDetailApi.as_view(), name="contact-detail"),
    re_path(r"^v1/contacts/?$", views.ContactsApi.as_view(), name="contacts"),
    re_path(
        r"^v1/importstatus/(?P<session_id>[^/]+)/?$", views.ImportStatusApi.as_view(), name="import-status"
    ),
]
