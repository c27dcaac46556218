"""Datos de demostración del seguimiento: un año de hitos, avances, mediciones y calificaciones.

Volumen por unidad de escala: ~40 líneas con 6 hitos (4 hitos, 2 sub-hitos) y ~30 avances cada una,
2 indicadores con 12 mediciones mensuales, ~60 calificaciones de percepción, asesorías y eventos.
Con `--escala 1000` hay más de un millón de filas de avances y mediciones. Lo masivo (hitos, avances,
mediciones, asesorías, eventos, calificaciones, evaluaciones y sus tablas intermedias) va por COPY
(`att.demo_carga`), en flujo y con los ids tomados de antemano; hitos, avances y las fotos de las
líneas se cargan sin sus índices secundarios, que se recrean al final. Los recálculos y las alertas
siguen pasando por los servicios. Idempotente: si ya hay avances, no hace nada.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from att.consultas import EnArreglo
from att.demo_carga import carga_masiva, copiar, copiar_filas, insertar, reservar_ids
from att.models import (
    Canal,
    Entidad,
    EtapaCiclo,
    Membresia,
    Modalidad,
    Rol,
    Tema,
    TipoEntidad,
    Usuario,
)
from indicadores.models import CierrePeriodo, Indicador, MetaIndicador
from seguimiento import selectors, services
from seguimiento.informes import sumar_meses
from seguimiento.models import (
    Asesoria,
    Avance,
    ConfiguracionSeguimiento,
    ConsentimientoPercepcion,
    EstadoLinea,
    EstadoLineaEntidad,
    EvaluacionLinea,
    EventoMasivo,
    Hito,
    MuestraPercepcion,
    Percepcion,
    SuscripcionInforme,
)

LINEAS_POR_ESCALA = 40
INDICADORES_POR_ESCALA = 2
LOTE_LINEAS = 1000
LOTE_COPY = 10_000
NARRATIVAS = [
    "Mesa técnica con la secretaría de planeación", "Taller de formulación de proyectos",
    "Acompañamiento a la rendición de cuentas", "Revisión del plan de desarrollo con el equipo territorial",
    "Sesión virtual de asistencia sobre el SGR", "Visita en sitio y lista de asistencia",
]
INDICADORES = [
    ("Entidades territoriales asesoradas", "acumulado", "producto", "entidades", 0, 400),
    ("Funcionarios formados en formulación de proyectos", "acumulado", "producto", "personas", 0, 2000),
    ("Porcentaje de ET satisfechas con la asistencia", "flujo", "resultado", "porcentaje", 80, 90),
    ("Municipios con capacidad instalada de planeación", "capacidad", "resultado", "municipios", 120, 300),
    ("Tiempo medio de respuesta a demandas (días)", "reduccion", "gestion", "días", 45, 20),
    ("Planes de trabajo concertados", "acumulado", "gestion", "planes", 0, 150),
]


@lru_cache(maxsize=4096)
def _momento(d: date) -> datetime:
    """Las 10:00 de ese día en la hora local (de a una por fecha: más de un millón de llamadas, pocas fechas)."""
    return timezone.make_aware(datetime.combine(d, time(10, 0)))


def _lineas_propias(*, faltan: int, rng: random.Random, inicio: date, fin: date, salida) -> None:
    """Completa líneas del último año (bajo la agenda existente o una de demostración)."""
    from agenda.models import AgendaNacional, EstadoAgenda, LineaPlan, PlanDeTrabajo
    from oferta.models import Oferta

    agenda = AgendaNacional.objects.order_by("-anio_inicio").first() or AgendaNacional.objects.create(
        nombre="Agenda Nacional de ATT (demostración de seguimiento)", anio_inicio=inicio.year,
        anio_fin=inicio.year + 3, estado=EstadoAgenda.VIGENTE,
    )
    oferentes = list(Entidad.objects.filter(tipo__in=TipoEntidad.nacionales(), activa=True).order_by("pk")[:60])
    canal = Canal.objects.order_by("pk").first()
    etapa = EtapaCiclo.objects.order_by("pk").first()
    clave = make_password("demo-att-2026")
    asesores = {}
    for e in oferentes:
        u, _c = Usuario.objects.get_or_create(
            email=f"asesor.seguimiento{e.pk}@att.demo", defaults={"nombre": f"Asesor de {e.sigla or e.nombre}"[:200], "password": clave}
        )
        Membresia.objects.get_or_create(usuario=u, entidad=e, rol=Rol.OFERENTE)
        asesores[e.pk] = u
    ofertas = {}
    for e in oferentes:
        o = Oferta.objects.filter(entidad=e).order_by("pk").first() or Oferta.objects.create(
            entidad=e, nombre=f"Asistencia técnica de {e.sigla or e.nombre}"[:255], necesidad="Fortalecer capacidades",
            descripcion="Oferta de demostración para el seguimiento", canal=canal, contacto_nombre="Contacto",
            contacto_email="contacto@att.demo", vigencia_desde=inicio,
        )
        ofertas[e.pk] = o
    planes = {}
    for e in oferentes:
        planes[e.pk], _c = PlanDeTrabajo.objects.get_or_create(
            agenda=agenda, entidad=e, vigencia=fin.year, defaults={"estado": "aprobado"}
        )
    territorios = list(Entidad.objects.filter(tipo__in=TipoEntidad.territoriales(), activa=True).values_list("pk", flat=True))
    temas = list(Tema.objects.values_list("pk", flat=True))
    creadas = 0
    while creadas < faltan:
        bloque = []
        for i in range(min(5000, faltan - creadas)):
            e = rng.choice(oferentes)
            ini = inicio + timedelta(days=rng.randint(0, 40))
            bloque.append(LineaPlan(
                plan=planes[e.pk], oferta=ofertas[e.pk], objetivo="Fortalecer capacidades de gestión territorial",
                etapa=etapa, secuencia=(creadas + i) % 30 + 1, fecha_inicio=ini, fecha_fin=fin,
                responsable=asesores[e.pk], peso=Decimal(rng.choice([1, 1, 2, 3])),
            ))
        LineaPlan.objects.bulk_create(bloque, batch_size=2000)
        Focal, Temas = LineaPlan.territorios.through, LineaPlan.temas.through
        Focal.objects.bulk_create([
            # Una de cada diez líneas es un programa regional que llega a muchas entidades (8 a 25).
            Focal(lineaplan_id=l.pk, entidad_id=t) for l in bloque
            for t in rng.sample(territorios, rng.randint(8, 25) if rng.random() < 0.1 else rng.randint(1, 3))
        ], batch_size=5000, ignore_conflicts=True)
        Temas.objects.bulk_create([
            Temas(lineaplan_id=l.pk, tema_id=t) for l in bloque for t in rng.sample(temas, 2)
        ], batch_size=5000, ignore_conflicts=True)
        creadas += len(bloque)
    salida.write(f"  {creadas} líneas de plan del último año para el seguimiento")


class _Hito:
    """Lo que la demo arma de un hito antes del COPY (sin instancia del modelo: cientos de miles a escala 1000)."""

    __slots__ = ("avance", "cumplido_en", "fecha_planeada", "linea", "nombre", "padre", "peso", "pk", "ritmo")

    def __init__(self, linea, nombre: str, peso: Decimal, fecha_planeada: date, ritmo: float, padre=None):
        self.linea, self.nombre, self.peso, self.fecha_planeada, self.ritmo = linea, nombre, peso, fecha_planeada, ritmo
        self.padre, self.pk, self.avance, self.cumplido_en = padre, None, Decimal(0), None


def _copiar_hitos(hitos: list[_Hito]) -> None:
    """COPY de los hitos con ids tomados de antemano de la secuencia (las mismas columnas que pondría el ORM)."""
    for h, pk in zip(hitos, reservar_ids(Hito._meta.db_table, len(hitos)), strict=True):
        h.pk = pk
    ahora = timezone.now()
    copiar_filas(Hito, (
        (h.pk, h.linea.pk, h.padre.pk if h.padre is not None else None, h.nombre, "", h.peso, h.fecha_planeada,
         h.avance, h.cumplido_en, False, ahora, ahora) for h in hitos))


def _hitos_y_avances(lineas, *, rng: random.Random, hoy: date, revisor_id: int) -> tuple[int, int]:
    """Hitos (con sub-hitos) y una historia mensual de avances por línea; devuelve (hitos, avances)."""
    padres, subhitos, sueltos = [], [], []
    for l in lineas:
        dur = max(10, (l.fecha_fin - l.fecha_inicio).days)
        ritmo = rng.choice([1.1, 1.0, 1.0, 0.95, 0.9, 0.8, 0.7, 0.5])
        fracciones = sorted(rng.uniform(0.15, 1.0) for _ in range(4))
        fracciones[-1] = 1.0
        for k, f in enumerate(fracciones):
            fecha = l.fecha_inicio + timedelta(days=int(dur * f))
            h = _Hito(l, f"Hito {k + 1}: {rng.choice(NARRATIVAS)}"[:255], Decimal(rng.choice([1, 1, 2, 3])), fecha,
                      ritmo)
            if k == 0:
                padres.append(h)
                subhitos.append([
                    _Hito(l, f"Sub-hito 1.{j + 1}", Decimal(j + 1),
                          l.fecha_inicio + timedelta(days=int(dur * f * (j + 1) / 2)), ritmo, padre=h)
                    for j in range(2)
                ])
            else:
                sueltos.append(h)
    # Avance de cada hoja: cortes mensuales desde el inicio de la línea hasta hoy.
    filas = []
    hojas = sueltos + [s for lista in subhitos for s in lista]
    reciente, mes = hoy - timedelta(days=30), timedelta(days=30)
    for h in hojas:
        l, ritmo = h.linea, h.ritmo
        actual = Decimal(0)
        corte = l.fecha_inicio + mes
        historia = []
        # Lo que no cambia mes a mes, fuera del ciclo (millones de vueltas a escala 1000).
        tope = min(hoy, l.fecha_fin + timedelta(days=60))
        plazo = max(1, (h.fecha_planeada - l.fecha_inicio).days)
        while corte <= tope:
            esperado = min(1.0, (corte - l.fecha_inicio).days / plazo)
            # Un entero: su Decimal ya tiene exponente 0 (lo que daba `.quantize(Decimal(1))`).
            nuevo = Decimal(min(100, round(100 * esperado * ritmo * rng.uniform(0.85, 1.1))))
            if nuevo > actual:
                estado = "validado"
                if corte > reciente:
                    estado = rng.choice(["reportado", "reportado", "validado"])
                elif rng.random() < 0.03:
                    estado = "devuelto"
                historia.append((nuevo, corte, estado))
                if estado == "validado":
                    actual = nuevo
            if actual >= 100:
                break
            corte += mes
        h.avance = actual
        h.cumplido_en = next((c for p, c, e in historia if e == "validado" and p >= 100), None)
        filas.append((h, historia, l))
    for p, subs in zip(padres, subhitos, strict=True):
        p.avance = (sum(s.avance * s.peso for s in subs) / sum(s.peso for s in subs)).quantize(Decimal("0.01"))
    # Los hitos y sus sub-hitos en un solo COPY (los padres primero: sus ids, como antes, antes que los de las hojas).
    _copiar_hitos(padres + sueltos + [s for lista in subhitos for s in lista])

    def filas_avance():
        for h, historia, l in filas:
            for porcentaje, corte, estado in historia:
                revisado = estado != "reportado"
                revisado_en = _momento(corte + timedelta(days=3)) if revisado else None
                yield (h.pk, porcentaje, corte, rng.choice(NARRATIVAS), estado, l.responsable_id, _momento(corte),
                       revisor_id if revisado else None, revisado_en,
                       "Falta la lista de asistencia" if estado == "devuelto" else "",
                       revisado_en or _momento(corte))  # actualizado: la última escritura (actualizado_desde)

    n = copiar("seguimiento_avance", ["hito_id", "porcentaje", "fecha_corte", "narrativa", "estado", "registrado_por_id",
                                     "registrado_en", "revisado_por_id", "revisado_en", "comentario_revision",
                                     "actualizado"],
              filas_avance())
    return len(padres) + len(hojas), n


def _indicadores(*, escala: int, rng: random.Random, meses: list[date], salida) -> int:
    oferentes = list(Entidad.objects.filter(tipo__in=TipoEntidad.nacionales(), activa=True).order_by("pk")[:60])
    from agenda.models import AgendaNacional

    agenda = AgendaNacional.objects.order_by("-anio_inicio").first()
    nuevos = []
    for i in range(INDICADORES_POR_ESCALA * escala):
        nombre, acum, tipo, unidad, base, meta = INDICADORES[i % len(INDICADORES)]
        e = oferentes[i % len(oferentes)]
        nuevos.append(Indicador(
            nombre=f"{nombre} – {e.sigla or e.nombre}"[:255], descripcion=f"{nombre} de la asistencia técnica.",
            formula="Ver variables", variables="Registros administrativos de la entidad", tipo=tipo, unidad=unidad,
            frecuencia="mensual", linea_base=Decimal(base), meta_cuatrienio=Decimal(meta), tipo_acumulacion=acum,
            unidad_responsable="Dirección técnica", entidad=e, agenda=agenda,
        ))
    Indicador.objects.bulk_create(nuevos, batch_size=5000)
    anios = sorted({m.year for m in meses})
    MetaIndicador.objects.bulk_create([
        MetaIndicador(indicador=ind, anio=a, valor=(ind.meta_cuatrienio / 4 if ind.tipo_acumulacion == "acumulado"
                                                    else ind.meta_cuatrienio))
        for ind in nuevos for a in anios
    ], batch_size=5000)

    def filas():
        for ind in nuevos:
            base, meta = float(ind.linea_base), float(ind.meta_cuatrienio)
            for k, m in enumerate(meses):
                if ind.tipo_acumulacion == "acumulado":
                    v = max(0, rng.gauss(meta / 48, meta / 150))
                elif ind.tipo_acumulacion == "flujo":
                    v = rng.uniform(min(base, meta) - 5, max(base, meta) + 3)
                else:  # capacidad y reducción: trayectoria de la línea base a la meta
                    v = base + (meta - base) * (k + 1) / 48 * rng.uniform(0.6, 1.3)
                yield (ind.pk, m, round(Decimal(v), 2), "", None, _momento(m + timedelta(days=35)))

    n = copiar("seguimiento_medicion", ["indicador_id", "periodo", "valor", "observacion", "registrada_por_id",
                                       "registrada_en"], filas())
    salida.write(f"  {len(nuevos)} indicadores con {n} mediciones")
    return n


@transaction.atomic
def _avances_por_entidad(ids: list[int], *, rng: random.Random, hoy: date, revisor_id: int) -> int:
    """En las líneas con varias entidades, un avance validado reciente solo para algunas de ellas (un taller
    regional al que no llegaron todas): esas entidades van adelante y las demás se quedan con lo que
    llevaban. El avance de cada hito hoja queda en el promedio de sus entidades, y el de sus padres se
    consolida de nuevo. Devuelve los avances creados."""
    from django.db import connection

    from agenda.models import LineaPlan

    Focal = LineaPlan.territorios.through
    por_linea: dict[int, list[int]] = {}
    for linea_id, entidad_id in Focal.objects.filter(EnArreglo(F("lineaplan_id"), ids)).values_list("lineaplan_id", "entidad_id"):
        por_linea.setdefault(linea_id, []).append(entidad_id)
    varias = {k: v for k, v in por_linea.items() if len(v) > 1}
    creados = 0
    nuevos, cubren, medias = [], [], []
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE seguimiento_hito")  # recién cargados: sin estadísticas aún

    def escribir():
        # Filas y no instancias de Avance (decenas de miles): las columnas que pondría el ORM, con ids de antemano.
        ids_nuevos = reservar_ids(Avance._meta.db_table, len(nuevos))
        ahora, revisado_en = timezone.now(), _momento(hoy)
        copiar_filas(Avance, (
            (pk, hito_id, porcentaje, corte, narrativa, "validado", responsable_id, ahora, revisor_id, revisado_en, "",
             "", ahora) for pk, (hito_id, porcentaje, corte, narrativa, responsable_id) in zip(ids_nuevos, nuevos, strict=True)))
        # Los avances que ya tenía la línea valían para todas sus entidades (sin entidades = todas).
        copiar(Avance.entidades.through._meta.db_table, ("avance_id", "entidad_id"),
               ((pk, e) for pk, es in zip(ids_nuevos, cubren, strict=True) for e in es))
        if medias:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE seguimiento_hito h SET avance = v.avance FROM unnest(%s::bigint[], %s::numeric[]) "
                    "AS v(id, avance) WHERE h.id = v.id", [[m[0] for m in medias], [m[1] for m in medias]])

    # Las hojas sin cumplir de todas las líneas en una sola lectura, en el orden de siempre (línea, fecha, pk; el
    # orden en que se sortean), y se escriben por tandas. Corre durante la carga masiva, sin índices: por eso una
    # lectura entera y no una por lote de líneas.
    hojas = (Hito.objects.filter(subhitos__isnull=True, avance__lt=100).order_by("linea_id", "fecha_planeada", "pk")
             .values_list("pk", "avance", "linea_id", "linea__responsable_id"))
    # Una lectura completa y no un cursor del servidor: con el cursor, el planificador buscaba la primera fila
    # pronto (un anti-join fila a fila sin el índice de padre) y cada tanda tardaba decenas de segundos.
    for hito_id, avance, linea_id, responsable_id in list(hojas):
        entidades = varias.get(linea_id)
        if entidades is None:
            continue
        adelante = rng.sample(entidades, rng.randint(1, len(entidades) - 1))
        porcentaje = min(Decimal(100), avance + rng.randint(15, 45))
        corte = hoy - timedelta(days=rng.randint(3, 20))
        nuevos.append((hito_id, porcentaje, corte, rng.choice(NARRATIVAS), responsable_id))
        cubren.append(adelante)
        medias.append((hito_id, ((porcentaje * len(adelante) + avance * (len(entidades) - len(adelante)))
                                 / len(entidades)).quantize(Decimal("0.01"))))
        if len(nuevos) == LOTE_COPY:
            escribir()
            creados += len(nuevos)
            nuevos, cubren, medias = [], [], []
    escribir()
    creados += len(nuevos)
    # Los hitos padres de esas líneas, con el consolidado de sus sub-hitos ya movidos. `IN (SELECT unnest(…))` y no
    # `= ANY(…)`: sin el índice por línea, PostgreSQL recorría el arreglo de decenas de miles de líneas en cada fila.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE seguimiento_hito p SET avance = s.avance FROM (SELECT padre_id, "
            "ROUND(SUM(avance * peso) / SUM(peso), 2) AS avance FROM seguimiento_hito "
            "WHERE padre_id IS NOT NULL AND linea_id IN (SELECT unnest(%s::bigint[])) GROUP BY padre_id) s "
            "WHERE p.id = s.padre_id", [sorted(varias)])
    return creados


def generar(*, escala: int, rng: random.Random, salida) -> None:
    from agenda.models import LineaPlan

    if Avance.objects.exists():
        salida.write("  ya hay avances de seguimiento: nada que hacer")
        return
    ConfiguracionSeguimiento.obtener()
    hoy = timezone.localdate()
    inicio = sumar_meses(hoy.replace(day=1), -11)
    fin = sumar_meses(inicio, 12) - timedelta(days=1)
    meses = [sumar_meses(inicio, k) for k in range(12)]
    revisor = (Usuario.objects.filter(membresias__rol=Rol.SEGUIMIENTO_DNP).order_by("pk").first()
               or Usuario.objects.filter(is_superuser=True).order_by("pk").first())
    if revisor is None:
        salida.write("  falta el equipo de seguimiento DNP de demostración (genere primero «att»)")
        return
    objetivo = LINEAS_POR_ESCALA * escala
    existentes = LineaPlan.objects.count()
    if existentes < objetivo:
        _lineas_propias(faltan=objetivo - existentes, rng=rng, inicio=inicio, fin=fin, salida=salida)
    ids = list(LineaPlan.objects.order_by("pk").values_list("pk", flat=True))
    total_hitos = total_avances = 0
    # Hitos y avances (cientos de miles a escala 1000) por COPY, sin índices secundarios mientras tanto.
    with transaction.atomic(), carga_masiva(Hito, Avance, Avance.entidades.through):
        for i in range(0, len(ids), LOTE_LINEAS):
            lineas = list(LineaPlan.objects.filter(pk__in=ids[i:i + LOTE_LINEAS]).only(
                "pk", "fecha_inicio", "fecha_fin", "responsable_id"))
            h, a = _hitos_y_avances(lineas, rng=rng, hoy=hoy, revisor_id=revisor.pk)
            total_hitos += h
            total_avances += a
        salida.write(f"  {total_hitos} hitos y {total_avances} avances en {len(ids)} líneas")
        # En la misma carga (sin índices ni revisión de llaves foráneas; se recrean una sola vez al final).
        salida.write(f"  {_avances_por_entidad(ids, rng=rng, hoy=hoy, revisor_id=revisor.pk)} avances para parte "
                     "de las entidades de una línea (el avance difiere entre sus entidades)")
    # El servicio de cada noche, una vez, sobre las tablas de fotos recién vacías: sin sus índices secundarios
    # mientras escribe (cientos de miles de filas por entidad a escala 1000) y recreados al final.
    # Lotes de 10.000 líneas y no de 2.000: cada lote lee los avances de sus líneas con un recorrido de la tabla de
    # avances (casi un millón de filas), y cinco veces menos lotes son cinco veces menos recorridos.
    with transaction.atomic(), carga_masiva(EstadoLinea, EstadoLineaEntidad):
        services.recalcular_todas(hoy=hoy, lote=10_000)
    # La tarea diaria de hitos vencidos, una vez: la demo queda con las alertas que crearía. Marca la mitad de los
    # hitos (vencimiento alertado): sin los índices secundarios de los hitos mientras tanto (cada fila reescrita
    # entraba en los cuatro) y recreados al final.
    with transaction.atomic(), carga_masiva(Hito):
        vencidos = services.alertar_hitos_vencidos(hoy)
    salida.write(f"  {vencidos} hitos vencidos alertados")
    total_mediciones = _indicadores(escala=escala, rng=rng, meses=meses, salida=salida)
    from oferta import demo as demo_oferta

    salida.write(f"  {demo_oferta.disenar_ofertas(cuantas=5, rng=rng)} ofertas con diseño del producto y plantilla de hitos")
    CierrePeriodo.objects.bulk_create([CierrePeriodo(periodo=m, cerrado_por=revisor) for m in meses[:-2]],
                                      ignore_conflicts=True)
    # Asesorías (una ET) y eventos masivos (varias ET).
    oferentes = list(Entidad.objects.filter(tipo__in=TipoEntidad.nacionales()).values_list("pk", flat=True)[:60])
    modalidades = list(Modalidad.objects.all())
    canales = list(Canal.objects.all())
    temas = list(Tema.objects.values_list("pk", flat=True))
    territoriales = list(Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA).values_list("pk", flat=True))
    asesorias = [
        Asesoria(oferente_id=rng.choice(oferentes), entidad_id=rng.choice(territoriales),
                 fecha=min(hoy, m + timedelta(days=rng.randint(0, 27))), modalidad=rng.choice(modalidades),
                 canal=rng.choice(canales), participantes=rng.randint(1, 12), descripcion=rng.choice(NARRATIVAS),
                 registrado_por=revisor)
        for m in meses for _ in range(2 * escala)
    ]
    insertar(Asesoria, asesorias)
    copiar(Asesoria.temas.through._meta.db_table, ("asesoria_id", "tema_id"),
           ((a.pk, rng.choice(temas)) for a in asesorias))
    eventos = [
        EventoMasivo(oferente_id=rng.choice(oferentes), nombre=f"Encuentro regional {m:%Y-%m} #{k + 1}",
                     fecha=min(hoy, m + timedelta(days=rng.randint(0, 27))), modalidad=rng.choice(modalidades),
                     canal=rng.choice(canales), participantes=rng.randint(20, 300), registrado_por=revisor)
        for m in meses for k in range(max(1, escala // 5))
    ]
    insertar(EventoMasivo, eventos)
    asistentes = {e.pk: rng.sample(territoriales, 15) for e in eventos}
    copiar(EventoMasivo.entidades.through._meta.db_table, ("eventomasivo_id", "entidad_id"),
           ((e, t) for e, ts in asistentes.items() for t in ts))
    copiar(EventoMasivo.temas.through._meta.db_table, ("eventomasivo_id", "tema_id"),
           ((e.pk, rng.choice(temas)) for e in eventos))
    n_consentimientos, n_revocados = _consentimientos(rng=rng, revisor=revisor)
    # Decenas de miles de calificaciones y evaluaciones por COPY: sin índices secundarios ni revisión fila a fila de
    # las llaves foráneas mientras tanto (los ids son de filas recién leídas o creadas).
    with transaction.atomic(), carga_masiva(Percepcion):
        n_percepciones = _percepciones(rng=rng, revisor=revisor, hoy=hoy, asesorias=asesorias, eventos=eventos,
                                       asistentes=asistentes, cuantas=52 * max(1, escala // 10) * 12)
    elegibles = list(selectors.entidades_asesoradas().filter(selectors.con_consentimiento())
                     .values_list("pk", flat=True))
    for m in meses[-3:]:
        muestra = MuestraPercepcion.objects.create(periodo=m, semilla=rng.randrange(2**31), universo=len(elegibles),
                                                   creada_por=revisor)
        muestra.entidades.set(rng.sample(elegibles, min(52, len(elegibles))))
    with transaction.atomic(), carga_masiva(EvaluacionLinea):
        n_evaluaciones = _evaluaciones(rng=rng, revisor=revisor, hoy=hoy)
    salida.write(f"  {n_consentimientos} consentimientos de percepción ({n_revocados} revocados), "
                 f"{n_percepciones} calificaciones atadas a asistencia recibida, {n_evaluaciones} evaluaciones "
                 "de líneas (intermedias y finales)")
    SuscripcionInforme.objects.get_or_create(usuario=revisor, alcance="nacional")
    salida.write(f"  {len(asesorias)} asesorías, {len(eventos)} eventos; "
                 f"{total_avances + total_mediciones} filas de avances y mediciones")


def _consentimientos(*, rng: random.Random, revisor) -> tuple[int, int]:
    """Nueve de cada diez ETs asesoradas dan su consentimiento (el DNP lo registra en la entrevista); una de cada
    veinte de ellas lo revoca después."""
    ahora = timezone.now()
    asesoradas = list(selectors.entidades_asesoradas().values_list("pk", flat=True))
    dan = [pk for pk in asesoradas if rng.random() < 0.9]
    filas = []
    for pk in dan:
        otorgado = ahora - timedelta(days=rng.randint(200, 400))
        revoca = rng.random() < 0.05
        filas.append(ConsentimientoPercepcion(
            entidad_id=pk, otorgado_en=otorgado, otorgado_por=revisor,
            revocado_en=otorgado + timedelta(days=rng.randint(30, 150)) if revoca else None,
            revocado_por=revisor if revoca else None,
            motivo_revocacion="Cambio de administración: el nuevo equipo pidió no ser contactado" if revoca else ""))
    ConsentimientoPercepcion.objects.bulk_create(filas, batch_size=5000, ignore_conflicts=True)
    return len(filas), sum(1 for f in filas if f.revocado_en)


def _percepciones(*, rng: random.Random, revisor, hoy: date, asesorias, eventos, asistentes, cuantas: int) -> int:
    """Calificaciones de asistencias que las ETs recibieron de verdad (asesorías suyas, eventos a los que
    asistieron, líneas que las alcanzaron), solo de ETs con consentimiento vigente; el oferente es el del registro
    y la fecha, unos días después de la asistencia. Una de cada veinte ETs califica mal (atención prioritaria)."""
    from seguimiento.models import EstadoLineaEntidad

    con = set(ConsentimientoPercepcion.objects.filter(revocado_en__isnull=True).values_list("entidad_id", flat=True))
    if not con:
        return 0
    malas = {pk for pk in con if rng.random() < 0.05}
    recibidas = [("asesoria", a.pk, a.entidad_id, a.oferente_id, a.fecha) for a in asesorias if a.entidad_id in con]
    recibidas += [("evento", e.pk, t, e.oferente_id, e.fecha) for e in eventos for t in asistentes[e.pk] if t in con]
    recibidas += [("linea", l, t, o, f) for l, t, o, f in EstadoLineaEntidad.objects.filter(
        ultimo_reporte__isnull=False, entidad_id__in=list(con)).values_list(
        "linea_id", "entidad_id", "oferente_id", "ultimo_reporte")]
    if not recibidas:
        return 0
    percepciones, total = [], 0
    for tipo, pk, entidad, oferente, fecha in rng.choices(recibidas, k=cuantas):
        base = rng.choice([2, 2, 3]) if entidad in malas else rng.choices([5, 4, 3, 2], [35, 45, 15, 5])[0]
        nota = lambda base=base: max(1, min(5, base + rng.choice([-1, 0, 0, 0, 1])))
        percepciones.append(Percepcion(
            entidad_id=entidad, oferente_id=oferente, **{f"{tipo}_id": pk},
            fecha=min(hoy, fecha + timedelta(days=rng.randint(0, 20))), calidad=nota(), pertinencia=nota(),
            oportunidad=nota(), comentario=rng.choice(["", "", "Muy útil", "Llegó tarde", "Faltó seguimiento"]),
            registrada_por=revisor,
        ))
        if len(percepciones) == LOTE_COPY:  # en flujo: la memoria no crece con la escala
            total += len(insertar(Percepcion, percepciones))
            percepciones = []
    return total + len(insertar(Percepcion, percepciones))


def _evaluaciones(*, rng: random.Random, revisor, hoy: date) -> int:
    """Evaluación intermedia de las líneas que pasaron la mitad de su plazo y final de las que terminaron (o ya
    llegaron al 90 % de avance), con el resultado que su avance sugiere (004, actividad 4)."""
    from seguimiento.models import EstadoLinea, EvaluacionLinea, ResultadoEvaluacion, TipoEvaluacion

    def resultado(avance):
        return (ResultadoEvaluacion.CUMPLE if avance >= 80 else ResultadoEvaluacion.PARCIAL if avance >= 40
                else ResultadoEvaluacion.NO_CUMPLE)

    filas, total = [], 0
    for linea_id, inicio, fin, avance in EstadoLinea.objects.values_list(
            "linea_id", "linea__fecha_inicio", "linea__fecha_fin", "avance").iterator(chunk_size=5000):
        mitad = inicio + (fin - inicio) / 2
        if mitad <= hoy:
            filas.append(EvaluacionLinea(
                linea_id=linea_id, tipo=TipoEvaluacion.INTERMEDIA, fecha=mitad, resultado=resultado(min(avance * 2, 100)),
                avance_linea=(avance / 2).quantize(Decimal("0.01")), registrada_por=revisor,
                hallazgos=rng.choice(["Avance según lo previsto; la ET participa en las sesiones.",
                                      "Retraso por cambio del equipo territorial; se ajustó el cronograma.",
                                      "Faltan evidencias de asistencia de dos sesiones."]),
                recomendaciones="Mantener la mesa técnica mensual."))
        # Final: la línea terminó, o ya cumplió (casi) todo su avance y se cierra antes de tiempo.
        if mitad <= hoy and (fin < hoy or avance >= 90):
            filas.append(EvaluacionLinea(
                linea_id=linea_id, tipo=TipoEvaluacion.FINAL, fecha=min(fin, hoy), resultado=resultado(avance),
                avance_linea=avance, registrada_por=revisor,
                hallazgos=rng.choice(["Se cumplió el objetivo de la línea.",
                                      "Se cumplió en parte: quedó pendiente la transferencia del instrumento.",
                                      "No se cumplió: la ET no priorizó la línea."]),
                recomendaciones=""))
        if len(filas) >= LOTE_COPY:  # en flujo, por trozos (una intermedia y una final a lo sumo por línea)
            total += len(insertar(EvaluacionLinea, filas))
            filas = []
    return total + len(insertar(EvaluacionLinea, filas))
