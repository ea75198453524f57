import importlib
import importlib.util

from django.apps import AppConfig

DIALECTS = ("customerscore", "trustmary", "pushtech", "notifuse", "esputnik")


class VendorsConfig(AppConfig):
    name = "apps.vendors"
    label = "vendors"
    verbose_name = "Vendor dialects"

    def ready(self) -> None:
        # A dialect with async bulk endpoints registers its payload translator with the import runner.
        for dialect in DIALECTS:
            module = f"apps.vendors.{dialect}.bulk"
            if importlib.util.find_spec(module) is not None:
                importlib.import_module(module)
