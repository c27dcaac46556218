from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeguimientoConfig(AppConfig):
    name = "seguimiento"
    verbose_name = _("Seguimiento y monitoreo")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from att import cambios
        from indicadores.models import Indicador, Medicion, MetaIndicador
        from seguimiento import resumen
        from seguimiento.models import (
            Avance,
            ConfiguracionSeguimiento,
            EstadoLinea,
            Hito,
            InformeMensual,
            Percepcion,
        )

        def entidad_del_informe(informe):
            alcance = informe.alcance or ""
            return int(alcance[8:]) if alcance.startswith("entidad-") and alcance[8:].isdigit() else None

        # Fuente de cambios de la API: de la entidad dueña (la oferente de la línea o la del indicador).
        cambios.registrar(EstadoLinea, entidad="entidad_id")
        cambios.registrar(Hito, entidad="linea.plan.entidad_id")
        cambios.registrar(Avance, entidad="hito.linea.plan.entidad_id")
        cambios.registrar(Percepcion, entidad="entidad_id")
        cambios.registrar(InformeMensual, entidad=entidad_del_informe)

        # El tablero muestra los indicadores: una medición, una meta o una ficha que cambia lo
        # invalida (también desde el administrador). `indicadores` no conoce al seguimiento.
        for modelo in (Indicador, MetaIndicador, Medicion):
            for senal in (post_save, post_delete):
                senal.connect(_invalidar_tablero, sender=modelo,
                              dispatch_uid=f"seguimiento.tablero.{senal is post_save}.{modelo._meta.model_name}")

        # Una línea nueva empieza con los hitos estándar de su oferta, al confirmar su creación (ya
        # con sus territorios y temas). `agenda` no conoce al seguimiento: por eso es una señal.
        from agenda.models import LineaPlan

        post_save.connect(_linea_creada, sender=LineaPlan, dispatch_uid="seguimiento.hitos_desde_plantilla")

        # Señales del seguimiento, todas aquí: una línea borrada (p. ej. en cascada con su plan) deja de
        # sumar en el tablero; un cambio de umbrales invalida los consolidados en caché.
        post_delete.connect(lambda instance, **kw: resumen.restar(instance), sender=EstadoLinea, weak=False,
                            dispatch_uid="seguimiento_restar_del_resumen")
        post_save.connect(lambda **kw: resumen.invalidar_tablero(), sender=ConfiguracionSeguimiento, weak=False,
                          dispatch_uid="seguimiento_configuracion_invalida_tablero")


def _linea_creada(sender, instance, created, raw=False, **_kwargs):
    if not created or raw:
        return
    from django.db import transaction

    from seguimiento.services import hitos_desde_plantilla

    transaction.on_commit(lambda: hitos_desde_plantilla(linea=instance))


def _invalidar_tablero(**_kwargs):
    from django.db import transaction

    from seguimiento.resumen import invalidar_tablero

    transaction.on_commit(invalidar_tablero)
    invalidar_tablero()
