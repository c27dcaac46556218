"""Datos de demostración de la gestión del conocimiento (idempotente: no duplica si ya hay recursos)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from att import permisos
from att.busqueda import refrescar_vocabulario
from att.demo_carga import carga_masiva, copiar, filas_de, insertar, reservar_ids
from att.models import (
    Entidad,
    Membresia,
    NivelCapacidad,
    Region,
    Rol,
    Tema,
    TipoCapacidad,
    TipoEntidad,
    Usuario,
)
from conocimiento.models import (
    Curso,
    Discusion,
    EspacioComunidad,
    EstadoInscripcion,
    EstadoRecurso,
    Evento,
    Inscripcion,
    MiembroEspacio,
    PreguntaFrecuente,
    Recurso,
    RegistroEvento,
    Respuesta,
    RolMiembro,
    SesionFormacion,
    TipoEvento,
    TipoRecurso,
)
from conocimiento.services import vector_busqueda
from oferta.models import Oferta

ACCIONES = [
    "Presupuesto participativo", "Ventanilla única de trámites", "Actualización catastral multipropósito",
    "Banco de proyectos en línea", "Rendición de cuentas con juntas de acción comunal",
    "Gestión del riesgo de desastres comunitaria", "Recaudo predial con incentivos por pronto pago",
    "Formulación del plan de desarrollo con enfoque étnico", "Sistema de seguimiento a metas del plan",
    "Archivo documental digitalizado", "Mesas de concertación con productores rurales",
    "Alianza público-privada para el acueducto veredal", "Plan de ordenamiento territorial participativo",
    "Tablero de indicadores sociales", "Estrategia de transparencia en contratación",
]
# El tema de cada acción: la práctica del acueducto es del tema «Agua potable y saneamiento básico»
# (y así «agua» la encuentra aunque su texto hable solo del acueducto).
TEMA_DE_ACCION = {
    "Presupuesto participativo": "participacion-ciudadana", "Ventanilla única de trámites": "fortalecimiento-institucional",
    "Actualización catastral multipropósito": "hacienda-finanzas", "Banco de proyectos en línea": "proyectos",
    "Gestión del riesgo de desastres comunitaria": "gestion-riesgo",
    "Recaudo predial con incentivos por pronto pago": "hacienda-finanzas",
    "Formulación del plan de desarrollo con enfoque étnico": "planeacion",
    "Mesas de concertación con productores rurales": "agricultura",
    "Alianza público-privada para el acueducto veredal": "agua-saneamiento",
    "Plan de ordenamiento territorial participativo": "ordenamiento-territorial",
    "Estrategia de transparencia en contratación": "contratacion",
}
LUGARES = ["zona rural", "cabecera municipal", "veredas de alta montaña", "corregimientos", "comunas",
           "resguardos indígenas", "consejos comunitarios"]
LECCIONES = [
    "La continuidad del equipo técnico define el éxito", "Sin línea base no hay cómo medir el avance",
    "La comunidad debe participar desde el diagnóstico", "Los convenios deben prever el cambio de gobierno",
    "La capacitación sin acompañamiento posterior se pierde",
]
PREGUNTAS = [
    ("¿La asistencia tiene algún costo para la entidad territorial?", "No. La asistencia técnica es gratuita."),
    ("¿Quién debe solicitarla?", "La secretaría de planeación o quien designe el mandatario."),
    ("¿Cuánto dura el acompañamiento?", "Depende de la línea; en general entre tres y seis meses."),
    ("¿Se puede recibir de manera virtual?", "Sí, hay sesiones virtuales y presenciales."),
]
CURSOS = [
    "Formulación de proyectos de inversión pública", "Planeación territorial con enfoque de cierre de brechas",
    "Finanzas públicas territoriales", "Contratación estatal para municipios", "Seguimiento a planes de desarrollo",
    "Gestión del riesgo de desastres", "Gobierno digital y transparencia", "Ordenamiento territorial",
]


def _texto(rng, accion, lugar):
    return (f"{accion} en {lugar}: la administración organizó el trabajo con la comunidad, definió responsables "
            f"y dejó instrumentos que otras entidades pueden replicar. Se documentaron los pasos y los resultados.")


@transaction.atomic
def generar(*, escala: int, rng: random.Random, salida) -> None:
    if Recurso.objects.exists():
        salida.write("  conocimiento: ya hay datos; no se duplican")
        return
    ahora = timezone.now()
    temas = list(Tema.objects.filter(activo=True).order_by("pk")[:12])
    territoriales = list(
        Entidad.objects.filter(tipo__in=TipoEntidad.territoriales()).select_related("municipio")
        .order_by("pk")[: max(40, 40 * escala)]
    )
    miembros_et = list(
        Membresia.objects.filter(activa=True, rol__in=permisos.ROLES_TERRITORIALES)
        .select_related("usuario", "entidad").order_by("pk")[: max(60, 60 * escala)]
    )
    dnp = Usuario.objects.filter(membresias__rol=Rol.ADMIN_DNP, membresias__activa=True).order_by("pk").first()
    if not territoriales or not miembros_et or dnp is None:
        salida.write("  conocimiento: falta el núcleo (generar la demo de att primero)")
        return

    # Un funcionario que ya se fue de Medellín: su trabajo sigue en la memoria de la entidad.
    medellin = Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA, municipio_id="05001").first()
    anterior = None
    if medellin:
        anterior, _c = Usuario.objects.get_or_create(
            email="exfuncionario.medellin@att.demo", defaults={"nombre": "Mariana Gil (gobierno 2020–2023)"})
        Membresia.objects.get_or_create(usuario=anterior, entidad=medellin, rol=Rol.FUNCIONARIO_ET, defaults={
            "activa": False, "desde": (ahora - timedelta(days=1800)).date(), "hasta": (ahora - timedelta(days=700)).date()})

    # Repositorio: experiencias con sus buenas prácticas, y lecciones aprendidas.
    recursos, acciones = [], []
    n = 30 * escala
    for i in range(n):
        m = rng.choice(miembros_et)
        entidad = m.entidad
        if i < 3 and medellin and anterior:
            entidad, autor = medellin, anterior
        else:
            autor = m.usuario
        tipo = rng.choices(TipoRecurso.values, [3, 5, 2])[0]
        accion, lugar = rng.choice(ACCIONES), rng.choice(LUGARES)
        acciones.append(accion)
        titulo = rng.choice(LECCIONES) if tipo == TipoRecurso.LECCION else f"{accion} en {lugar}"
        publicado = rng.random() < 0.85
        depto = entidad.departamento_id or (entidad.municipio_id[:2] if entidad.municipio_id else None)
        recursos.append(Recurso(
            tipo=tipo, titulo=f"{titulo} – {entidad.nombre}"[:255], resumen=_texto(rng, accion, lugar)[:400],
            contenido=_texto(rng, accion, lugar) * 2, entidad=entidad, municipio_id=entidad.municipio_id,
            departamento_id=depto, propuesto_por=autor,
            estado=EstadoRecurso.PUBLICADO if publicado else EstadoRecurso.PROPUESTO,
            publicado_en=ahora - timedelta(days=rng.randint(1, 900)) if publicado else None,
            revisado_por=dnp if publicado else None, periodo="2020–2023" if tipo == TipoRecurso.EXPERIENCIA else "",
            resultados="Mejoró el indicador de desempeño y la satisfacción ciudadana." if tipo == "experiencia" else "",
            como_replicarla="1. Diagnóstico. 2. Acuerdo con la comunidad. 3. Seguimiento." if tipo == "buena_practica" else "",
            recomendacion="Documentar desde el inicio." if tipo == TipoRecurso.LECCION else "",
        ))
    # Por COPY con los ids tomados de antemano: la experiencia de cada buena práctica va ya en su fila.
    for r, pk in zip(recursos, reservar_ids(Recurso._meta.db_table, len(recursos)), strict=True):
        r.pk = pk
    experiencias = [r for r in recursos if r.tipo == TipoRecurso.EXPERIENCIA and r.estado == EstadoRecurso.PUBLICADO]
    practicas = [r for r in recursos if r.tipo == TipoRecurso.BUENA_PRACTICA]
    if experiencias:
        for r in practicas:
            if rng.random() < 0.6:
                r.experiencia = rng.choice(experiencias)
    campos = Recurso._meta.concrete_fields
    # Los recursos sin sus índices secundarios mientras se cargan y se les calcula el vector de búsqueda (ese
    # UPDATE reescribe cada fila: con quince índices y el GIN del vector, la mitad del tiempo del área); se
    # recrean al final. La intermedia de temas conserva los suyos: el vector la lee por recurso.
    with carga_masiva(Recurso):
        copiar(Recurso._meta.db_table, [connection.ops.quote_name(f.column) for f in campos],
               filas_de(recursos, campos))
        pares = []
        if temas:
            pares += [(r.pk, t.pk) for r in recursos for t in rng.sample(temas, min(len(temas), rng.randint(1, 2)))]
        por_codigo = dict(Tema.objects.filter(codigo__in=set(TEMA_DE_ACCION.values())).values_list("codigo", "pk"))
        pares += [(r.pk, por_codigo[TEMA_DE_ACCION[a]]) for r, a in zip(recursos, acciones, strict=True)
                  if r.tipo != TipoRecurso.LECCION and TEMA_DE_ACCION.get(a) in por_codigo]
        copiar(Recurso.temas.through._meta.db_table, ("recurso_id", "tema_id"), dict.fromkeys(pares))  # sin repetir
        ids = [r.pk for r in recursos]
        for i in range(0, len(ids), 2000):
            vector_busqueda(ids[i:i + 2000])
    refrescar_vocabulario("conocimiento")
    salida.write(f"  {len(recursos)} recursos del repositorio")

    # Comunidad de práctica.
    espacios = [EspacioComunidad(nombre=f"Red de {t.nombre.lower()}"[:150], slug=slugify(f"red-{t.nombre}")[:160],
                                 tipo="tematico", tema=t, descripcion=f"Intercambio entre gobiernos territoriales sobre {t.nombre.lower()}.")
                for t in temas[:6]]
    espacios += [EspacioComunidad(nombre=f"Región {etiqueta}"[:150], slug=slugify(f"region-{valor}"), tipo="regional",
                                  region=valor, descripcion=f"Gobiernos territoriales de la región {etiqueta}.")
                 for valor, etiqueta in Region.choices]
    espacios = EspacioComunidad.objects.bulk_create(espacios, ignore_conflicts=True)
    espacios = list(EspacioComunidad.objects.order_by("pk"))
    miembros = {}
    for m in miembros_et:
        for e in rng.sample(espacios, min(3, len(espacios))):
            miembros[(e.pk, m.usuario_id)] = MiembroEspacio(espacio=e, usuario_id=m.usuario_id, sigue=rng.random() < 0.7)
    moderador = Usuario.objects.filter(email="departamento@att.demo").first() or miembros_et[0].usuario
    for e in espacios:
        miembros[(e.pk, moderador.pk)] = MiembroEspacio(espacio=e, usuario=moderador, rol=RolMiembro.MODERADOR)
    MiembroEspacio.objects.bulk_create(list(miembros.values()), ignore_conflicts=True, batch_size=2000)
    por_espacio: dict[int, list[int]] = {}
    for (e, u) in miembros:
        por_espacio.setdefault(e, []).append(u)
    discusiones = []
    for _i in range(10 * escala):
        e = rng.choice(espacios)
        discusiones.append(Discusion(
            espacio=e, autor_id=rng.choice(por_espacio[e.pk]),
            titulo=f"¿Alguien ha implementado {rng.choice(ACCIONES).lower()}?", cuerpo="Buscamos experiencias y contactos.",
        ))
    discusiones = insertar(Discusion, discusiones)
    respuestas = []
    for d in discusiones:
        for _j in range(rng.randint(0, 4)):
            respuestas.append(Respuesta(discusion=d, autor_id=rng.choice(por_espacio[d.espacio_id]),
                                        cuerpo="Nosotros lo hicimos con apoyo del DNP; les comparto la guía.",
                                        oculta=rng.random() < 0.03, motivo_moderacion=""))
    for r in respuestas:
        if r.oculta:
            r.motivo_moderacion = "Publicidad no relacionada"
    insertar(Respuesta, respuestas)
    salida.write(f"  {len(espacios)} espacios, {len(discusiones)} discusiones, {len(respuestas)} respuestas")

    # Plan de formación.
    niveles, tipos = list(NivelCapacidad.objects.all()), list(TipoCapacidad.objects.all())
    oferentes = list(Entidad.objects.filter(tipo__in=TipoEntidad.nacionales()).order_by("pk")[:10])
    if niveles and tipos and oferentes:
        cursos = Curso.objects.bulk_create([
            Curso(nombre=nombre, descripcion=f"Curso de {nombre.lower()} para equipos territoriales.",
                  nivel=niveles[i % len(niveles)], tipo_capacidad=tipos[i % len(tipos)],
                  tema=temas[i % len(temas)] if temas else None, entidad=oferentes[i % len(oferentes)],
                  horas=rng.choice([8, 16, 24, 40]))
            for i, nombre in enumerate(CURSOS)
        ])
        sesiones = []
        for c in cursos:
            for k in range(2):
                inicio = ahora + timedelta(days=rng.randint(-200, 120))
                virtual = k % 2 == 0
                sesiones.append(SesionFormacion(
                    curso=c, modalidad="virtual" if virtual else "presencial", inicio=inicio,
                    fin=inicio + timedelta(hours=4), cupos=rng.choice([20, 30, 40]),
                    enlace="https://reuniones.dnp.gov.co/sala" if virtual else "",
                    lugar="" if virtual else rng.choice(["Bogotá", "Medellín", "Cali", "Barranquilla", "Pasto"]),
                ))
        sesiones = SesionFormacion.objects.bulk_create(sesiones)
        inscripciones = []
        for s in sesiones:
            for j, m in enumerate(rng.sample(miembros_et, min(len(miembros_et), s.cupos + 3))):
                estado = EstadoInscripcion.INSCRITA if j < s.cupos else EstadoInscripcion.EN_ESPERA
                inscripciones.append(Inscripcion(
                    sesion=s, usuario_id=m.usuario_id, entidad_id=m.entidad_id, estado=estado,
                    asistio=(rng.random() < 0.8) if s.inicio < ahora and estado == "inscrita" else None))
        Inscripcion.objects.bulk_create(inscripciones, batch_size=2000, ignore_conflicts=True)
        salida.write(f"  {len(cursos)} cursos, {len(sesiones)} sesiones, {len(inscripciones)} inscripciones")

    # Encuentros anuales de buenas prácticas.
    publicadas = [r for r in recursos if r.estado == EstadoRecurso.PUBLICADO and r.tipo != TipoRecurso.LECCION]
    for anio in (ahora.year - 1, ahora.year):
        inicio = ahora.replace(year=anio, month=11, day=15, hour=8, minute=0, second=0, microsecond=0)
        evento = Evento.objects.create(
            nombre=f"Encuentro nacional de buenas prácticas territoriales {anio}", tipo=TipoEvento.ENCUENTRO_ANUAL,
            descripcion="Las entidades territoriales presentan sus buenas prácticas y experiencias significativas.",
            inicio=inicio, fin=inicio + timedelta(days=1, hours=9), lugar="Bogotá y transmisión virtual", cupos=500)
        evento.practicas.set(rng.sample(publicadas, min(8, len(publicadas))))
        RegistroEvento.objects.bulk_create([
            RegistroEvento(evento=evento, usuario_id=m.usuario_id, entidad_id=m.entidad_id)
            for m in rng.sample(miembros_et, min(len(miembros_et), 40))
        ], ignore_conflicts=True)

    # Banco de preguntas frecuentes por oferta.
    autor_por_entidad = dict(Membresia.objects.filter(rol=Rol.OFERENTE, activa=True).values_list("entidad_id", "usuario_id"))
    preguntas = []
    for o in Oferta.objects.only("pk", "entidad_id").order_by("pk")[: 50 * escala]:
        autor = autor_por_entidad.get(o.entidad_id) or dnp.pk
        for k, (p, r) in enumerate(rng.sample(PREGUNTAS, 3)):
            preguntas.append(PreguntaFrecuente(oferta=o, pregunta=p, respuesta=r, orden=k, actualizada_por_id=autor))
    insertar(PreguntaFrecuente, preguntas)
    salida.write(f"  2 encuentros anuales, {len(preguntas)} preguntas frecuentes")
