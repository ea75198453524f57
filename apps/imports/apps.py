from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "apps.imports"
    label = "imports"
    verbose_name = "Imports"

    def ready(self) -> None:
        from apps.imports import csv_import  # noqa: F401  (registers the "csv" bulk dialect)
