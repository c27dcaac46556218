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

from django.db.models import F

from agenda.models import LineaPlan
from att.consultas import EnArreglo
from seguimiento import calculo
from seguimiento.models import Avance, EstadoAvance, EstadoLineaEntidad

Focal = LineaPlan.territorios.through

_CAMPOS = ["plan_id", "agenda_id", "oferente_id", "responsable_id", "oferta_id", "dependencia_id", "objetivo_id",
           "departamento_id", "region", "peso", "avance", "esperado", "semaforo", "hitos_vencidos", "ultimo_reporte"]


def territorios_de(linea_ids: Iterable[int]) -> dict[int, list[tuple[int, str | None, str]]]:
    """(entidad, departamento, región) de cada entidad territorial focalizada por cada línea (una consulta)."""
    resultado: dict[int, list] = defaultdict(list)
    for linea_id, entidad_id, depto, region in (
        Focal.objects.filter(EnArreglo(F("lineaplan_id"), linea_ids))
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
    por_avance: dict[int, list] = defaultdict(list)
    for avance_id, entidad_id in Avance.entidades.through.objects.filter(
        EnArreglo(F("avance__hito__linea_id"), ids)
    ).values_list("avance_id", "entidad_id"):
        por_avance[avance_id].append(entidad_id)
    # Un conjunto por avance con entidades y el mismo vacío para los demás (la mayoría): cientos de miles por lote.
    cubre = {pk: frozenset(es) for pk, es in por_avance.items()}
    ninguna: frozenset = frozenset()
    validados: dict[int, list] = defaultdict(list)
    reportes: dict[int, list] = defaultdict(list)
    validado = EstadoAvance.VALIDADO
    for pk, hito_id, linea_id, estado, porcentaje, fecha in (
        Avance.objects.filter(EnArreglo(F("hito__linea_id"), ids)).exclude(estado=EstadoAvance.DEVUELTO)
        .order_by("-fecha_corte", "-pk").values_list("pk", "hito_id", "hito__linea_id", "estado", "porcentaje",
                                                      "fecha_corte")
    ):
        entidades = cubre.get(pk, ninguna)
        reportes[linea_id].append((fecha, entidades))
        if estado == validado:
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


class HitoLigero:
    """Lo que el cálculo lee de un hito (sin instancia del modelo): el recálculo diario arma cientos de miles."""

    __slots__ = ("avance", "fecha_planeada", "padre_id", "peso", "pk")

    def __init__(self, pk, padre_id, peso, fecha_planeada, avance):
        self.pk, self.padre_id, self.peso, self.fecha_planeada, self.avance = pk, padre_id, peso, fecha_planeada, avance


class Foto:
    """Una foto (línea × entidad) sin guardar, con las columnas que escribe `guardar`: sin instancia del modelo (el
    recálculo diario arma cientos de miles); `guardar` arma las instancias solo cuando va por bulk_create."""

    __slots__ = ("entidad_id", "linea_id", *_CAMPOS)

    def __init__(self, linea_id: int, entidad_id: int, **valores):
        self.linea_id, self.entidad_id = linea_id, entidad_id
        for campo, valor in valores.items():
            setattr(self, campo, valor)

    def instancia(self) -> EstadoLineaEntidad:
        return EstadoLineaEntidad(linea_id=self.linea_id, entidad_id=self.entidad_id,
                                  **{c: getattr(self, c) for c in _CAMPOS})


def filas_de_linea(linea, hitos, territorios, validados, reportes, hoy: date, umbrales,
                   estado_de_linea: Callable, dependencia_oferta: int | None,
                   valores_linea: dict | None = None) -> list[Foto]:
    """Las fotos (sin guardar) de la línea en cada una de sus entidades territoriales. Las entidades con el mismo
    avance en cada hito tienen las mismas cifras: se calculan una vez (`estado_de_linea` solo depende de eso).
    `valores_linea`, si viene, es `estado_de_linea` de la línea con los avances de sus hitos: una entidad con esos
    mismos avances (la que ya lleva lo de la línea, casi siempre) los toma sin calcularlos otra vez."""
    entidades = [t[0] for t in territorios]
    hojas = hojas_por_entidad(hitos, validados, entidades)
    plan = linea.plan
    filas = []
    calculados: dict[tuple, dict] = {}
    if valores_linea is not None:
        calculados[tuple(h.avance for h in hitos)] = valores_linea
    for entidad_id, depto, region in territorios:
        avances = tuple(hojas[h.pk][entidad_id] if h.pk in hojas else h.avance for h in hitos)
        valores = calculados.get(avances)
        if valores is None:
            copia = [HitoLigero(h.pk, h.padre_id, h.peso, h.fecha_planeada, a) for h, a in zip(hitos, avances, strict=True)]
            valores = calculados[avances] = estado_de_linea(linea, copia, hoy, umbrales)
        filas.append(Foto(
            linea.pk, entidad_id, plan_id=plan.pk, agenda_id=plan.agenda_id,
            oferente_id=plan.entidad_id, responsable_id=linea.responsable_id, oferta_id=linea.oferta_id,
            dependencia_id=linea.dependencia_id or dependencia_oferta, objetivo_id=linea.objetivo_agenda_id,
            departamento_id=depto, region=region, peso=linea.peso,
            ultimo_reporte=ultimo_reporte(reportes.get(linea.pk, []), entidad_id), **valores,
        ))
    return filas


def consolidar_linea(valores: dict, filas: list[Foto], umbrales) -> dict:
    """(línea × ET) → línea: con entidades, el avance de la línea es el promedio del de sus entidades."""
    if not filas:
        return valores
    avance = calculo.redondear(media(f.avance for f in filas), 2)
    # Los hitos vencidos de la línea siguen siendo los que no se cumplieron en todas sus entidades (su
    # promedio queda bajo 100), como los cuenta `estado_de_linea`.
    return {**valores, "avance": avance, "semaforo": calculo.semaforo(avance, valores["esperado"], umbrales)}


# Desde este número de fotos, `guardar` escribe por COPY a una tabla temporal y de ahí INSERT … ON CONFLICT: el
# recálculo diario escribe cientos de miles y bulk_create las manda en arreglos que psycopg arma en Python.
UMBRAL_COPY = 1000


def guardar(linea_ids: list[int], filas: list[Foto]) -> None:
    """Escribe las fotos por entidad de esas líneas (insertar o actualizar) y borra las de entidades que
    la línea ya no focaliza."""
    from django.db import transaction
    from django.db.models import Exists, OuterRef

    with transaction.atomic():
        EstadoLineaEntidad.objects.filter(EnArreglo(F("linea_id"), linea_ids)).exclude(
            Exists(Focal.objects.filter(lineaplan_id=OuterRef("linea_id"), entidad_id=OuterRef("entidad_id")))
        ).delete()
        if len(filas) >= UMBRAL_COPY:
            _guardar_por_copy(filas)
        elif filas:
            EstadoLineaEntidad.objects.bulk_create(
                [f.instancia() for f in filas], batch_size=1000, update_conflicts=True, unique_fields=["linea", "entidad"],
                update_fields=[c.removesuffix("_id") for c in _CAMPOS] + ["actualizado"],
            )


def _guardar_por_copy(filas: list[Foto]) -> None:
    """Lo mismo que el bulk_create con `update_conflicts` de `guardar` (insertar o actualizar por línea y
    entidad, ids nuevos en el orden de `filas`), por COPY a una tabla temporal. Dentro de una transacción."""
    from django.db import connection
    from django.utils import timezone

    tabla = EstadoLineaEntidad._meta.db_table
    columnas = ["linea_id", "entidad_id", *_CAMPOS, "actualizado"]
    lista = ", ".join(columnas)
    ahora = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE foto_por_entidad ON COMMIT DROP AS SELECT 0::bigint AS orden, {lista} "
                       f"FROM {tabla} WITH NO DATA")
        with cursor.cursor.copy(f"COPY foto_por_entidad (orden, {lista}) FROM STDIN") as copia:
            for orden, f in enumerate(filas):
                copia.write_row((orden, *(getattr(f, c) for c in columnas[:-1]), ahora))
        cursor.execute(
            f"INSERT INTO {tabla} ({lista}) SELECT {lista} FROM foto_por_entidad ORDER BY orden "
            f"ON CONFLICT (linea_id, entidad_id) DO UPDATE SET "
            + ", ".join(f"{c} = EXCLUDED.{c}" for c in columnas[2:]))
        cursor.execute("DROP TABLE foto_por_entidad")
