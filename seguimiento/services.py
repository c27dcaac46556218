"""Escrituras del seguimiento: cada función verifica el permiso y las reglas del negocio."""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.utils import bulk_create_with_history

from att import cifras
from att.consultas import EnArreglo
from att.models import Entidad, Rol, TipoEntidad
from att.notificaciones import notificar
from att.selectors import usuarios_con_rol
from att.validadores import exigir_largo, exigir_largos, validar_adjunto
from indicadores.selectors import periodos_cerrados
from indicadores.services import exigir_fecha_de_corte, exigir_periodo_abierto
from oferta.models import HitoPlantilla
from seguimiento import calculo, por_entidad, resumen, rules, selectors
from seguimiento.models import (
    Asesoria,
    Avance,
    ConfiguracionSeguimiento,
    ConsentimientoPercepcion,
    EstadoAvance,
    EstadoLinea,
    EvaluacionLinea,
    EventoMasivo,
    EvidenciaAvance,
    Hito,
    MuestraPercepcion,
    Percepcion,
    ResultadoEvaluacion,
    TipoEvaluacion,
    huella_avance,
)

log = logging.getLogger(__name__)

def primer_dia(fecha: date) -> date:
    return fecha.replace(day=1)


def _denegar_si(condicion: bool, mensaje: str) -> None:
    if condicion:
        raise PermissionDenied(mensaje)


# --- Hitos y avances -----------------------------------------------------------------------------
@transaction.atomic
def hito_crear(*, linea, nombre: str, peso, fecha_planeada: date, por, padre: Hito | None = None,
               descripcion: str = "") -> Hito:
    _denegar_si(not rules.reporta_linea(por, linea), _("Solo el oferente de la línea o el DNP crean sus hitos."))
    hito = Hito(linea=linea, padre=padre, nombre=nombre, peso=peso, fecha_planeada=fecha_planeada,
                descripcion=descripcion)
    hito.full_clean()
    hito.save()
    recalcular_linea(linea)
    return hito


@transaction.atomic
def avance_reportar(*, hito: Hito, porcentaje, fecha_corte: date, narrativa: str, por,
                    evidencias=(), entidades=None) -> Avance:
    """`entidades`: las entidades territoriales de la línea a las que llegó lo reportado (una, o varias en
    un evento masivo o un taller regional); sin ellas, todas las de la línea."""
    linea = hito.linea
    _denegar_si(not rules.reporta_linea(por, linea),
                _("Solo el oferente responsable de esta línea puede reportar su avance."))
    if hito.subhitos.exists():
        raise ValidationError(_("Este hito tiene sub-hitos: reporte el avance en cada sub-hito."))
    if not narrativa.strip():
        raise ValidationError({"narrativa": _("Cuente qué se hizo en este avance.")})
    exigir_fecha_de_corte(fecha_corte)  # ni futura ni en un mes cerrado
    for archivo in evidencias:
        validar_adjunto(archivo)
    cubre = _entidades_del_avance(linea, entidades)
    avance = Avance(hito=hito, porcentaje=porcentaje, fecha_corte=fecha_corte, narrativa=narrativa,
                    registrado_por=por)
    avance.full_clean()
    avance.huella = huella_avance(hito_id=hito.pk, porcentaje=avance.porcentaje, fecha_corte=avance.fecha_corte,
                                  narrativa=narrativa, registrado_por_id=por.pk)
    if len(cubre[1]) > 1:  # el mismo texto para otras entidades de la línea es otro avance
        avance.huella = huella_avance(hito_id=hito.pk, porcentaje=avance.porcentaje, fecha_corte=avance.fecha_corte,
                                      narrativa=f"{narrativa}\x1f{sorted(cubre[0])}", registrado_por_id=por.pk)
    # El mismo avance enviado dos veces (doble clic, reintento de la API) es uno: se devuelve el que
    # ya existe, sin otra copia de sus evidencias. El índice único resuelve los envíos simultáneos.
    existente = _avance_repetido(avance.huella, evidencias, por=por)
    if existente is not None:
        return existente
    try:
        with transaction.atomic():
            avance.save()
    except IntegrityError:
        existente = _avance_repetido(avance.huella, evidencias, por=por)
        if existente is None:
            raise
        return existente
    avance.entidades.set(cubre[0])
    bulk_create_with_history(
        [EvidenciaAvance(avance=avance, archivo=_guardar(avance, a), nombre=a.name[:255]) for a in evidencias],
        EvidenciaAvance, default_user=por,
    ) if evidencias else None
    return avance


def _entidades_del_avance(linea, entidades) -> tuple[list[int], list[int]]:
    """(entidades que cubre el avance, entidades de la línea). Solo las que la línea focaliza."""
    de_la_linea = [t[0] for t in por_entidad.territorios_de([linea.pk]).get(linea.pk, [])]
    if not entidades:
        return de_la_linea, de_la_linea
    elegidas = sorted({getattr(e, "pk", e) for e in entidades})
    ajenas = [e for e in elegidas if e not in set(de_la_linea)]
    if ajenas:
        nombres = ", ".join(Entidad.objects.filter(pk__in=ajenas).order_by("nombre").values_list("nombre", flat=True))
        raise ValidationError({"entidades": _(
            "La línea no llega a %(e)s: el avance solo se reporta para las entidades territoriales que la línea "
            "focaliza.") % {"e": nombres or ajenas}})
    return elegidas, de_la_linea


MENSAJE_AVANCE_YA_VALIDADO = _lazy(
    "Este avance ya se había reportado y fue validado; para agregar evidencia, reporte un avance nuevo."
)


def _tamano(archivo) -> int | None:
    try:
        return archivo.size
    except (OSError, ValueError):  # el archivo ya no está en el almacenamiento
        return None


def _avance_repetido(huella: str, evidencias, *, por) -> Avance | None:
    """El avance con esta huella (bloqueado), con las evidencias enviadas que aún no tenía (mismo
    nombre y tamaño = la misma). Un avance ya validado no recibe evidencia nueva: es un error."""
    existente = Avance.objects.select_for_update().filter(huella=huella).first()
    if existente is None or not evidencias:
        return existente
    tiene = {(e.nombre, _tamano(e.archivo)) for e in existente.evidencias.all()}
    nuevas = [a for a in evidencias if (a.name[:255], a.size) not in tiene]
    if not nuevas:  # reenvío con los mismos archivos: el mismo avance, nada que agregar
        return existente
    # Un devuelto suelta su huella (no llega aquí): con huella, o está por revisar o ya se validó.
    if existente.estado != EstadoAvance.REPORTADO:
        raise ValidationError(MENSAJE_AVANCE_YA_VALIDADO)
    bulk_create_with_history(
        [EvidenciaAvance(avance=existente, archivo=_guardar(existente, a), nombre=a.name[:255]) for a in nuevas],
        EvidenciaAvance, default_user=por)
    return existente


def _guardar(avance: Avance, archivo):
    from django.core.files.storage import default_storage

    from seguimiento.models import ruta_evidencia

    instancia = EvidenciaAvance(avance=avance)
    return default_storage.save(ruta_evidencia(instancia, archivo.name), archivo)


def _bloquear_avance(avance: Avance) -> Avance:
    avance = Avance.objects.select_for_update().select_related("hito__linea__plan").get(pk=avance.pk)
    if avance.estado != EstadoAvance.REPORTADO:
        raise ValidationError(_("Este avance ya fue revisado."))
    return avance


@transaction.atomic
def avance_validar(*, avance: Avance, por, comentario: str = "") -> Avance:
    _denegar_si(not rules.valida(por), _("Solo el equipo de seguimiento del DNP valida avances."))
    exigir_largo(Avance, "comentario_revision", comentario, clave="comentario")
    avance = _bloquear_avance(avance)
    exigir_periodo_abierto(avance.fecha_corte)  # un mes cerrado no admite validaciones
    avance.estado = EstadoAvance.VALIDADO
    avance.revisado_por = por
    avance.revisado_en = timezone.now()
    avance.comentario_revision = comentario
    avance.save(update_fields=["estado", "revisado_por", "revisado_en", "comentario_revision"])
    actualizar_hito(avance.hito)
    recalcular_linea(avance.hito.linea)
    return avance


@transaction.atomic
def avance_devolver(*, avance: Avance, por, comentario: str) -> Avance:
    _denegar_si(not rules.valida(por), _("Solo el equipo de seguimiento del DNP devuelve avances."))
    if not comentario.strip():
        raise ValidationError({"comentario": _("Explique qué debe ajustarse para devolver el avance.")})
    exigir_largo(Avance, "comentario_revision", comentario, clave="comentario")
    avance = _bloquear_avance(avance)
    avance.estado = EstadoAvance.DEVUELTO
    avance.revisado_por = por
    avance.revisado_en = timezone.now()
    avance.comentario_revision = comentario
    # Un avance devuelto suelta su huella: el oferente puede volver a reportarlo igual (con otra evidencia).
    avance.huella = ""
    avance.save(update_fields=["estado", "revisado_por", "revisado_en", "comentario_revision", "huella"])
    notificar(
        usuarios=[avance.registrado_por], categoria="seguimiento",
        titulo=_("Avance devuelto: %(hito)s") % {"hito": avance.hito.nombre},
        mensaje=comentario, url=f"/seguimiento/lineas/{avance.hito.linea_id}/", clave=f"avance-devuelto-{avance.pk}",
    )
    return avance


def actualizar_hito(hito: Hito) -> None:
    """El avance de un hito hoja es su último avance validado (por fecha de corte); si la línea llega a
    varias entidades territoriales, el promedio del avance del hito en cada una (`por_entidad`)."""
    ultimo = (
        hito.avances.filter(estado=EstadoAvance.VALIDADO).order_by("-fecha_corte", "-pk")
        .values_list("porcentaje", "fecha_corte").first()
    )
    avance = ultimo[0] if ultimo else Decimal(0)
    entidades = [t[0] for t in por_entidad.territorios_de([hito.linea_id]).get(hito.linea_id, [])]
    if entidades:
        validados, _r = por_entidad.avances_de([hito.linea_id])
        avance = calculo.redondear(por_entidad.media(
            calculo.avance_por_entidad(validados.get(hito.pk, []), entidades).values()), 2)
    hito.avance = avance
    hito.cumplido_en = ultimo[1] if ultimo and avance >= 100 else None
    hito.save(update_fields=["avance", "cumplido_en"])


def _arbol(hitos: list[Hito]) -> list[calculo.Nodo]:
    nodos = {h.pk: calculo.Nodo(peso=h.peso, fecha_planeada=h.fecha_planeada, avance=h.avance) for h in hitos}
    raices = []
    for h in hitos:
        if h.padre_id and h.padre_id in nodos:
            nodos[h.padre_id].hijos.append(nodos[h.pk])
        else:
            raices.append(nodos[h.pk])
    return raices


def estado_de_linea(linea, hitos: list[Hito], hoy: date, umbrales: calculo.Umbrales) -> dict:
    """Avance, avance esperado, semáforo y vencidos de una línea a partir de sus hitos."""
    raices = _arbol(hitos)
    if raices:
        avance = calculo.ponderar((n.avance_total(), n.peso) for n in raices) or calculo.CERO
        esperado = calculo.ponderar((n.esperado(linea.fecha_inicio, hoy), n.peso) for n in raices) or calculo.CERO
    else:
        avance = calculo.CERO
        esperado = calculo.avance_esperado(linea.fecha_inicio, linea.fecha_fin, hoy)
    # Los hitos con sub-hitos de una vez (y no buscar los hijos de cada hito entre todos: cuadrático).
    con_hijos = {h.padre_id for h in hitos if h.padre_id is not None}
    vencidos = sum(1 for h in hitos if h.fecha_planeada < hoy and h.avance < 100 and h.pk not in con_hijos)
    return {
        "avance": calculo.redondear(avance, 2), "esperado": calculo.redondear(esperado, 2),
        "semaforo": calculo.semaforo(avance, esperado, umbrales), "hitos_vencidos": vencidos,
    }


@transaction.atomic
def recalcular_linea(linea, hoy: date | None = None) -> EstadoLinea:
    hoy = hoy or timezone.localdate()
    hitos = list(Hito.objects.filter(linea=linea))
    territorios = por_entidad.territorios_de([linea.pk]).get(linea.pk, [])
    validados, reportes = por_entidad.avances_de([linea.pk])
    # Con entidades territoriales, cada hito hoja guarda el promedio de su avance en ellas (una entidad
    # agregada después entra con lo que lleva); los hitos padres, el consolidado de sus sub-hitos.
    medias = {pk: calculo.redondear(por_entidad.media(v.values()), 2)
              for pk, v in por_entidad.hojas_por_entidad(hitos, validados, [t[0] for t in territorios]).items()
              } if territorios else {}
    por_padre = defaultdict(list)
    for h in hitos:
        if h.padre_id:
            por_padre[h.padre_id].append(h)
    cambiados = []
    for h in sorted(hitos, key=lambda h: h.pk in por_padre):  # hojas primero, después sus padres
        if h.pk in por_padre:
            nuevo = calculo.redondear(calculo.ponderar((s.avance, s.peso) for s in por_padre[h.pk]) or 0, 2)
        else:
            nuevo = medias.get(h.pk, h.avance)
        if nuevo != h.avance:
            h.avance = nuevo
            h.actualizado = timezone.now()  # bulk_update no toca auto_now (actualizado_desde)
            cambiados.append(h)
    if cambiados:
        Hito.objects.bulk_update(cambiados, ["avance", "actualizado"])
        cifras.invalidar("hitos")  # bulk_update no emite señales: «hitos cumplidos» de la portada
    conf = ConfiguracionSeguimiento.obtener()
    plan = linea.plan
    valores = estado_de_linea(linea, hitos, hoy, conf.umbrales)
    # (línea × entidad territorial) → línea: cada entidad con sus avances; la línea, su promedio.
    filas = por_entidad.filas_de_linea(linea, hitos, territorios, validados, reportes, hoy, conf.umbrales,
                                       estado_de_linea, linea.oferta.dependencia_id, valores)
    por_entidad.guardar([linea.pk], filas)
    valores = por_entidad.consolidar_linea(valores, filas, conf.umbrales)
    dimensiones = dimensiones_de_lineas([linea.pk])
    anterior = EstadoLinea.objects.select_for_update().filter(linea=linea).first()
    estado, _c = EstadoLinea.objects.update_or_create(
        linea=linea,
        defaults={"plan_id": plan.pk, "agenda_id": plan.agenda_id, "entidad_id": plan.entidad_id,
                  "responsable_id": linea.responsable_id, "peso": linea.peso, **valores,
                  **dimensiones.get(linea.pk, _SIN_DIMENSIONES)},
    )
    resumen.sumar(([anterior], -1) if anterior else ([], -1), ([estado], 1))
    _invalidar()
    return estado


_SIN_DIMENSIONES = {"departamentos": [], "temas": []}


def dimensiones_de_lineas(ids: list[int]) -> dict[int, dict]:
    """Departamentos focalizados y temas de cada línea (sin repetir, ordenados), en dos consultas."""
    from agenda.models import LineaPlan

    resultado: dict[int, dict] = {}
    pares = (
        LineaPlan.territorios.through.objects.filter(EnArreglo(F("lineaplan_id"), ids), entidad__departamento_id__isnull=False)
        .values_list("lineaplan_id", "entidad__departamento_id").distinct().order_by("lineaplan_id", "entidad__departamento_id")
    )
    for linea_id, departamento in pares:
        resultado.setdefault(linea_id, {"departamentos": [], "temas": []})["departamentos"].append(departamento)
    for linea_id, tema in (LineaPlan.temas.through.objects.filter(EnArreglo(F("lineaplan_id"), ids))
                           .values_list("lineaplan_id", "tema_id").distinct().order_by("lineaplan_id", "tema_id")):
        resultado.setdefault(linea_id, {"departamentos": [], "temas": []})["temas"].append(tema)
    return resultado


# --- Resumen del tablero: vive en seguimiento/resumen.py ---------------------------------------------
# `reconstruir_resumen` sigue aquí mientras la migración 0004 lo importe de este módulo.
reconstruir_resumen = resumen.reconstruir
_invalidar = resumen.invalidar


def recalcular_todas(hoy: date | None = None, lote: int = 2000) -> int:
    """Recalcula el estado de todas las líneas (tarea diaria: el avance esperado cambia con la fecha)."""
    from agenda.models import LineaPlan

    hoy = hoy or timezone.localdate()
    umbrales = ConfiguracionSeguimiento.obtener().umbrales
    total = 0
    ids = list(LineaPlan.objects.order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), lote):
        bloque = ids[i:i + lote]
        # Solo las columnas que el cálculo lee (decenas de miles de líneas por lote a escala).
        lineas = {l.pk: l for l in LineaPlan.objects.filter(EnArreglo(F("pk"), bloque)).select_related("plan")
                  .only("pk", "plan_id", "plan__agenda_id", "plan__entidad_id", "responsable_id", "peso",
                        "fecha_inicio", "fecha_fin", "oferta_id", "dependencia_id", "objetivo_agenda_id")
                  .annotate(dependencia_oferta=F("oferta__dependencia_id"))}
        hitos = defaultdict(list)
        # Filas ligeras y no instancias de Hito (cientos de miles a escala 1000): el cálculo solo lee estos campos.
        for pk, linea_id, padre_id, peso, fecha_planeada, avance in Hito.objects.filter(
            EnArreglo(F("linea_id"), bloque)
        ).values_list("pk", "linea_id", "padre_id", "peso", "fecha_planeada", "avance"):
            hitos[linea_id].append(por_entidad.HitoLigero(pk, padre_id, peso, fecha_planeada, avance))
        existentes = set(EstadoLinea.objects.filter(EnArreglo(F("linea_id"), bloque)).values_list("linea_id", flat=True))
        dimensiones = dimensiones_de_lineas(bloque)
        territorios = por_entidad.territorios_de(bloque)
        validados, reportes = por_entidad.avances_de(bloque)
        nuevos, cambiados, por_et = [], [], []
        for pk, linea in lineas.items():
            valores = estado_de_linea(linea, hitos[pk], hoy, umbrales)
            filas = por_entidad.filas_de_linea(linea, hitos[pk], territorios.get(pk, []), validados, reportes, hoy,
                                               umbrales, estado_de_linea, linea.dependencia_oferta, valores)
            por_et += filas
            valores = por_entidad.consolidar_linea(valores, filas, umbrales)
            datos = {"plan_id": linea.plan_id, "agenda_id": linea.plan.agenda_id, "entidad_id": linea.plan.entidad_id,
                     "responsable_id": linea.responsable_id, "peso": linea.peso, **valores,
                     **dimensiones.get(pk, _SIN_DIMENSIONES)}
            if pk in existentes:
                cambiados.append((pk, datos))
            else:
                nuevos.append(EstadoLinea(linea_id=pk, **datos))
        _crear_estados(nuevos)
        _actualizar_estados(cambiados)
        por_entidad.guardar(bloque, por_et)
        total += len(lineas)
    reconstruir_resumen()
    _invalidar()
    return total


def _crear_estados(nuevos: list[EstadoLinea]) -> None:
    """Inserta las fotos de las líneas que no tenían: bulk_create o, desde `por_entidad.UMBRAL_COPY` filas (el
    primer recálculo de muchas líneas), COPY con los mismos valores y los ids en el mismo orden (INSERT … VALUES
    con los arreglos de departamentos y temas de miles de filas es lento de armar)."""
    if len(nuevos) < por_entidad.UMBRAL_COPY:
        EstadoLinea.objects.bulk_create(nuevos, batch_size=1000)
        return
    from django.db import connection

    from att.demo_carga import copiar, filas_de

    campos = [f for f in EstadoLinea._meta.concrete_fields if not f.primary_key]
    copiar(EstadoLinea._meta.db_table, [connection.ops.quote_name(f.column) for f in campos], filas_de(nuevos, campos))


_CAMPOS_ESTADO = ["plan_id", "agenda_id", "entidad_id", "responsable_id", "peso", "avance", "esperado", "semaforo",
                  "hitos_vencidos", "departamentos", "temas"]


def _actualizar_estados(filas: list[tuple[int, dict]]) -> None:
    """UPDATE … FROM (VALUES …) en una sola sentencia por lote (bulk_update con CASE es lento)."""
    if not filas:
        return
    from django.db import connection

    tipos = ["bigint", "bigint", "bigint", "bigint", "bigint", "numeric", "numeric", "numeric", "varchar", "integer",
             "varchar[]", "bigint[]"]
    fila_sql = "(" + ", ".join(f"%s::{t}" for t in tipos) + ")"
    columnas = ["linea_id", *_CAMPOS_ESTADO]
    asignar = ", ".join(f"{c} = v.{c}" for c in _CAMPOS_ESTADO)
    for i in range(0, len(filas), 1000):
        lote = filas[i:i + 1000]
        params = [v for pk, d in lote for v in (pk, *(d[c] for c in _CAMPOS_ESTADO))]
        sql = (f"UPDATE seguimiento_estadolinea AS e SET {asignar}, actualizado = now() "
               f"FROM (VALUES {', '.join([fila_sql] * len(lote))}) AS v({', '.join(columnas)}) "
               f"WHERE e.linea_id = v.linea_id")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def alertar_hitos_vencidos(hoy: date | None = None) -> int:
    """Avisa a cada responsable de línea, en una alerta por persona, los hitos que se vencieron sin
    cumplirse desde el último aviso (cada hito se alerta una sola vez). Devuelve los hitos alertados."""
    from agenda.models import LineaPlan
    from att.models import Usuario

    hoy = hoy or timezone.localdate()
    vencidos = (
        Hito.objects.filter(fecha_planeada__lt=hoy, avance__lt=100, subhitos__isnull=True, vencimiento_alertado=False)
        .values_list("pk", "nombre", "fecha_planeada", "avance", "linea_id", "linea__responsable_id")
        .order_by("linea__responsable_id", "fecha_planeada", "pk")
    )
    por_responsable: dict[int, list] = defaultdict(list)
    for fila in vencidos:
        por_responsable[fila[5]].append(fila)
    usuarios = Usuario.objects.in_bulk(list(por_responsable))
    total = 0
    for responsable_id, hitos in por_responsable.items():
        usuario = usuarios.get(responsable_id)
        if usuario is None:
            continue
        if len(hitos) == 1:
            _pk, nombre, _f, _a, linea_id, _r = hitos[0]
            titulo = _("Hito vencido: %(nombre)s") % {"nombre": nombre}
            url = f"/seguimiento/lineas/{linea_id}/"
            puede_ver = partial(selectors.puede_ver_linea, linea=LineaPlan.objects.select_related(
                "plan__entidad", "responsable").get(pk=linea_id))
        else:
            titulo = _("%(n)s hitos vencidos sin cumplir") % {"n": len(hitos)}
            url = "/seguimiento/lineas/?semaforo=atrasado"
            puede_ver = _ve_seguimiento
        mensaje = "\n".join(
            _("• %(nombre)s: planeado para el %(fecha)s, %(avance)s %% de avance validado.")
            % {"nombre": n, "fecha": f.strftime("%d/%m/%Y"), "avance": a} for _pk, n, f, a, _l, _r in hitos[:50]
        )
        notificar(usuarios=[usuario], categoria="seguimiento", titulo=titulo, mensaje=mensaje, url=url, puede_ver=puede_ver,
                  clave=f"hitos-vencidos-{responsable_id}-{hitos[-1][0]}-{len(hitos)}")
        Hito.objects.filter(EnArreglo(F("pk"), [h[0] for h in hitos])).update(vencimiento_alertado=True)
        total += len(hitos)
    return total


# --- Percepción de calidad ------------------------------------------------------------------------
def _ve_seguimiento(usuario) -> bool:
    """Las páginas del seguimiento (listas, percepción, informes) piden `seguimiento.ver` (`_ver` de
    sus vistas): el mismo permiso decide a quién le llega una alerta que las enlaza."""
    return usuario.has_perm("seguimiento.ver")


def _equipo_seguimiento():
    return usuarios_con_rol(None, Rol.SEGUIMIENTO_DNP)


# Ventana de la asistencia calificable: recibida hasta hoy y a lo sumo hace un año. Se califica una
# asistencia ya recibida (nada futuro) y reciente (la entrevista de la muestra es mensual); un año deja
# calificar tarde lo de la vigencia sin permitir reescribir la historia de otros periodos.
VENTANA_PERCEPCION_DIAS = 365


def percepcion_verificar(*, entidad: Entidad, oferente: Entidad | None = None, linea=None, asesoria=None,
                         evento=None):
    """La asistencia calificada debe haberla recibido la entidad: una línea que la alcanzó (un avance
    reportado que la cubre), una asesoría suya o un evento al que asistió, en el último año. Devuelve
    `(oferente, linea, asesoria, evento)` con el oferente tomado del registro, nunca de la petición.
    Páginas y API pasan por aquí."""
    hoy = timezone.localdate()
    desde = hoy - timedelta(days=VENTANA_PERCEPCION_DIAS)
    elegidos = [r for r in (linea, asesoria, evento) if r is not None]
    if len(elegidos) > 1:
        raise ValidationError({"asistencia": ValidationError(
            _("Califique una sola asistencia a la vez: una línea, una asesoría o un evento."),
            code="varias_asistencias")})
    if not elegidos:
        if oferente is None:
            raise ValidationError({"asistencia": ValidationError(
                _("Elija la asistencia recibida que califica (una línea, una asesoría o un evento)."),
                code="sin_asistencia")})
        recibida = next(iter(selectors.asistencias_recibidas(entidad, hasta=hoy, desde=desde, oferente=oferente,
                                                             limite=1)), None)
        if recibida is None:
            raise ValidationError({"oferente": ValidationError(_(
                "%(o)s no le ha prestado asistencia a %(e)s en el último año (ni asesoría, ni evento, ni línea "
                "que la haya alcanzado): no se puede calificar.") % {"o": oferente, "e": entidad},
                code="oferente_no_asistio")})
    else:
        registro = elegidos[0]
        tipo = "linea" if linea is not None else "asesoria" if asesoria is not None else "evento"
        recibida = next(iter(selectors.asistencias_recibidas(entidad, hasta=hoy, desde=desde, tipo=tipo,
                                                             registro_id=registro.pk)), None)
        if recibida is None:
            raise ValidationError({tipo: ValidationError(_(
                "%(e)s no recibió esa asistencia en el último año: la línea debe haberla alcanzado (un avance "
                "reportado que la cubre), la asesoría debe ser suya y el evento uno al que asistió.")
                % {"e": entidad}, code="asistencia_no_recibida")})
        if oferente is not None and oferente.pk != recibida.oferente.pk:
            raise ValidationError({"oferente": ValidationError(_(
                "La asistencia elegida la prestó %(r)s, no %(o)s: el oferente se toma del registro de la "
                "asistencia.") % {"r": recibida.oferente, "o": oferente}, code="oferente_no_asistio")})
    return (recibida.oferente, recibida.linea, recibida.asesoria, recibida.evento)


def _exigir_consentimiento(entidad: Entidad) -> None:
    """Bloquea la fila del consentimiento (dos envíos a la vez hacen fila) y exige que esté vigente."""
    vigente = ConsentimientoPercepcion.objects.select_for_update().filter(
        entidad=entidad, revocado_en__isnull=True).exists()
    if not vigente:
        raise ValidationError(
            _("%(e)s no ha dado su consentimiento para el seguimiento de percepción (o lo revocó): no se "
              "registran calificaciones suyas. Regístrelo primero en «Consentimiento».") % {"e": entidad},
            code="sin_consentimiento",
        )


@transaction.atomic
def percepcion_registrar(*, entidad: Entidad, calidad: int, pertinencia: int, oportunidad: int, por,
                         comentario: str = "", oferente: Entidad | None = None, linea=None, asesoria=None,
                         evento=None) -> Percepcion:
    """Califica una asistencia que la entidad recibió. El oferente sale del registro de la asistencia y la
    fecha es la del servidor. Un reenvío idéntico el mismo día (doble clic) devuelve la misma calificación."""
    _denegar_si(not rules.califica(por, entidad),
                _("Solo la entidad territorial asesorada (o el DNP en la entrevista) registra su percepción."))
    _exigir_consentimiento(entidad)
    oferente, linea, asesoria, evento = percepcion_verificar(entidad=entidad, oferente=oferente, linea=linea,
                                                             asesoria=asesoria, evento=evento)
    hoy = timezone.localdate()
    datos = {"entidad": entidad, "oferente": oferente, "linea": linea, "asesoria": asesoria, "evento": evento,
             "calidad": calidad, "pertinencia": pertinencia, "oportunidad": oportunidad,
             "comentario": comentario, "registrada_por": por, "fecha": hoy}
    repetida = Percepcion.objects.filter(**datos).first()
    if repetida is not None:
        return repetida
    p = Percepcion(**datos)
    p.full_clean()
    p.save()
    umbral = ConfiguracionSeguimiento.obtener().umbral_percepcion
    if p.promedio < umbral:
        destinatarios = list(_equipo_seguimiento()) + list(usuarios_con_rol(oferente, Rol.OFERENTE))
        notificar(
            usuarios=destinatarios, categoria="seguimiento", puede_ver=_ve_seguimiento,
            titulo=_("Percepción insatisfactoria: %(e)s (%(p)s)") % {"e": entidad, "p": p.promedio},
            mensaje=_("Calidad %(c)s, pertinencia %(r)s, oportunidad %(o)s. %(com)s")
            % {"c": calidad, "r": pertinencia, "o": oportunidad, "com": comentario},
            url="/seguimiento/percepcion/atencion/", clave=f"percepcion-baja-{p.pk}",
        )
    return p


# --- Consentimiento de percepción -------------------------------------------------------------------
@transaction.atomic
def consentimiento_dar(*, entidad: Entidad, por) -> ConsentimientoPercepcion:
    """Registra (o renueva, si estaba revocado) el consentimiento de la ET con fecha y persona. Darlo dos
    veces seguidas no cambia nada: devuelve el vigente."""
    _denegar_si(not rules.califica(por, entidad),
                _("Solo la entidad territorial (su funcionario o su equipo departamental) o el DNP en la entrevista "
                  "registran el consentimiento."))
    if entidad.tipo not in TipoEntidad.territoriales():
        raise ValidationError({"entidad": ValidationError(
            _("Solo una entidad territorial da consentimiento de percepción."), code="no_territorial")})
    c = ConsentimientoPercepcion.objects.select_for_update().filter(entidad=entidad).first()
    if c is not None and c.vigente:
        return c
    if c is None:
        c = ConsentimientoPercepcion(entidad=entidad)
    c.otorgado_en, c.otorgado_por = timezone.now(), por
    c.revocado_en, c.revocado_por, c.motivo_revocacion = None, None, ""
    c._history_user = por
    try:
        with transaction.atomic():
            c.save()
    except IntegrityError:  # otro envío lo creó entre la consulta y el guardado
        return ConsentimientoPercepcion.objects.get(entidad=entidad)
    return c


@transaction.atomic
def consentimiento_revocar(*, entidad: Entidad, por, motivo: str = "") -> ConsentimientoPercepcion:
    """Revoca el consentimiento vigente (fecha y persona). Revocar uno ya revocado no cambia nada."""
    _denegar_si(not rules.califica(por, entidad),
                _("Solo la entidad territorial (su funcionario o su equipo departamental) o el DNP revocan el "
                  "consentimiento."))
    exigir_largo(ConsentimientoPercepcion, "motivo_revocacion", motivo, clave="motivo")
    c = ConsentimientoPercepcion.objects.select_for_update().filter(entidad=entidad).first()
    if c is None:
        raise ValidationError(_("%(e)s no ha dado consentimiento: no hay nada que revocar.") % {"e": entidad},
                              code="sin_consentimiento")
    if not c.vigente:
        return c
    c.revocado_en, c.revocado_por, c.motivo_revocacion = timezone.now(), por, motivo
    c._history_user = por
    c.save()
    return c


# --- Evaluación intermedia y final por línea --------------------------------------------------------
@transaction.atomic
def evaluacion_registrar(*, linea, tipo: str, resultado: str, hallazgos: str, por,
                         recomendaciones: str = "") -> EvaluacionLinea:
    """Registra (o corrige) la evaluación intermedia o final de una línea, con el avance que la línea tiene
    hoy. Una por tipo y línea: volver a enviarla la actualiza (un reenvío no duplica). La final pide la
    intermedia antes (004, actividad 4: «evalúe de manera intermedia y final»)."""
    _denegar_si(not rules.evalua_linea(por, linea),
                _("Solo el oferente de la línea o el equipo de seguimiento del DNP la evalúan."))
    errores = {}
    if tipo not in TipoEvaluacion.values:
        errores["tipo"] = _("El tipo debe ser «intermedia» o «final».")
    if resultado not in ResultadoEvaluacion.values:
        errores["resultado"] = _("Elija el resultado: cumple, cumple en parte o no cumple.")
    if not (hallazgos or "").strip():
        errores["hallazgos"] = _("Escriba los hallazgos de la evaluación.")
    if errores:
        raise ValidationError(errores)
    type(linea).objects.select_for_update().filter(pk=linea.pk).first()
    if tipo == TipoEvaluacion.FINAL and not EvaluacionLinea.objects.filter(
            linea=linea, tipo=TipoEvaluacion.INTERMEDIA).exists():
        raise ValidationError({"tipo": ValidationError(_("Registre primero la evaluación intermedia de la línea."),
                                                       code="falta_intermedia")})
    estado = EstadoLinea.objects.filter(linea=linea).values_list("avance", flat=True).first()
    e = EvaluacionLinea.objects.filter(linea=linea, tipo=tipo).first() or EvaluacionLinea(linea=linea, tipo=tipo)
    e.resultado, e.hallazgos, e.recomendaciones = resultado, hallazgos.strip(), (recomendaciones or "").strip()
    e.avance_linea = estado if estado is not None else Decimal(0)
    e.fecha, e.registrada_por = timezone.localdate(), por
    e._history_user = por
    e.full_clean()
    e.save()
    return e


@transaction.atomic
def muestra_sortear(*, periodo: date, por, semilla: int | None = None) -> MuestraPercepcion:
    """Sortea (una vez por mes) las entidades asesoradas que aceptaron seguimiento a entrevistar."""
    _denegar_si(not rules.valida(por), _("Solo el equipo de seguimiento del DNP sortea la muestra."))
    periodo = primer_dia(periodo)
    existente = MuestraPercepcion.objects.filter(periodo=periodo).first()
    if existente:
        return existente
    elegibles = list(selectors.entidades_asesoradas().filter(selectors.con_consentimiento()).order_by("pk").values_list("pk", flat=True))
    semilla = semilla if semilla is not None else random.SystemRandom().randrange(2**31)
    tamano = ConfiguracionSeguimiento.obtener().tamano_muestra
    elegidas = random.Random(semilla).sample(elegibles, min(tamano, len(elegibles)))
    muestra = MuestraPercepcion.objects.create(periodo=periodo, semilla=semilla, universo=len(elegibles), creada_por=por)
    muestra.entidades.set(elegidas)
    return muestra


# --- Resultados en capacidades (MDM) --------------------------------------------------------------
def mdm_importar(*, archivo, nombre: str, por, confirmar: bool = True):
    """Importa puntajes MDM por municipio y año (CSV o XLSX) sin pasar por la página: ensayo o, con
    `confirmar`, todo o nada (`att.importacion`). Columnas: codigo_divipola (o municipio y
    departamento), anio, puntaje y, opcional, grupo."""
    from att import importacion
    from seguimiento.importacion import ImportadorMDM

    return importacion.importar_directo(ImportadorMDM(por=por), archivo, nombre, confirmar=confirmar)


# --- Asesorías y eventos masivos ------------------------------------------------------------------
def _verificar_demandas(demandas, por) -> list:
    """Bloquea las demandas que atenderá el registro y rechaza, antes de guardar nada, las que no estén
    «en atención» o que la persona no pueda atender."""
    from demanda.models import Demanda, EstadoDemanda

    ids = [d.pk for d in demandas]
    if not ids:
        return []
    filas = list(Demanda.objects.select_for_update(of=("self",)).select_related("entidad", "oferta", "entidad_competente")
                 .filter(pk__in=ids).order_by("pk"))
    otras = [d for d in filas if d.estado != EstadoDemanda.EN_ATENCION]
    if otras:
        raise ValidationError(
            {"demandas": _("Solo se cierran con una asesoría o un evento las demandas «en atención». "
                           "No lo están: %(lista)s.") % {"lista": "; ".join(
                               f"«{d.titulo[:80]}» ({d.get_estado_display()})" for d in otras)}},
            code="demanda_no_en_atencion",
        )
    _denegar_si(any(not por.has_perm("demanda.atender", d) for d in filas),
                _("Solo el oferente que atiende la demanda puede marcarla como atendida."))
    return filas


def _cerrar_demandas(demandas, por, motivo: str) -> int:
    """Marca como atendidas las demandas que responde el registro (servicio de la app demanda)."""
    from demanda.services import demanda_marcar_atendida

    for demanda in demandas:
        demanda_marcar_atendida(demanda=demanda, por=por, motivo=motivo)
    return len(demandas)


def _registrar_asistencia(modelo, *, oferente, por, denegado: str, temas, demandas, evidencia, motivo: str,
                          entidades=None, **campos):
    """Asesoría o evento: permiso, demandas «en atención» y adjunto verificados antes de guardar nada."""
    _denegar_si(not rules.registra_asistencia(por, oferente), denegado)
    exigir_largos(modelo, campos)
    demandas = _verificar_demandas(demandas, por)
    if evidencia:
        validar_adjunto(evidencia)
    registro = modelo.objects.create(oferente=oferente, registrado_por=por, evidencia_asistencia=evidencia or "",
                                     **campos)
    if entidades is not None:
        registro.entidades.set(entidades)
    registro.temas.set(temas)
    registro.demandas.set(demandas)
    _cerrar_demandas(demandas, por, motivo)
    return registro


@transaction.atomic
def asesoria_registrar(*, oferente, entidad, fecha, modalidad, canal, por, temas=(), participantes=0,
                       descripcion="", evidencia=None, demandas=(), linea=None) -> Asesoria:
    return _registrar_asistencia(
        Asesoria, oferente=oferente, por=por, denegado=_("Solo el oferente registra sus asesorías."), temas=temas,
        demandas=demandas, evidencia=evidencia, motivo=_("Atendida con la asesoría del %(f)s.") % {"f": fecha},
        entidad=entidad, fecha=fecha, modalidad=modalidad, canal=canal, participantes=participantes,
        descripcion=descripcion, linea=linea,
    )


@transaction.atomic
def evento_registrar(*, oferente, nombre, entidades, fecha, modalidad, canal, por, temas=(), participantes=0,
                     descripcion="", evidencia=None, demandas=(), linea=None) -> EventoMasivo:
    return _registrar_asistencia(
        EventoMasivo, oferente=oferente, por=por, denegado=_("Solo el oferente registra sus eventos."), temas=temas,
        demandas=demandas, evidencia=evidencia, motivo=_("Atendida en el evento «%(n)s».") % {"n": nombre},
        entidades=entidades, nombre=nombre, fecha=fecha, modalidad=modalidad, canal=canal,
        participantes=participantes, descripcion=descripcion, linea=linea,
    )


# --- Borrar hitos ------------------------------------------------------------------------------------
def hitos_con_avances_cerrados(hitos) -> dict[int, date]:
    """{pk del hito: un mes cerrado} de los hitos (o de sus sub-hitos, que el borrado arrastra) con
    avances fechados en un mes cerrado: borrarlos borraría el registro de ese mes."""
    ids = [h.pk for h in hitos]
    fechas = list(Avance.objects.filter(Q(hito_id__in=ids) | Q(hito__padre_id__in=ids))
                  .values_list("hito_id", "hito__padre_id", "fecha_corte"))
    cerrados = periodos_cerrados({primer_dia(f) for _h, _p, f in fechas})
    bloqueados: dict[int, date] = {}
    for hito_id, padre_id, fecha in fechas:
        if primer_dia(fecha) in cerrados:
            bloqueados.setdefault(hito_id if hito_id in ids else padre_id, primer_dia(fecha))
    return bloqueados


def mensaje_hito_no_borrable(hito, periodo: date) -> str:
    return _("El hito «%(h)s» tiene avances con fecha de corte en el periodo cerrado %(p)s: no se puede borrar.") % {
        "h": hito.nombre, "p": periodo.strftime("%Y-%m")}


@transaction.atomic
def hito_eliminar(*, hito: Hito, por) -> None:
    """Borra un hito (y sus sub-hitos y avances, en cascada) y recalcula la línea. No si tiene avances
    en un mes cerrado: ese mes es el registro."""
    _denegar_si(not rules.reporta_linea(por, hito.linea), _("Solo el oferente de la línea o el DNP borran sus hitos."))
    hito = Hito.objects.select_for_update().select_related("linea").get(pk=hito.pk)
    bloqueado = hitos_con_avances_cerrados([hito])
    if bloqueado:
        raise ValidationError(mensaje_hito_no_borrable(hito, bloqueado[hito.pk]), code="periodo_cerrado")
    linea = hito.linea
    hito._history_user = por
    hito.delete()
    recalcular_linea(linea)


# --- Plantilla de hitos del producto ------------------------------------------------------------------
@transaction.atomic
def hitos_desde_plantilla(*, linea, por=None) -> list[Hito]:
    """La línea empieza con una copia de los hitos estándar de su oferta (`oferta.HitoPlantilla`):
    mismo nombre y peso, fecha planeada = inicio de la línea + desfase (sin pasar del fin). Solo en una
    línea sin hitos; después se editan en la línea y cambiar la plantilla no los toca (son filas suyas)."""
    if por is not None:
        _denegar_si(not rules.reporta_linea(por, linea), _("Solo el oferente de la línea o el DNP crean sus hitos."))
    # La fila de la línea, bloqueada: dos aplicaciones a la vez hacen fila y la segunda ve los hitos de la primera.
    type(linea).objects.select_for_update().filter(pk=linea.pk).first()
    if Hito.objects.filter(linea=linea).exists():
        return []
    plantilla = list(HitoPlantilla.objects.filter(oferta_id=linea.oferta_id).order_by("orden", "pk"))
    if not plantilla:
        return []
    hitos = [Hito(linea=linea, nombre=p.nombre, peso=p.peso,
                  fecha_planeada=min(linea.fecha_inicio + timedelta(days=p.desfase_dias), linea.fecha_fin))
             for p in plantilla]
    bulk_create_with_history(hitos, Hito, default_user=por)
    recalcular_linea(linea)
    return hitos
