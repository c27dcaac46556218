"""Datos de demostración de las rutas de asistencia (corre después de las demás apps, que ya dejaron
demandas, líneas, planes concertados, hitos, prácticas y asesorías): rutas para los pares entidad
territorial × oferente que aparecen en esos registros, así quedan rutas en cada paso; algunos pasos que
no aplican, egresos con el objetivo cumplido (donde el diagnóstico de 2025 alcanza el objetivo) y
algunas rutas cerradas con motivo. Idempotente (la clave de la ruta y la del egreso) y escalable."""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from agenda.models import LineaPlan, PlanConcertado
from att.models import (
    Capacidad,
    DiagnosticoCapacidad,
    EgresoCapacidad,
    Entidad,
    MotivoEgreso,
    TipoEntidad,
    Usuario,
    ValoracionCapacidad,
)
from demanda.models import Demanda
from rutas.models import EstadoRuta, PasoNoAplica, Protocolo, Ruta


def _pares(tope: int, rng: random.Random) -> list[tuple[int, int]]:
    """(entidad territorial, oferente) de los registros existentes, de los más completos a los menos."""
    pares: list[tuple[int, int]] = []
    vistos = set()

    def agregar(filas):
        for par in filas:
            if par not in vistos and None not in par and len(pares) < tope:
                vistos.add(par)
                pares.append(par)

    agregar(PlanConcertado.oferentes.through.objects.values_list(
        "planconcertado__entidad_territorial_id", "entidad_id").order_by("planconcertado_id")[:tope])
    agregar(LineaPlan.territorios.through.objects.filter(entidad__tipo__in=TipoEntidad.territoriales()).values_list(
        "entidad_id", "lineaplan__plan__entidad_id").order_by("lineaplan_id")[:tope])
    agregar(Demanda.objects.filter(oferta__isnull=False).values_list("entidad_id", "oferta__entidad_id")
            .order_by("pk")[:tope])
    # Entidades con diagnóstico y nada más: rutas que apenas empiezan.
    nacionales = list(Entidad.objects.filter(tipo__in=TipoEntidad.nacionales()).values_list("pk", flat=True)[:30])
    if nacionales:
        agregar((e, rng.choice(nacionales)) for e in DiagnosticoCapacidad.objects.values_list(
            "entidad_id", flat=True).distinct().order_by("entidad_id")[:tope])
    return pares


@transaction.atomic
def generar(*, escala: int, rng: random.Random, salida) -> None:
    autor = Usuario.objects.filter(email="admin@att.demo").first()
    planeacion = Capacidad.objects.filter(codigo="planeacion").first()
    if autor is None or planeacion is None:
        salida.write("  sin el administrador o el catálogo de demostración: nada que hacer")
        return
    tope = min(30 * escala, 5000)
    existentes = set(Ruta.objects.values_list("clave", flat=True))
    nuevas = []
    for et, oferente in _pares(tope, rng):
        clave = f"{et}:{planeacion.pk}:{oferente}"
        if clave in existentes:
            continue
        existentes.add(clave)
        inicio = datetime.date(2024, 1, 15) + datetime.timedelta(days=rng.randint(0, 600))
        nuevas.append((Ruta(entidad_id=et, capacidad=planeacion, inicio=inicio, clave=clave, creada_por=autor),
                       oferente))
    Ruta.objects.bulk_create([r for r, _o in nuevas], batch_size=1000)
    Ruta.oferentes.through.objects.bulk_create(
        [Ruta.oferentes.through(ruta_id=r.pk, entidad_id=o) for r, o in nuevas], batch_size=2000, ignore_conflicts=True)
    rutas = [r for r, _o in nuevas]
    # Algunas rutas sin sistematización (no aplica, con motivo).
    PasoNoAplica.objects.bulk_create([
        PasoNoAplica(ruta=r, protocolo=Protocolo.CONOCIMIENTO, por=autor,
                     motivo="Asistencia puntual: la experiencia se documenta con la del departamento.")
        for r in rutas if rng.random() < 0.1], batch_size=1000, ignore_conflicts=True)
    egresos = _egresos(rutas, planeacion, autor, rng)
    salida.write(f"  rutas de asistencia: {len(rutas)} nuevas; egresos: {egresos}")


def _egresos(rutas, capacidad, autor, rng) -> int:
    """Egreso cumplido donde el último diagnóstico alcanza el objetivo acordado (en una de cada tres de
    esas rutas); cerrada con motivo en una de cada veinte de las demás."""
    if not rutas:
        return 0
    ets = {r.entidad_id for r in rutas}
    objetivos, ultimo = {}, {}
    for d_id, et, valor, objetivo in ValoracionCapacidad.objects.filter(
            diagnostico__entidad_id__in=ets, capacidad=capacidad).values_list(
            "diagnostico_id", "diagnostico__entidad_id", "valor", "objetivo").order_by("diagnostico__fecha", "diagnostico_id"):
        if objetivo is not None:
            objetivos[et] = objetivo
        ultimo[et] = (d_id, valor)
    hoy = datetime.date(2025, 9, 30)
    nuevos = []
    for r in rutas:
        d = ultimo.get(r.entidad_id)
        if d and r.entidad_id in objetivos and d[1] >= objetivos[r.entidad_id] and rng.random() < 1 / 3:
            nuevos.append((r, EgresoCapacidad(entidad_id=r.entidad_id, capacidad=capacidad, motivo=MotivoEgreso.CUMPLIDO,
                                              diagnostico_id=d[0], fecha=hoy, registrado_por=autor, clave=f"ruta:{r.pk}")))
        elif rng.random() < 0.05:
            nuevos.append((r, EgresoCapacidad(entidad_id=r.entidad_id, capacidad=capacidad, motivo=MotivoEgreso.CERRADO,
                                              detalle="La nueva administración no priorizó la asistencia.", fecha=hoy,
                                              registrado_por=autor, clave=f"ruta:{r.pk}")))
    EgresoCapacidad.objects.bulk_create([e for _r, e in nuevos], batch_size=1000)
    for r, e in nuevos:
        r.egreso = e
        r.estado = EstadoRuta.EGRESADA if e.motivo == MotivoEgreso.CUMPLIDO else EstadoRuta.CERRADA
    Ruta.objects.bulk_update([r for r, _e in nuevos], ["egreso", "estado"], batch_size=1000)
    return len(nuevos)
