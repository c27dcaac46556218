from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeguimientoConfig(AppConfig):
    name = "seguimiento"
    verbose_name = _("Seguimiento y monitoreo")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # La lista por lotes de su API: su plan y las señales que invalidan su ETag (att/api/lotes.py).
        from att.api.lotes import vigilar_vistas
        from seguimiento.api.views import AvanceViewSet

        vigilar_vistas(AvanceViewSet)
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from att import cambios, importacion, registros
        from indicadores.models import Indicador, Medicion, MetaIndicador
        from seguimiento import demo, escritorio, perfil, resumen, selectors
        from seguimiento.importacion import ImportadorMDM

        registros.registrar_resumen_inicio("seguimiento", selectors.resumen_inicio, orden=40, depende_de=("hitos",))
        # El mapa de la portada cuenta la demanda y la oferta por departamento.
        registros.registrar_mapa_inicio(selectors.mapa_inicio, depende_de=("demanda", "oferta", "territorio"))
        registros.registrar_demo("seguimiento", demo.generar, orden=40)
        importacion.registrar_importador("mdm", ImportadorMDM)
        perfil.registrar_secciones()
        escritorio.registrar()
        from seguimiento.models import (
            Avance,
            ConfiguracionSeguimiento,
            ConsentimientoPercepcion,
            EstadoLinea,
            EstadoLineaEntidad,
            EvaluacionLinea,
            Hito,
            InformeMensual,
            Percepcion,
        )

        def entidad_del_informe(informe):
            alcance = informe.alcance or ""
            return int(alcance[8:]) if alcance.startswith("entidad-") and alcance[8:].isdigit() else None

        # Sección «Percepción» del perfil de la ET (registro de att.perfil). PER registra en seguimiento/perfil.py
        # la del avance por ET; esta va en su propio módulo para no chocar.
        from seguimiento import perfil_percepcion

        perfil_percepcion.registrar()

        # Cifras en caché por área (att/cifras.py): los hitos cumplidos (portada), la percepción (con su
        # umbral de insatisfacción) y los avances por validar (tablero del DNP).
        from att import cifras

        cifras.registrar_area("hitos", Hito)
        cifras.registrar_area("percepcion", Percepcion, ConfiguracionSeguimiento)
        cifras.registrar_area("avances", Avance)

        # Fuente de cambios de la API: de la entidad dueña (la oferente de la línea o la del indicador).
        cambios.registrar(EstadoLinea, entidad="entidad_id")
        cambios.registrar(EstadoLineaEntidad, entidad="oferente_id")
        cambios.registrar(Hito, entidad="linea.plan.entidad_id")
        cambios.registrar(Avance, entidad="hito.linea.plan.entidad_id")
        cambios.registrar(Percepcion, entidad="entidad_id")
        cambios.registrar(ConsentimientoPercepcion, entidad="entidad_id")
        cambios.registrar(EvaluacionLinea, entidad="linea.plan.entidad_id")
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
        # Una entidad territorial agregada (o quitada) después a una línea aparece (o sale) en sus filas
        # por entidad al confirmar el cambio, desde el formulario, la API o el administrador.
        m2m_changed.connect(_territorios_cambiados, sender=LineaPlan.territorios.through,
                            dispatch_uid="seguimiento.territorios_de_linea")

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


def _territorios_cambiados(sender, instance, action, reverse, pk_set, **_kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from django.db import transaction

    if reverse:  # entidad.lineas_plan_focalizadas.add(...): pk_set son las líneas
        lineas = set(pk_set or ())
    else:
        lineas = {instance.pk}
    if lineas:
        transaction.on_commit(lambda: _recalcular_lineas(lineas))


def _recalcular_lineas(ids):
    """Recalcula las líneas que ya tienen seguimiento (una línea recién creada lo recibe con sus hitos)."""
    from agenda.models import LineaPlan
    from seguimiento.models import EstadoLinea
    from seguimiento.services import recalcular_linea

    seguidas = EstadoLinea.objects.filter(linea_id__in=ids).values_list("linea_id", flat=True)
    for linea in LineaPlan.objects.filter(pk__in=list(seguidas)).select_related("plan", "oferta"):
        recalcular_linea(linea)


def _invalidar_tablero(**_kwargs):
    from django.db import transaction

    from seguimiento.resumen import invalidar_tablero

    transaction.on_commit(invalidar_tablero)
    invalidar_tablero()
