from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandaConfig(AppConfig):
    name = "demanda"
    verbose_name = _("Demanda territorial")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # La lista por lotes de su API: su plan y las señales que invalidan su ETag (att/api/lotes.py).
        from att.api.lotes import vigilar_vistas
        from demanda.api.views import DemandaViewSet

        vigilar_vistas(DemandaViewSet)
        from att import cambios, cifras, exportacion, importacion, registros
        from demanda import conversacion, demo, escritorio, perfil, selectors
        from demanda.importacion import ImportadorDemandas
        from demanda.models import Demanda

        cifras.registrar_area("demanda", Demanda)  # cifras de la portada (att/cifras.py)
        registros.registrar_resumen_inicio("demanda", selectors.resumen_inicio, orden=20)
        registros.registrar_demo("demanda", demo.generar, orden=20)
        importacion.registrar_importador("demandas", ImportadorDemandas)
        perfil.registrar_secciones()
        escritorio.registrar()
        conversacion.registrar()
        exportacion.registrar("demanda.demandas", _tabla_demandas)

        # Fuente de cambios de la API: una demanda es de su entidad.
        cambios.registrar(Demanda, campo="actualizada", entidad="entidad_id")


def _tabla_demandas(parametros, usuario):
    """La exportación de demandas que genera Celery cuando el XLSX es grande (`att.exportacion.diferir`)."""
    from demanda.views_importar import tabla_de_parametros

    return tabla_de_parametros(parametros, usuario)
