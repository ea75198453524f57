from django.apps import AppConfig


class AttributesConfig(AppConfig):
    name = "apps.attributes"
    label = "attributes"
    verbose_name = "Attributes"
