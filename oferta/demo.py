"""Ofertas de demostración en las proporciones de la encuesta 2021 (DOMAIN §9).

`20 * escala` ofertas de las entidades no territoriales, con inserciones en bloque (COPY de
psycopg para las tablas intermedias) y el vector de búsqueda calculado en una sola sentencia.
Idempotente: si ya hay ofertas, no hace nada.
"""

from __future__ import annotations

import datetime
import random

from django.db import connection, transaction
from django.utils import timezone

from att.busqueda import refrescar_vocabulario
from att.models import (
    Canal,
    Capacidad,
    CategoriaLey617,
    Departamento,
    DescriptorTematico,
    Entidad,
    EtapaCiclo,
    GrupoMDM,
    Membresia,
    Modalidad,
    NivelCapacidad,
    Rol,
    Tema,
    TipoEntidad,
)

from .models import EstadoOferta, Oferta, PublicoObjetivo, TransicionOferta
from .services import actualizar_busqueda

# Demanda municipal por tema (encuesta 2021, 560 municipios): la oferta sigue esa forma.
PESOS_TEMA = {
    "planeacion": 167, "agua-saneamiento": 52, "vivienda": 45, "agricultura": 37, "ambiente": 13,
    "hacienda-finanzas": 30, "proyectos": 28, "fortalecimiento-institucional": 25, "ordenamiento-territorial": 20,
    "plan-indicativo": 18, "armonizacion-presupuestal": 12, "seguimiento-pdt": 12, "marco-fiscal": 10, "poai": 10,
    "sgr": 12, "educacion": 12, "salud": 12, "gestion-riesgo": 10, "victimas": 10, "contratacion": 9,
    "participacion-ciudadana": 8, "transporte": 8, "cultura": 6, "deporte-recreacion": 6, "tic": 6,
    "mujeres-genero": 6, "grupos-etnicos": 6, "juventud": 5, "migrantes": 4, "rendicion-cuentas": 6,
    "centros-reclusion": 1, "trabajo": 1, "minas-energia": 2,
}
PESO_OTROS = 3
# Canal de entrega: presencial 44,7 %, virtual 35,0 %, en la sede 20,3 %; las nacionales combinan (87 %).
PESOS_CANAL = {"mixto": 0.45, "presencial": 0.30, "virtual": 0.25}
PESOS_ESTADO = {
    EstadoOferta.PUBLICADA: 0.74, EstadoOferta.BORRADOR: 0.08, EstadoOferta.EN_REVISION: 0.07,
    EstadoOferta.DEVUELTA: 0.04, EstadoOferta.ARCHIVADA: 0.07,
}
FORMATOS = [
    "{mod} en {tema}", "{mod} para fortalecer {tema}", "Programa de {mod_min} en {tema}",
    "{mod} territorial: {tema}", "Acompañamiento en {tema}", "Guía y {mod_min} sobre {tema}",
    "Escuela de {tema}", "Caja de herramientas de {tema}", "{mod} a municipios en {tema}",
]
ENFOQUES = ["para municipios de categorías 5 y 6", "para gobernaciones", "para municipios PDET",
            "con enfoque diferencial", "para nuevos mandatarios", "en el primer año de gobierno",
            "con énfasis en resultados", "para equipos de planeación", "", "", ""]
NECESIDADES = [
    "Las entidades territoriales reportan baja capacidad en {tema} y piden acompañamiento oportuno.",
    "Los equipos de {tema} rotan y se pierde el conocimiento de los procesos.",
    "La asistencia en {tema} llega tarde respecto a la etapa del ciclo de gestión.",
    "Los municipios no cuentan con instrumentos para {tema}.",
]
DESCRIPCIONES = [
    "Sesiones de {mod_min} sobre {tema}, con guías, plantillas y seguimiento a los compromisos.",
    "Acompañamiento técnico {canal} a los equipos de la entidad territorial en {tema}.",
    "Ruta de trabajo de tres meses en {tema}: diagnóstico, plan de mejora y evaluación de resultados.",
]


def _elegir(rng: random.Random, pesos: dict):
    return rng.choices(list(pesos), weights=list(pesos.values()))[0]


def _copiar(tabla: str, columnas: tuple[str, ...], filas) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY {tabla} ({', '.join(columnas)}) FROM STDIN"
    ) as copia:
        for fila in filas:
            copia.write_row(fila)


def _insertar(ofertas: list[Oferta], ahora) -> list[Oferta]:
    """Inserta con COPY (mucho más rápido que bulk_create con ~45 columnas), con ids tomados antes
    de la secuencia de la tabla."""
    tabla = Oferta._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{tabla}', 'id')) FROM generate_series(1, %s)",
                       [len(ofertas)])
        ids = [fila[0] for fila in cursor.fetchall()]
    campos = Oferta._meta.concrete_fields
    for oferta, pk in zip(ofertas, ids, strict=True):
        oferta.pk = pk
        oferta.creada = oferta.actualizada = ahora
    _copiar(tabla, tuple(f.column for f in campos),
            (tuple(getattr(o, f.attname) for f in campos) for o in ofertas))
    return ofertas


@transaction.atomic
def generar(*, escala: int, rng: random.Random, salida) -> None:
    existentes = Oferta.objects.count()
    if existentes:
        salida.write(f"  ofertas: ya hay {existentes}; no se generan más")
        return
    n = 20 * escala
    entidades = list(
        Entidad.objects.filter(activa=True).exclude(tipo__in=TipoEntidad.territoriales()).order_by("pk")
    )
    if not entidades:
        salida.write("  ofertas: no hay entidades oferentes (cargue la referencia primero)")
        return
    temas = {t.codigo: t for t in Tema.objects.filter(activo=True)}
    pesos_tema = {c: PESOS_TEMA.get(c, PESO_OTROS) for c in temas}
    descriptor_de = {t.codigo: t.descriptor_id for t in temas.values()}
    descriptores = list(DescriptorTematico.objects.values_list("pk", flat=True))
    capacidades = list(Capacidad.objects.values_list("pk", flat=True))
    niveles = list(NivelCapacidad.objects.values_list("pk", flat=True))
    etapas = list(EtapaCiclo.objects.values_list("pk", flat=True))
    modalidades = list(Modalidad.objects.all())
    canales = {c.codigo: c for c in Canal.objects.all()}
    departamentos = list(Departamento.objects.values_list("codigo", flat=True))
    creador = dict(
        Membresia.objects.filter(rol=Rol.OFERENTE, activa=True).values_list("entidad_id", "usuario_id")
    )
    hoy = timezone.localdate()
    ahora = timezone.now()

    ofertas, relaciones = [], []
    for i in range(n):
        entidad = entidades[int(rng.paretovariate(1.2) * 3) % len(entidades)] if rng.random() < 0.6 \
            else rng.choice(entidades)
        codigo_tema = _elegir(rng, pesos_tema)
        tema = temas[codigo_tema]
        extra_temas = {codigo_tema} | ({_elegir(rng, pesos_tema)} if rng.random() < 0.35 else set())
        mods = rng.sample(modalidades, rng.choice([1, 1, 2, 2, 3]))
        canal = canales[_elegir(rng, PESOS_CANAL)]
        estado = _elegir(rng, PESOS_ESTADO)
        texto = {"tema": tema.nombre.lower(), "mod": mods[0].nombre, "mod_min": mods[0].nombre.lower(),
                 "canal": canal.nombre.lower()}
        nombre = rng.choice(FORMATOS).format(**texto)
        enfoque = rng.choice(ENFOQUES)
        nombre = f"{nombre} {enfoque}".strip()
        desde = hoy - datetime.timedelta(days=rng.randint(0, 700))
        hasta = None if rng.random() < 0.4 else desde + datetime.timedelta(days=rng.randint(90, 900))
        publicada = estado in (EstadoOferta.PUBLICADA, EstadoOferta.ARCHIVADA)
        ofertas.append(Oferta(
            entidad_id=entidad.pk, nombre=nombre[:255],
            necesidad=rng.choice(NECESIDADES).format(**texto),
            descripcion=rng.choice(DESCRIPCIONES).format(**texto),
            canal_id=canal.pk, estructura=rng.choice(["centralizada", "centralizada", "desconcentrada"]),
            continua=rng.random() < 0.7,
            dirigida_a_alcaldias=True, dirigida_a_gobernaciones=rng.random() < 0.6,
            focaliza_categorias=sorted(rng.sample(CategoriaLey617.values, 2)) if rng.random() < 0.15 else [],
            focaliza_grupos_mdm=sorted(rng.sample(GrupoMDM.values, 2)) if rng.random() < 0.15 else [],
            solo_pdet=rng.random() < 0.05, solo_zomac=rng.random() < 0.03,
            publico_objetivo=sorted(rng.sample(PublicoObjetivo.values, rng.randint(1, 3))),
            bienes_entregados=rng.choice(["Guía metodológica", "Caja de herramientas", "Sistema de información",
                                          ""]),
            cupos=rng.choice([None, None, 20, 30, 50, 100]),
            contacto_nombre=f"Equipo de asistencia técnica {entidad.sigla or entidad.nombre}"[:150],
            contacto_email=f"asistencia{entidad.pk}@entidad.gov.co",
            vigencia_desde=desde, vigencia_hasta=hasta, estado=estado,
            publicada_en=ahora - datetime.timedelta(days=rng.randint(0, 600), minutes=i) if publicada else None,
            comentario_revision="Precise los cupos y el cronograma." if estado == EstadoOferta.DEVUELTA else "",
            creada_por_id=creador.get(entidad.pk),
        ))
        relaciones.append({
            "temas": {temas[c].pk for c in extra_temas},
            "descriptores": {descriptor_de.get(c) or rng.choice(descriptores) for c in extra_temas},
            "capacidades": set(rng.sample(capacidades, rng.randint(1, 2))),
            "niveles": set(rng.sample(niveles, rng.randint(0, 2))),
            "etapas": set(rng.sample(etapas, rng.randint(1, 2))),
            "modalidades": {m.pk for m in mods},
            "departamentos": set(rng.sample(departamentos, rng.randint(1, 4))) if rng.random() < 0.3 else set(),
            "cooferentes": {rng.choice(entidades).pk for _ in range(rng.randint(1, 2))} - {entidad.pk}
            if rng.random() < 0.1 else set(),
        })
    _una_publicada_por_oferente_demo(ofertas, relaciones, hoy, creador)
    # Carga masiva sobre la tabla vacía: los índices propios (GIN y GiST) se quitan durante la carga
    # y se reconstruyen al final, de una vez (mucho más rápido que mantenerlos fila por fila).
    # Todo va en la misma transacción: si algo falla, los índices vuelven a quedar como estaban.
    indices = list(Oferta._meta.indexes)
    with connection.schema_editor(atomic=False) as editor:
        for indice in indices:
            editor.remove_index(Oferta, indice)
    creadas = _insertar(ofertas, ahora)
    ids = [o.pk for o in creadas]

    def filas(clave, mapear=lambda v: v):
        for pk, rel in zip(ids, relaciones, strict=True):
            for valor in rel[clave]:
                yield (pk, mapear(valor))

    f = Oferta._meta.get_field
    for clave, campo in [("temas", "temas"), ("descriptores", "descriptores"), ("capacidades", "capacidades"),
                         ("niveles", "niveles_capacidad"), ("etapas", "etapas"), ("modalidades", "modalidades"),
                         ("departamentos", "focaliza_departamentos"), ("cooferentes", "cooferentes")]:
        through = f(campo).remote_field.through
        _copiar(through._meta.db_table, ("oferta_id", f(campo).m2m_reverse_name()), filas(clave))

    # Estadísticas al día antes de la actualización masiva (el planificador no conoce aún las tablas).
    with connection.cursor() as cursor:
        for modelo in [Oferta] + [Oferta._meta.get_field(c).remote_field.through for c in (
                "temas", "descriptores", "capacidades", "niveles_capacidad", "etapas", "modalidades",
                "focaliza_departamentos", "cooferentes")]:
            cursor.execute(f"ANALYZE {modelo._meta.db_table}")

    # Historia mínima coherente con el estado: creación y, si aplica, envío y revisión.
    pasos = {
        EstadoOferta.BORRADOR: [("", EstadoOferta.BORRADOR)],
        EstadoOferta.EN_REVISION: [("", EstadoOferta.BORRADOR), (EstadoOferta.BORRADOR, EstadoOferta.EN_REVISION)],
        EstadoOferta.DEVUELTA: [("", EstadoOferta.BORRADOR), (EstadoOferta.BORRADOR, EstadoOferta.EN_REVISION),
                                (EstadoOferta.EN_REVISION, EstadoOferta.DEVUELTA)],
        EstadoOferta.PUBLICADA: [("", EstadoOferta.BORRADOR), (EstadoOferta.BORRADOR, EstadoOferta.EN_REVISION),
                                 (EstadoOferta.EN_REVISION, EstadoOferta.PUBLICADA)],
        EstadoOferta.ARCHIVADA: [("", EstadoOferta.BORRADOR), (EstadoOferta.BORRADOR, EstadoOferta.EN_REVISION),
                                 (EstadoOferta.EN_REVISION, EstadoOferta.PUBLICADA),
                                 (EstadoOferta.PUBLICADA, EstadoOferta.ARCHIVADA)],
    }
    admin = Membresia.objects.filter(rol=Rol.ADMIN_DNP, activa=True).values_list("usuario_id", flat=True).first()
    transiciones = []
    for o in creadas:
        por = o.creada_por_id or admin
        if por is None:
            continue
        for de, a in pasos[o.estado]:
            revisor = admin if a in (EstadoOferta.PUBLICADA, EstadoOferta.DEVUELTA) and admin else por
            transiciones.append((o.pk, de, a, revisor, ahora, "Datos de demostración."))
    _copiar(TransicionOferta._meta.db_table, ("oferta_id", "de_estado", "a_estado", "por_id", "cuando", "motivo"),
            transiciones)
    actualizar_busqueda(ids)
    refrescar_vocabulario("oferta")
    with connection.cursor() as cursor:  # revisa ya las llaves foráneas diferidas: CREATE INDEX lo exige
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    with connection.schema_editor(atomic=False) as editor:
        for indice in indices:
            editor.add_index(Oferta, indice)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Oferta._meta.db_table}")
    publicadas = sum(1 for o in creadas if o.estado == EstadoOferta.PUBLICADA)
    salida.write(f"  ofertas: {len(ids)} ({publicadas} publicadas), {len(transiciones)} pasos de historia")


DISENOS = [
    ("Las alcaldías formulan el plan de desarrollo sin articularlo con el presupuesto",
     "Plan de desarrollo y plan plurianual de inversiones armonizados en el primer año de gobierno",
     "Guía metodológica; asesores regionales; plantillas del plan plurianual",
     "Talleres subregionales; asesoría uno a uno; revisión de borradores",
     "Plan plurianual de inversiones armonizado con el plan de desarrollo",
     "Ejecución presupuestal alineada con las metas del plan"),
    ("Los equipos municipales no reportan a tiempo la información fiscal y de gestión",
     "Reportes completos y oportunos en los sistemas de información nacionales",
     "Manual de reporte; mesa de ayuda; usuarios de prueba en el sistema",
     "Capacitación virtual; acompañamiento al cierre de cada trimestre",
     "Reportes trimestrales cargados y validados",
     "Información fiscal confiable para la toma de decisiones"),
]
PLANTILLA_DEMO = [("Diagnóstico de capacidades", 1, 30), ("Plan de mejora concertado", 2, 90),
                  ("Acompañamiento a la implementación", 3, 240), ("Evaluación de resultados", 1, 330)]


def disenar_ofertas(*, cuantas: int, rng: random.Random) -> int:
    """Unas pocas ofertas (una por entidad con fichas de indicador) reciben el diseño estructurado del producto (brecha, objetivo,
    cadena de valor, costo por ET, fuentes, las fichas de indicador de su entidad) y una plantilla de
    hitos, para que la ficha y las líneas nuevas los muestren. Idempotente: solo toca ofertas sin
    diseño y sin plantilla; se llama cuando ya existen los indicadores (demo del seguimiento)."""
    from indicadores.models import Indicador
    from oferta.models import FuenteFinanciacion, HitoPlantilla

    con_fichas = Indicador.objects.filter(activo=True, entidad__isnull=False).values("entidad_id")
    candidatas = (Oferta.objects.filter(brecha_capacidad="", entidad_id__in=con_fichas, plantilla_hitos__isnull=True)
                  .order_by("entidad_id", "pk").distinct("entidad_id")[:cuantas])
    hechas = 0
    for oferta in candidatas:
        brecha, objetivo, insumos, actividades, productos, resultados = DISENOS[hechas % len(DISENOS)]
        oferta.brecha_capacidad, oferta.objetivo_capacidad = brecha, objetivo
        oferta.cadena_insumos, oferta.cadena_actividades = insumos, actividades
        oferta.cadena_productos, oferta.cadena_resultados = productos, resultados
        oferta.costo_por_et = rng.choice([8_500_000, 12_000_000, 25_000_000])
        oferta.fuentes_financiacion = rng.sample(
            [FuenteFinanciacion.PGN_INVERSION, FuenteFinanciacion.COOPERACION, FuenteFinanciacion.PROPIOS], 2)
        oferta.save(update_fields=["brecha_capacidad", "objetivo_capacidad", "cadena_insumos", "cadena_actividades",
                                   "cadena_productos", "cadena_resultados", "costo_por_et", "fuentes_financiacion"])
        oferta.indicadores.set(Indicador.objects.filter(entidad_id=oferta.entidad_id, activo=True).order_by("pk")[:2])
        for orden, (nombre, peso, desfase) in enumerate(PLANTILLA_DEMO):
            HitoPlantilla.objects.create(oferta=oferta, orden=orden, nombre=nombre, peso=peso, desfase_dias=desfase)
        hechas += 1
    return hechas


OFERENTES_DEMO = ("oferente@att.demo", "esap@att.demo", "minsalud@att.demo")


def _una_publicada_por_oferente_demo(ofertas, relaciones, hoy, creador) -> None:
    """Cada oferente de la demo (README: MinVivienda, ESAP, MinSalud) tiene al menos una oferta publicada, vigente
    y abierta a todas las alcaldías: así su escritorio, sus alertas y las coincidencias de la funcionaria de
    Medellín tienen algo real. Se toman las primeras ofertas generadas (después de sortearlas: el resto de la
    demo sale igual con la misma semilla)."""
    propias = list(Membresia.objects.filter(usuario__email__in=OFERENTES_DEMO, rol=Rol.OFERENTE, activa=True)
                   .order_by("usuario__email").values_list("entidad_id", flat=True).distinct())
    for oferta, rel, entidad_id in zip(ofertas, relaciones, propias, strict=False):
        oferta.entidad_id = entidad_id
        oferta.creada_por_id = creador.get(entidad_id)
        oferta.estado = EstadoOferta.PUBLICADA
        oferta.publicada_en = oferta.publicada_en or timezone.now()
        oferta.vigencia_desde, oferta.vigencia_hasta = min(oferta.vigencia_desde, hoy), None
        oferta.dirigida_a_alcaldias = True
        oferta.focaliza_categorias, oferta.focaliza_grupos_mdm = [], []
        oferta.solo_pdet = oferta.solo_zomac = False
        oferta.comentario_revision = ""
        oferta.contacto_email = f"asistencia{entidad_id}@entidad.gov.co"
        rel["departamentos"] = set()
        rel["cooferentes"] = rel["cooferentes"] - {entidad_id}
