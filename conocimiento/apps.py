from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConocimientoConfig(AppConfig):
    name = "conocimiento"
    verbose_name = _("Gestión del conocimiento")
    default_auto_field = "django.db.models.BigAutoField"
