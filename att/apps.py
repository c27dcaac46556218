from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttConfig(AppConfig):
    name = "att"
    verbose_name = _("Núcleo ATT: territorio, entidades, personas y catálogos")
    default_auto_field = "django.db.models.BigAutoField"
