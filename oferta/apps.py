from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfertaConfig(AppConfig):
    name = "oferta"
    verbose_name = _("Oferta de asistencia técnica")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from att import cambios
        from oferta.models import EstadoOferta, Oferta

        # Fuente de cambios de la API: la oferta publicada es pública; el borrador, de su entidad.
        cambios.registrar(Oferta, campo="actualizada", entidad="entidad_id",
                          publico=lambda o: o.estado == EstadoOferta.PUBLICADA)
