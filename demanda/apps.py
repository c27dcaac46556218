from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandaConfig(AppConfig):
    name = "demanda"
    verbose_name = _("Demanda territorial")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from att import cambios
        from demanda.models import Demanda

        # Fuente de cambios de la API: una demanda es de su entidad.
        cambios.registrar(Demanda, campo="actualizada", entidad="entidad_id")
