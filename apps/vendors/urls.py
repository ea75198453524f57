"""Each vendor dialect is mounted under its own slug; below it the paths are the vendor's own
(`../shared/specs/common.md`, "Mount points"). A client changes only its base URL."""

from django.urls import include, path

urlpatterns = [
    path("customerscore/api/v1/", include("apps.vendors.customerscore.urls")),
    path("trustmary/v1/", include("apps.vendors.trustmary.urls")),
    path("pushtech/api/", include("apps.vendors.pushtech.urls")),
    path("notifuse/", include("apps.vendors.notifuse.urls")),
    path("esputnik/api/", include("apps.vendors.esputnik.urls")),
]
