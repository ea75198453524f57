from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.api import views

app_name = "api"

urlpatterns = [
    path("auth/check", views.AuthCheckApi.as_view(), name="auth-check"),
    path("imports/<str:public_id>", views.ImportJobDetailApi.as_view(), name="import-detail"),
    path("imports/<str:public_id>/report.csv", views.ImportJobReportApi.as_view(), name="import-report"),
    path(
        "schema", SpectacularAPIView.as_view(permission_classes=[], authentication_classes=[]), name="schema"
    ),
    path(
        "docs",
        SpectacularSwaggerView.as_view(
            url_name="api:schema", permission_classes=[], authentication_classes=[]
        ),
        name="docs",
    ),
]
