from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfertaConfig(AppConfig):
    name = "oferta"
    verbose_name = _("Oferta de asistencia técnica")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # La lista por lotes de su API: su plan y las señales que invalidan su ETag (att/api/lotes.py).
        from att.api.lotes import vigilar_vistas
        from oferta.api.views import OfertaViewSet

        vigilar_vistas(OfertaViewSet)
        from att import cambios, cifras, exportacion, importacion, registros
        from oferta import demo, perfil, selectors
        from oferta.exportacion import tabla_datos_abiertos
        from oferta.importacion import ImportadorOfertas
        from oferta.models import Oferta

        # Cifras de la portada (att/cifras.py): una oferta (o su focalización) que cambia recalcula las
        # cifras de la oferta, no las de la demanda ni las del repositorio.
        cifras.registrar_area("oferta", Oferta)
        registros.registrar_resumen_inicio("oferta", selectors.resumen_inicio, orden=10)
        registros.registrar_demo("oferta", demo.generar, orden=10)
        importacion.registrar_importador("ofertas", ImportadorOfertas)
        perfil.registrar_secciones()
        exportacion.registrar("oferta.datos_abiertos",
                              lambda parametros, _usuario: tabla_datos_abiertos(selectors.FiltrosPortal.desde(parametros)))

        # Fuente de cambios de la API: la oferta publicada es pública; el borrador, de su entidad.
        cambios.registrar(Oferta, campo="actualizada", entidad="entidad_id",
                          publico=lambda o: o.esta_publicada())
