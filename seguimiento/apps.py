from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeguimientoConfig(AppConfig):
    name = "seguimiento"
    verbose_name = _("Seguimiento y monitoreo")
    default_auto_field = "django.db.models.BigAutoField"
