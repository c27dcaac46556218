"""Demandas de demostración en las proporciones de la encuesta 2021 (DOMAIN §9: de 560
municipios, planeación 167, agua potable y saneamiento 52, vivienda 45, agricultura 37,
ambiente 13…; los menos: centros de reclusión 1, trabajo 1, minas y energía 2).

`200 * escala` demandas (escala 1000 → 200.000) con COPY de psycopg para la tabla principal,
las intermedias y la línea de tiempo, en flujo por trozos y sin los índices secundarios mientras
carga (`att.demo_carga`). Corre después de la demo de la oferta: las demandas
vinculadas apuntan a ofertas publicadas del mismo tema. Idempotente: solo crea las que faltan.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections import defaultdict

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from att.demo_carga import carga_masiva, copiar, reservar_ids
from att.models import Canal, Capacidad, Entidad, EtapaCiclo, Modalidad, Tema, TipoEntidad, Usuario
from demanda.models import Demanda, EventoDemanda, FuenteNecesidad
from demanda.models import EstadoDemanda as E
from oferta.models import EstadoOferta, Oferta

PESOS_TEMA = {
    "planeacion": 167, "agua-saneamiento": 52, "vivienda": 45, "agricultura": 37, "ambiente": 13,
    "hacienda-finanzas": 28, "proyectos": 25, "fortalecimiento-institucional": 22, "ordenamiento-territorial": 18,
    "plan-indicativo": 12, "seguimiento-pdt": 8, "marco-fiscal": 8, "poai": 6, "sgr": 10, "educacion": 12,
    "salud": 12, "gestion-riesgo": 10, "victimas": 9, "contratacion": 8, "participacion-ciudadana": 6,
    "transporte": 8, "cultura": 5, "deporte-recreacion": 5, "tic": 5, "mujeres-genero": 4, "grupos-etnicos": 4,
    "juventud": 3, "migrantes": 3, "servicios-publicos": 4, "desarrollo-comunitario": 3, "justicia-seguridad": 3,
    "comercio-turismo": 3, "centros-reclusion": 1, "trabajo": 1, "minas-energia": 2,
}
PESOS_ESTADO = {
    E.REGISTRADA: 0.28, E.EN_ANALISIS: 0.14, E.REMITIDA: 0.10, E.VINCULADA: 0.12, E.EN_ATENCION: 0.10,
    E.ATENDIDA: 0.08, E.CERRADA: 0.12, E.NO_PERTINENTE: 0.06,
}
CAMINO = {
    E.REGISTRADA: [], E.EN_ANALISIS: [E.EN_ANALISIS], E.REMITIDA: [E.EN_ANALISIS, E.REMITIDA],
    E.VINCULADA: [E.EN_ANALISIS, E.VINCULADA], E.EN_ATENCION: [E.EN_ANALISIS, E.VINCULADA, E.EN_ATENCION],
    E.ATENDIDA: [E.EN_ANALISIS, E.VINCULADA, E.EN_ATENCION, E.ATENDIDA],
    E.CERRADA: [E.EN_ANALISIS, E.VINCULADA, E.EN_ATENCION, E.ATENDIDA, E.CERRADA],
    E.NO_PERTINENTE: [E.EN_ANALISIS, E.NO_PERTINENTE],
}
PESOS_FUENTE = {
    FuenteNecesidad.METAS_PDT: 0.30, FuenteNecesidad.DIAGNOSTICO: 0.25, FuenteNecesidad.INDICADORES: 0.15,
    FuenteNecesidad.DIALOGOS: 0.12, FuenteNecesidad.PETICION: 0.10, FuenteNecesidad.SENTENCIA: 0.05,
    FuenteNecesidad.OTRA: 0.03,
}
TITULOS = [
    "Apoyo para {t}", "Acompañamiento técnico en {t}", "Fortalecer el equipo de {t}",
    "Asistencia para cumplir las metas del PDT en {t}", "Capacitación a funcionarios en {t}",
    "Diagnóstico y plan de mejora en {t}", "Formulación de proyectos de {t}",
]
DESCRIPCIONES = [
    "La entidad no cuenta con personal suficiente para {t} y necesita acompañamiento en la etapa actual del ciclo.",
    "El equipo de {t} cambió con el nuevo gobierno y requiere capacitación en los procesos y herramientas.",
    "Los indicadores muestran rezago en {t}; se requiere asistencia para priorizar y formular acciones.",
    "Un fallo judicial obliga a la entidad a actuar en {t} y no tiene la capacidad técnica instalada.",
]
PASO_MOTIVO = {
    E.EN_ANALISIS: "Revisión del DNP.", E.REMITIDA: "Remitida a la entidad competente.",
    E.VINCULADA: "Vinculada a una oferta del mismo tema.", E.EN_ATENCION: "Inicio de la asistencia.",
    E.ATENDIDA: "Asistencia entregada.", E.CERRADA: "Cierre con calificación de la entidad.",
    E.NO_PERTINENTE: "No corresponde a asistencia técnica.",
}
CORREO_DEMO = "@att.demo"
LOTE = 20_000


_ACUMULADOS: dict[int, tuple[dict, list, list]] = {}


def _elegir(rng: random.Random, pesos: dict):
    """`rng.choices(claves, weights=pesos)` con los pesos acumulados una sola vez por tabla de pesos (la
    misma elección, con la misma semilla: `choices` acumula los pesos igual antes de elegir)."""
    guardado = _ACUMULADOS.get(id(pesos))
    if guardado is None or guardado[0] is not pesos:
        guardado = _ACUMULADOS[id(pesos)] = (pesos, list(pesos), list(itertools.accumulate(pesos.values())))
    return rng.choices(guardado[1], cum_weights=guardado[2])[0]


@transaction.atomic
def generar(*, escala: int, rng: random.Random, salida) -> None:
    objetivo = 200 * escala
    existentes = Demanda.objects.filter(registrada_por__email__endswith=CORREO_DEMO).count()
    n = objetivo - existentes
    if n <= 0:
        salida.write(f"  ya hay {existentes} demandas de demostración: nada que hacer")
        _escritorios(salida)
        return
    temas = {t.codigo: t for t in Tema.objects.filter(codigo__in=PESOS_TEMA)}
    pesos_tema = {c: p for c, p in PESOS_TEMA.items() if c in temas}
    capacidades = list(Capacidad.objects.values_list("pk", flat=True))
    etapas = list(EtapaCiclo.objects.values_list("pk", flat=True))
    modalidades = list(Modalidad.objects.values_list("pk", flat=True))
    canales = dict(Canal.objects.values_list("codigo", "pk"))
    pesos_canal = {canales[c]: p for c, p in {"presencial": 44.7, "virtual": 35.0, "mixto": 20.3}.items() if c in canales}
    alcaldias = list(Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA).values_list("pk", "municipio_id", "departamento_id"))
    gobernaciones = list(Entidad.objects.filter(tipo=TipoEntidad.GOBERNACION).values_list("pk", "departamento_id"))
    nacionales = list(Entidad.objects.filter(tipo__in=TipoEntidad.nacionales()).values_list("pk", flat=True))
    personas = dict(Usuario.objects.filter(email__endswith=CORREO_DEMO).values_list("email", "pk"))
    respaldo = personas.get("et@att.demo") or personas.get("departamento@att.demo")
    admin = personas.get("admin@att.demo") or respaldo
    if respaldo is None:
        salida.write("  faltan las personas de demostración (corra primero la demo de att)")
        return
    ofertas_por_tema = defaultdict(list)
    for oferta_id, tema_id, entidad_id in Oferta.temas.through.objects.filter(
        oferta__estado=EstadoOferta.PUBLICADA
    ).values_list("oferta_id", "tema_id", "oferta__entidad_id"):
        ofertas_por_tema[tema_id].append((oferta_id, entidad_id))

    ids = reservar_ids("demanda_demanda", n)
    ahora = timezone.now()
    hoy = timezone.localdate()
    eventos_total = 0
    # En flujo, por trozos de LOTE demandas (con sus temas, descriptores y pasos): la memoria no crece con
    # la escala. El orden de las llamadas a `rng` es el de siempre: la misma semilla da los mismos datos.
    # El índice de trigramas del texto (unos 20 s a escala 1000) se recrea aparte, mientras siguen las demás áreas.
    with carga_masiva(Demanda, Demanda.temas.through, Demanda.descriptores.through, EventoDemanda,
                      aparte={"demanda_texto_trgm"}):
        for inicio in range(0, n, LOTE):
            demandas, temas_filas, descriptores_filas, eventos = [], [], [], []
            for pk in ids[inicio:inicio + LOTE]:
                if rng.random() < 0.9:
                    entidad_id, municipio, depto = rng.choice(alcaldias)
                    autor = personas.get(f"et{municipio}{CORREO_DEMO}") or personas.get(f"gob{depto}{CORREO_DEMO}") or respaldo
                else:
                    entidad_id, depto = rng.choice(gobernaciones)
                    autor = personas.get(f"gob{depto}{CORREO_DEMO}") or respaldo
                codigo = _elegir(rng, pesos_tema)
                elegidos = [temas[codigo]]
                if rng.random() < 0.3:
                    otro = temas[_elegir(rng, pesos_tema)]
                    if otro.pk != elegidos[0].pk:
                        elegidos.append(otro)
                estado = _elegir(rng, PESOS_ESTADO)
                oferta_id = competente = None
                if estado in (E.VINCULADA, E.EN_ATENCION, E.ATENDIDA, E.CERRADA):
                    opciones = ofertas_por_tema.get(elegidos[0].pk)
                    if opciones:
                        oferta_id, competente = rng.choice(opciones)
                        competente = None
                    else:
                        estado = E.REMITIDA
                if estado == E.REMITIDA and nacionales:
                    competente = rng.choice(nacionales)
                creada = ahora - datetime.timedelta(days=rng.uniform(0, 720))
                nombre = elegidos[0].nombre.lower()
                demandas.append((
                    pk, entidad_id, autor, rng.choice(TITULOS).format(t=nombre)[:255], rng.choice(DESCRIPCIONES).format(t=nombre),
                    rng.choice(capacidades) if capacidades and rng.random() < 0.8 else None,
                    rng.choice(etapas) if etapas and rng.random() < 0.85 else None,
                    hoy + datetime.timedelta(days=rng.randint(15, 240)) if rng.random() < 0.6 else None,
                    rng.choice(modalidades) if modalidades and rng.random() < 0.7 else None,
                    _elegir(rng, pesos_canal) if pesos_canal and rng.random() < 0.7 else None,
                    _elegir(rng, PESOS_FUENTE), oferta_id, competente, estado,
                    PASO_MOTIVO[E.NO_PERTINENTE] if estado == E.NO_PERTINENTE else "",
                    rng.choices([5, 4, 3, 2, 1], [40, 35, 15, 7, 3])[0] if estado == E.CERRADA else None,
                    "", creada, creada,
                ))
                for t in elegidos:
                    temas_filas.append((pk, t.pk))
                for d in {t.descriptor_id for t in elegidos if t.descriptor_id}:
                    descriptores_filas.append((pk, d))
                cuando = creada
                eventos.append((pk, "", E.REGISTRADA, autor, cuando, "Registro de la necesidad."))
                anterior = E.REGISTRADA
                for paso in CAMINO[estado]:
                    cuando = cuando + datetime.timedelta(days=rng.uniform(1, 20))
                    eventos.append((pk, anterior, paso, autor if paso == E.CERRADA else admin, cuando, PASO_MOTIVO[paso]))
                    anterior = paso
            copiar("demanda_demanda", (
                "id", "entidad_id", "registrada_por_id", "titulo", "descripcion", "capacidad_id", "etapa_id", "fecha_deseada",
                "modalidad_id", "canal_id", "fuente", "oferta_id", "entidad_competente_id", "estado", "motivo_no_pertinente",
                "calificacion", "comentario_cierre", "creada", "actualizada",
            ), demandas)
            copiar("demanda_demanda_temas", ("demanda_id", "tema_id"), temas_filas)
            copiar("demanda_demanda_descriptores", ("demanda_id", "descriptortematico_id"), descriptores_filas)
            copiar("demanda_eventodemanda", ("demanda_id", "de_estado", "a_estado", "por_id", "cuando", "motivo"), eventos)
            eventos_total += len(eventos)
    salida.write(f"  {n} demandas nuevas ({existentes + n} de demostración), {eventos_total} pasos en su línea de tiempo")
    _alertas(list(ids[-ALERTAS_DEMO:]), salida)
    _escritorios(salida)


ALERTAS_DEMO = 20


def _alertas(ids: list[int], salida) -> None:
    """Las alertas de las demandas más recientes, por el mismo servicio que las crea al registrar
    una demanda: a los oferentes que coinciden (y que la pueden ver) o, si ninguno, al DNP; y a la
    ET, el estado actual de su demanda. Así la demo tiene alertas reales que abrir y enviar."""
    from demanda import services

    total = 0
    for demanda in Demanda.objects.filter(pk__in=ids).select_related("entidad", "registrada_por").order_by("pk"):
        with transaction.atomic():
            total += len(services.alertar_oferentes(demanda=demanda, nueva=True))
            total += len(services.avisar_estado_a_la_et(demanda, ""))
    salida.write(f"  {total} alertas de demandas")


OFERENTES_DEMO = ("oferente@att.demo", "esap@att.demo", "minsalud@att.demo")
PREFIJO_ESCRITORIO = "Necesitamos fortalecer "


def _escritorios(salida) -> None:
    """Lo que espera a cada persona de la demo en su escritorio (`/mi-escritorio/`), creado por los mismos
    servicios que en la plataforma: la funcionaria de Medellín registra una necesidad por cada oferente de la
    demo, con las palabras y los temas de una de sus ofertas publicadas que llegan a Medellín, y pide esa oferta
    entre las que coinciden (el oferente y el DNP reciben la alerta y la demanda espera su respuesta); otra
    necesidad queda con su coincidencia por decidir. Idempotente: no repite las que ya existen."""
    from demanda import services
    from oferta.selectors import filtro_focalizacion, vigentes

    et = Usuario.objects.filter(email="et@att.demo").first()
    admin = Usuario.objects.filter(email="admin@att.demo").first()
    medellin = Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA, municipio_id="05001").first()
    if et is None or medellin is None:
        return
    hechas = 0
    for i, correo in enumerate(OFERENTES_DEMO):
        entidad_id = (Usuario.objects.filter(email=correo, membresias__activa=True)
                      .values_list("membresias__entidad_id", flat=True).first())
        oferta = (vigentes().filter(filtro_focalizacion(medellin), entidad_id=entidad_id)
                  .prefetch_related("temas").order_by("pk").first()) if entidad_id else None
        if oferta is None:
            continue
        titulo = (PREFIJO_ESCRITORIO + oferta.nombre[:1].lower() + oferta.nombre[1:])[:255]
        pedir = [True] + ([False] if i == 0 else [])
        for numero, solicitar in enumerate(pedir):
            titulo_i = titulo if numero == 0 else (titulo + " (segunda sede)")[:255]
            if Demanda.objects.filter(entidad=medellin, titulo=titulo_i).exists():
                continue
            with transaction.atomic():
                demanda = services.demanda_registrar(
                    por=et, entidad=medellin, titulo=titulo_i, fuente=FuenteNecesidad.METAS_PDT,
                    descripcion=(oferta.descripcion or oferta.nombre)[:900], temas=list(oferta.temas.all()),
                    alertar=False,
                )
                services.alertar_oferentes(demanda=demanda, nueva=True)
                if solicitar:
                    services.decision_registrar(demanda=demanda, oferta=oferta, tipo="solicitada", por=et,
                                                motivo="Es justo lo que necesitamos este año.")
                if i == len(OFERENTES_DEMO) - 1 and admin is not None:
                    # El DNP empieza a analizar una: la funcionaria recibe la alerta del cambio de estado.
                    services.demanda_iniciar_analisis(demanda=demanda, por=admin,
                                                      motivo="Revisamos la solicitud con el oferente.")
            hechas += 1
    salida.write(f"  {hechas} demandas de la funcionaria de Medellín para los escritorios de la demo")
    _mensajes(et, admin, salida)


def _mensajes(et, admin, salida) -> None:
    """Una conversación en cada demanda de Medellín que pidió una oferta de la demo: la funcionaria
    pregunta, el oferente responde y, en la primera, el DNP acompaña. Por `mensaje_publicar` (con sus
    alertas); la clave de cada mensaje hace que repetir la demo no los duplique."""
    from att.services import mensaje_publicar
    from demanda.conversacion import puede_escribir

    demandas = (Demanda.objects.filter(registrada_por=et, titulo__startswith=PREFIJO_ESCRITORIO)
                .exclude(titulo__endswith="(segunda sede)").select_related("entidad", "oferta")
                .prefetch_related("decisiones__oferta").order_by("pk"))
    oferentes = list(Usuario.objects.filter(email__in=OFERENTES_DEMO, is_active=True, membresias__activa=True)
                     .annotate(entidad_id=F("membresias__entidad_id")).order_by("pk"))
    hechos = 0
    for n, demanda in enumerate(demandas):
        if not puede_escribir(et, demanda):
            continue
        pedidas = {d.oferta.entidad_id for d in demanda.decisiones.all() if d.tipo == "solicitada"}
        guion = [(et, "Buenos días: ¿pueden contarnos en qué fechas podrían empezar la asistencia?")]
        oferente = next((u for u in oferentes if u.entidad_id in pedidas and puede_escribir(u, demanda)), None)
        if oferente is not None:
            guion.append((oferente, "Con gusto. Podemos empezar el próximo mes; les enviamos la propuesta de agenda."))
        if n == 0 and admin is not None:
            guion.append((admin, "Desde el DNP acompañamos la concertación: registren la fecha acordada aquí."))
        for i, (autor, texto) in enumerate(guion):
            mensaje_publicar(objeto=demanda, por=autor, texto=texto, clave=f"demo:demanda:{demanda.pk}:{i}")
            hechos += 1
    salida.write(f"  {hechos} mensajes en las conversaciones de las demandas de Medellín")
