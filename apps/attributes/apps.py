from django.apps import AppConfig


class AttributesConfig(AppConfig):
    name = "apps.attributes"
    label = "attributes"
    verbose_name = "Attributes"

    def ready(self) -> None:
        from apps.attributes import signals  # noqa: F401 - connects the receivers
