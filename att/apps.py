from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttConfig(AppConfig):
    name = "att"
    verbose_name = _("Núcleo ATT: territorio, entidades, personas y catálogos")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from att import autenticacion  # noqa: F401  (marca la hora de ingreso en la sesión)
        from att import bitacora  # noqa: F401  (conecta las señales del registro de seguridad)
