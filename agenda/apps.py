from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = _("Agenda nacional y planes de trabajo")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # La lista por lotes de su API: su plan y las señales que invalidan su ETag (att/api/lotes.py).
        from agenda.api.views import LineaViewSet
        from att.api.lotes import vigilar_vistas

        vigilar_vistas(LineaViewSet)
        from agenda import conversacion, demo, escritorio, perfil, selectors
        from agenda.importacion import ImportadorLineas
        from agenda.models import (
            AgendaNacional,
            AgendaTerritorial,
            Compromiso,
            InstanciaGobernanza,
            LineaPlan,
            ObjetivoAgenda,
            PlanConcertado,
            PlanDeTrabajo,
            SesionInstancia,
        )
        from att import cambios, cifras, importacion, registros

        cifras.registrar_area("agenda", PlanDeTrabajo)  # cifras de la portada (att/cifras.py)
        registros.registrar_resumen_inicio("agenda", selectors.resumen_inicio, orden=30)
        registros.registrar_demo("agenda", demo.generar, orden=30)
        importacion.registrar_importador("lineas", ImportadorLineas)
        perfil.registrar_secciones()
        escritorio.registrar()
        conversacion.registrar()

        # Fuente de cambios de la API: la agenda es pública; lo demás, de la entidad dueña del plan.
        cambios.registrar(AgendaNacional, publico=True)
        cambios.registrar(PlanDeTrabajo, entidad="entidad_id")
        cambios.registrar(LineaPlan, entidad="plan.entidad_id")
        cambios.registrar(PlanConcertado, entidad="entidad_territorial_id")
        # Los de una mesa son de la ET del plan concertado; los de una sesión de gobernanza, públicos
        # para quien ingresa (como la página de la sesión).
        cambios.registrar(Compromiso, entidad=lambda c: c.plan.entidad_territorial_id if c.plan_id else None,
                          publico=lambda c: c.sesion_id is not None)
        # La agenda con sus objetivos, la gobernanza de la política y las agendas territoriales son públicas.
        cambios.registrar(ObjetivoAgenda, publico=True)
        cambios.registrar(InstanciaGobernanza, publico=True)
        cambios.registrar(SesionInstancia, publico=True)
        cambios.registrar(AgendaTerritorial, publico=True)
