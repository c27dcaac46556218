from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeguimientoConfig(AppConfig):
    name = "seguimiento"
    verbose_name = _("Seguimiento y monitoreo")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from att import cambios
        from seguimiento import resumen
        from seguimiento.models import (
            Avance,
            ConfiguracionSeguimiento,
            EstadoLinea,
            Hito,
            Indicador,
            InformeMensual,
            Medicion,
            Percepcion,
        )

        def entidad_del_informe(informe):
            alcance = informe.alcance or ""
            return int(alcance[8:]) if alcance.startswith("entidad-") and alcance[8:].isdigit() else None

        # Fuente de cambios de la API: de la entidad dueña (la oferente de la línea o la del indicador).
        cambios.registrar(EstadoLinea, entidad="entidad_id")
        cambios.registrar(Hito, entidad="linea.plan.entidad_id")
        cambios.registrar(Avance, entidad="hito.linea.plan.entidad_id")
        cambios.registrar(Indicador, entidad="entidad_id")
        cambios.registrar(Medicion, campo="registrada_en", entidad="indicador.entidad_id")
        cambios.registrar(Percepcion, entidad="entidad_id")
        cambios.registrar(InformeMensual, entidad=entidad_del_informe)

        # Señales del seguimiento, todas aquí: una línea borrada (p. ej. en cascada con su plan) deja de
        # sumar en el tablero; un cambio de umbrales invalida los consolidados en caché.
        post_delete.connect(lambda instance, **kw: resumen.restar(instance), sender=EstadoLinea, weak=False,
                            dispatch_uid="seguimiento_restar_del_resumen")
        post_save.connect(lambda **kw: resumen.invalidar_tablero(), sender=ConfiguracionSeguimiento, weak=False,
                          dispatch_uid="seguimiento_configuracion_invalida_tablero")
