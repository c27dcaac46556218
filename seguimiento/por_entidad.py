"""Avance por entidad territorial: cada línea se sigue en cada entidad a la que llega (línea × ET).

SETA mide el avance «por entidad» (semilla 001 §6; DOMAIN §7). Aquí se calcula y se guarda, en
`EstadoLineaEntidad`, el avance de cada línea en cada una de sus entidades territoriales:

- el avance de un hito hoja en una entidad es el de su último avance validado que la cubre (un avance
  reportado para un evento masivo cubre a todas las entidades que alcanzó; uno sin entidades, a todas
  las de la línea);
- los hitos con sub-hitos, la línea en la entidad, el esperado, el semáforo y los hitos vencidos salen
  de esos avances con las mismas reglas que la línea (`services.estado_de_linea`);
- la línea consolida sus entidades con el mismo peso: su avance es el promedio de sus entidades.

Una línea con una sola entidad da la misma cifra de siempre. La usan `services.recalcular_linea` (al
validar un avance o agregar un hito) y `services.recalcular_todas` (tarea diaria).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from agenda.models import LineaPlan
from seguimiento import calculo
from seguimiento.models import Avance, EstadoAvance, EstadoLineaEntidad

Focal = LineaPlan.territorios.through

_CAMPOS = ["plan_id", "agenda_id", "oferente_id", "responsable_id", "oferta_id", "dependencia_id", "objetivo_id",
           "departamento_id", "region", "peso", "avance", "esperado", "semaforo", "hitos_vencidos", "ultimo_reporte"]


def territorios_de(linea_ids: Iterable[int]) -> dict[int, list[tuple[int, str | None, str]]]:
    """(entidad, departamento, región) de cada entidad territorial focalizada por cada línea (una consulta)."""
    resultado: dict[int, list] = defaultdict(list)
    for linea_id, entidad_id, depto, region in (
        Focal.objects.filter(lineaplan_id__in=list(linea_ids))
        .values_list("lineaplan_id", "entidad_id", "entidad__departamento_id", "entidad__departamento__region")
        .order_by("lineaplan_id", "entidad_id")
    ):
        resultado[linea_id].append((entidad_id, depto, region or ""))
    return resultado


def avances_de(linea_ids: Iterable[int]) -> tuple[dict[int, list], dict[int, list]]:
    """Avances no devueltos de las líneas, del más reciente al más antiguo (dos consultas).

    Devuelve (validados por hito: [(porcentaje, entidades)], reportes por línea: [(fecha, entidades)]).
    """
    ids = list(linea_ids)
    cubre: dict[int, set] = defaultdict(set)
    for avance_id, entidad_id in Avance.entidades.through.objects.filter(
        avance__hito__linea_id__in=ids
    ).values_list("avance_id", "entidad_id"):
        cubre[avance_id].add(entidad_id)
    validados: dict[int, list] = defaultdict(list)
    reportes: dict[int, list] = defaultdict(list)
    for pk, hito_id, linea_id, estado, porcentaje, fecha in (
        Avance.objects.filter(hito__linea_id__in=ids).exclude(estado=EstadoAvance.DEVUELTO)
        .order_by("-fecha_corte", "-pk").values_list("pk", "hito_id", "hito__linea_id", "estado", "porcentaje",
                                                      "fecha_corte")
    ):
        entidades = frozenset(cubre.get(pk, ()))
        reportes[linea_id].append((fecha, entidades))
        if estado == EstadoAvance.VALIDADO:
            validados[hito_id].append((porcentaje, entidades))
    return validados, reportes


def hojas_por_entidad(hitos, validados: dict[int, list], entidades: list[int]) -> dict[int, dict[int, Decimal]]:
    """Avance de cada hito hoja (sin sub-hitos) en cada entidad."""
    padres = {h.padre_id for h in hitos if h.padre_id}
    return {h.pk: calculo.avance_por_entidad(validados.get(h.pk, []), entidades) for h in hitos if h.pk not in padres}


def media(valores: Iterable[Decimal]) -> Decimal:
    """Las entidades de una línea pesan lo mismo: su consolidado es el promedio."""
    return calculo.ponderar((v, 1) for v in valores) or calculo.CERO


def ultimo_reporte(reportes: list, entidad_id: int) -> date | None:
    return next((fecha for fecha, cubre in reportes if not cubre or entidad_id in cubre), None)


def filas_de_linea(linea, hitos, territorios, validados, reportes, hoy: date, umbrales,
                   estado_de_linea: Callable, dependencia_oferta: int | None) -> list[EstadoLineaEntidad]:
    """Las fotos (sin guardar) de la línea en cada una de sus entidades territoriales."""
    entidades = [t[0] for t in territorios]
    hojas = hojas_por_entidad(hitos, validados, entidades)
    plan = linea.plan
    filas = []
    for entidad_id, depto, region in territorios:
        copia = [SimpleNamespace(pk=h.pk, padre_id=h.padre_id, peso=h.peso, fecha_planeada=h.fecha_planeada,
                                 avance=hojas[h.pk][entidad_id] if h.pk in hojas else h.avance) for h in hitos]
        valores = estado_de_linea(linea, copia, hoy, umbrales)
        filas.append(EstadoLineaEntidad(
            linea_id=linea.pk, entidad_id=entidad_id, plan_id=plan.pk, agenda_id=plan.agenda_id,
            oferente_id=plan.entidad_id, responsable_id=linea.responsable_id, oferta_id=linea.oferta_id,
            dependencia_id=linea.dependencia_id or dependencia_oferta, objetivo_id=linea.objetivo_agenda_id,
            departamento_id=depto, region=region, peso=linea.peso,
            ultimo_reporte=ultimo_reporte(reportes.get(linea.pk, []), entidad_id), **valores,
        ))
    return filas


def consolidar_linea(valores: dict, filas: list[EstadoLineaEntidad], umbrales) -> dict:
    """(línea × ET) → línea: con entidades, el avance de la línea es el promedio del de sus entidades."""
    if not filas:
        return valores
    avance = calculo.redondear(media(f.avance for f in filas), 2)
    # Los hitos vencidos de la línea siguen siendo los que no se cumplieron en todas sus entidades (su
    # promedio queda bajo 100), como los cuenta `estado_de_linea`.
    return {**valores, "avance": avance, "semaforo": calculo.semaforo(avance, valores["esperado"], umbrales)}


def guardar(linea_ids: list[int], filas: list[EstadoLineaEntidad]) -> None:
    """Escribe las fotos por entidad de esas líneas (insertar o actualizar) y borra las de entidades que
    la línea ya no focaliza."""
    from django.db.models import Exists, OuterRef

    EstadoLineaEntidad.objects.filter(linea_id__in=linea_ids).exclude(
        Exists(Focal.objects.filter(lineaplan_id=OuterRef("linea_id"), entidad_id=OuterRef("entidad_id")))
    ).delete()
    if filas:
        EstadoLineaEntidad.objects.bulk_create(
            filas, batch_size=1000, update_conflicts=True, unique_fields=["linea", "entidad"],
            update_fields=[c.removesuffix("_id") for c in _CAMPOS] + ["actualizado"],
        )
