"""Datos de demostración de la agenda: una agenda 2023–2026, planes de trabajo de cada entidad que tiene
ofertas publicadas (vigencias 2024 y 2025, con su ciclo de revisión), líneas que llevan esas ofertas a
territorios focalizados y planes concertados con mesas, evidencias y compromisos (algunos vencidos).

Escala: unas `30 * escala` líneas por vigencia (líneas y focalizaciones por COPY, sin índices secundarios
mientras tanto: `att.demo_carga`). Idempotente: si ya hay planes de trabajo, no hace nada.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Case, F, When
from django.utils import timezone

from agenda.models import (
    AgendaNacional,
    Compromiso,
    DecisionRevision,
    EstadoAgenda,
    EstadoCompromiso,
    EstadoConcertado,
    EstadoPlan,
    EvidenciaMesa,
    LineaPlan,
    MesaDeTrabajo,
    ObjetivoAgenda,
    PlanConcertado,
    PlanDeTrabajo,
    RevisionPlan,
    TipoEvidencia,
    VersionPlan,
)
from agenda.services import fotos_planes
from att.demo_carga import carga_masiva, copiar, insertar
from att.models import (
    DescriptorTematico,
    Entidad,
    EtapaCiclo,
    Membresia,
    Rol,
    TipoDescriptor,
    TipoEntidad,
    Usuario,
)

NOMBRE_AGENDA = "Agenda Nacional de Asistencia Técnica Territorial 2023–2026"
OBJETIVOS = [
    (TipoDescriptor.FUNCIONAL, "Fortalecer la formulación y el seguimiento de los planes de desarrollo territorial",
     "Entidades territoriales con PDT acompañado", 0, 800, "ET"),
    (TipoDescriptor.FUNCIONAL, "Mejorar la gestión de las finanzas públicas territoriales",
     "Municipios con marco fiscal de mediano plazo asistido", 0, 400, "municipios"),
    (TipoDescriptor.FUNCIONAL, "Fortalecer la estructuración de proyectos de inversión",
     "Proyectos estructurados con asistencia técnica", 120, 900, "proyectos"),
    (TipoDescriptor.SECTORIAL, "Cerrar brechas en agua potable y saneamiento básico",
     "Municipios asistidos en planes de agua", 40, 300, "municipios"),
    (TipoDescriptor.SECTORIAL, "Acompañar la gestión del riesgo de desastres", "ET con plan de gestión del riesgo actualizado",
     10, 250, "ET"),
    (TipoDescriptor.SECTORIAL, "Fortalecer la planeación del ordenamiento territorial",
     "Municipios con POT en revisión acompañada", 5, 150, "municipios"),
    (TipoDescriptor.POBLACIONAL, "Incorporar el enfoque étnico y diferencial en la gestión territorial",
     "ET con políticas poblacionales formuladas", 0, 200, "ET"),
    (TipoDescriptor.POBLACIONAL, "Atender a la población víctima en los municipios PDET",
     "Municipios PDET asistidos en política de víctimas", 0, 170, "municipios"),
    (TipoDescriptor.POBLACIONAL, "Fortalecer la política de juventud y mujer", "ET con política de juventud o mujer",
     0, 120, "ET"),
]
PESOS_ESTADO_2025 = {
    EstadoPlan.APROBADO: 0.6, EstadoPlan.ENVIADO: 0.15, EstadoPlan.DEVUELTO: 0.1, EstadoPlan.BORRADOR: 0.15,
}
FUENTES = ["Presupuesto General de la Nación", "Recursos propios", "Cooperación internacional", "Sistema General de Regalías"]
COMENTARIOS_DEVOLUCION = [
    "Las metas de las líneas no tienen unidad de medida; precise el indicador.",
    "La secuencia no corresponde a la etapa del ciclo de gestión: ajuste fechas.",
    "Falta la fuente de financiación de varias líneas.",
    "Focalice los municipios con menores capacidades (grupos G4 y G5) según la MDM.",
]
LUGARES = ["Sala de juntas de la alcaldía", "Auditorio de la gobernación", "Casa de la cultura", "Concejo municipal"]
COMPROMISOS = [
    "Enviar el diagnóstico de capacidades de la secretaría de planeación",
    "Convocar a los secretarios sectoriales a la siguiente mesa",
    "Compartir la guía metodológica y las plantillas",
    "Remitir el borrador del plan indicativo",
    "Programar la jornada de capacitación en el territorio",
    "Validar el cronograma con el equipo departamental",
]


def _elegir(rng, pesos: dict):
    return rng.choices(list(pesos), list(pesos.values()))[0]


def _oferentes_por_entidad(entidades, clave_hash) -> dict[int, Usuario]:
    existentes = dict(
        Membresia.objects.filter(rol=Rol.OFERENTE, activa=True, entidad__in=entidades)
        .order_by("entidad_id", "pk").values_list("entidad_id", "usuario_id")
    )
    faltan = [e for e in entidades if e.pk not in existentes]
    for e in faltan:
        u, _ = Usuario.objects.get_or_create(
            email=f"plan.{e.pk}@att.demo", defaults={"nombre": f"Planeación {e.sigla or e.nombre}"[:150],
                                                       "password": clave_hash})
        Membresia.objects.get_or_create(usuario=u, entidad=e, rol=Rol.OFERENTE)
        existentes[e.pk] = u.pk
    usuarios = Usuario.objects.in_bulk(set(existentes.values()))
    return {eid: usuarios[uid] for eid, uid in existentes.items()}


@transaction.atomic
def generar(*, escala: int, rng: random.Random, salida) -> None:
    from oferta.models import EstadoOferta, Oferta

    if PlanDeTrabajo.objects.exists():
        salida.write("  ya hay planes de trabajo: nada que hacer")
        _gobernanza_y_territoriales(escala=escala, rng=rng, salida=salida)
        _conversacion_concertado(salida)
        return
    dnp = Usuario.objects.filter(membresias__rol=Rol.ADMIN_DNP, is_active=True).order_by("pk").first()
    if dnp is None:
        salida.write("  falta el administrador DNP de demostración (genere primero «att»)")
        return
    clave = make_password("demo-att-2026")
    agenda, _ = AgendaNacional.objects.get_or_create(
        nombre=NOMBRE_AGENDA, defaults={
            "anio_inicio": 2023, "anio_fin": 2026, "estado": EstadoAgenda.VIGENTE,
            "descripcion": "Concertada entre entidades nacionales, gobernaciones, cooperantes y asociaciones "
                           "(CONPES 4091, §5.3.1).",
            "alineacion_pnd": "PND 2022–2026 «Colombia, potencia mundial de la vida»: transformación "
                              "«Convergencia regional», fortalecimiento de capacidades territoriales.",
            "alineacion_ods": "ODS 11 (ciudades y comunidades sostenibles), ODS 16 (instituciones sólidas), "
                              "ODS 17 (alianzas).",
            "alineacion_mipg": "Políticas de Planeación institucional, Fortalecimiento organizacional, "
                               "Gestión presupuestal y Seguimiento y evaluación del desempeño.",
        })
    descriptores = {d.tipo: d for d in DescriptorTematico.objects.order_by("orden")}
    ObjetivoAgenda.objects.bulk_create([
        ObjetivoAgenda(agenda=agenda, tipo_descriptor=t, descriptor=descriptores.get(t), orden=i + 1, enunciado=e,
                       indicador=ind, linea_base=lb, meta=m, unidad=u)
        for i, (t, e, ind, lb, m, u) in enumerate(OBJETIVOS)
    ])
    objetivos = list(agenda.objetivos.all())

    ofertas_por_entidad = defaultdict(list)
    for o in Oferta.objects.filter(estado=EstadoOferta.PUBLICADA).only("pk", "entidad_id").order_by("pk"):
        ofertas_por_entidad[o.entidad_id].append(o.pk)
    entidades = list(Entidad.objects.filter(pk__in=list(ofertas_por_entidad)).order_by("pk"))
    if not entidades:
        salida.write("  no hay ofertas publicadas (genere primero «oferta»)")
        return
    agenda.participantes.add(*entidades)
    responsables = _oferentes_por_entidad(entidades, clave)

    territoriales = list(
        Entidad.objects.filter(tipo__in=TipoEntidad.territoriales(), activa=True)
        .values_list("pk", "departamento_id", "municipio_id", "tipo").order_by("pk")
    )
    # Algunas ET concentran la asistencia (capitales y municipios priorizados): forma realista.
    pesos_et = [8 if (t == TipoEntidad.GOBERNACION or (m or "").endswith("001")) else 1 for _, _, m, t in territoriales]
    etapas = list(EtapaCiclo.objects.filter(activo=True).order_by("orden"))

    total_por_vigencia = 30 * escala
    por_entidad = max(1, total_por_vigencia // len(entidades))
    planes = []
    for vigencia in (2024, 2025):
        for e in entidades:
            estado = EstadoPlan.APROBADO if vigencia == 2024 else _elegir(rng, PESOS_ESTADO_2025)
            planes.append(PlanDeTrabajo(agenda=agenda, entidad=e, vigencia=vigencia, estado=estado,
                                        creado_por=responsables[e.pk]))
    PlanDeTrabajo.objects.bulk_create(planes, batch_size=1000)

    lineas = []
    for plan in planes:
        ofertas = ofertas_por_entidad[plan.entidad_id]
        n = max(1, int(rng.gauss(por_entidad, por_entidad / 3)))
        for i in range(n):
            etapa = etapas[min(len(etapas) - 1, int(i * len(etapas) / n))]
            inicio = datetime.date(plan.vigencia, rng.randint(1, 10), rng.randint(1, 28))
            fin = min(datetime.date(plan.vigencia, 12, 31), inicio + datetime.timedelta(days=rng.randint(20, 150)))
            lineas.append(LineaPlan(
                plan=plan, oferta_id=ofertas[i % len(ofertas)], objetivo_agenda=rng.choice(objetivos),
                objetivo=f"Acompañar a las entidades focalizadas en la etapa de {etapa.nombre.lower()}",
                etapa=etapa, secuencia=i + 1, fecha_inicio=inicio, fecha_fin=fin,
                responsable=responsables[plan.entidad_id],
                inversion=Decimal(rng.choice([0, 5, 10, 20, 50, 120, 300]) * 1_000_000),
                fuente_financiacion=rng.choice(FUENTES), indicador="Entidades territoriales asistidas",
                meta=Decimal(rng.randint(1, 20)), unidad_meta="entidades",
            ))
    Focal = LineaPlan.territorios.through
    with carga_masiva(LineaPlan, Focal):
        insertar(LineaPlan, lineas)  # COPY con los ids tomados de antemano: las focalizaciones sin releer

        def focal():
            for ln in lineas:
                for t in {t[0] for t in rng.choices(territoriales, pesos_et, k=rng.randint(1, 6))}:
                    yield (ln.pk, t)

        n_focal = copiar(Focal._meta.db_table, ("lineaplan_id", "entidad_id"), focal())
    salida.write(f"  {len(planes)} planes de trabajo, {len(lineas)} líneas, {n_focal} focalizaciones")

    # Ciclo de revisión: versiones y decisiones del DNP.
    ahora = timezone.now()
    versiones, revisiones = [], []
    # Las fotos de todos los planes enviados de una vez (las mismas que `foto_plan` de cada uno).
    fotos = fotos_planes([p for p in planes if p.estado != EstadoPlan.BORRADOR])
    for plan in planes:
        if plan.estado == EstadoPlan.BORRADOR:
            continue
        foto = fotos[plan.pk]
        devuelto_antes = plan.estado == EstadoPlan.APROBADO and rng.random() < 0.3
        n = 2 if devuelto_antes else 1
        for numero in range(1, n + 1):
            versiones.append(VersionPlan(plan=plan, numero=numero, datos=foto, enviada_por=responsables[plan.entidad_id],
                                         nota="Versión ajustada" if numero > 1 else ""))
        plan.version = n
    # COPY: bulk_create manda el JSON de las fotos (decenas de MB) en arreglos que psycopg escapa carácter a carácter.
    insertar(VersionPlan, versiones)
    ultimas = {}
    for v in versiones:
        ultimas.setdefault(v.plan_id, []).append(v)
    for plan in planes:
        vs = ultimas.get(plan.pk, [])
        for v in vs[:-1]:
            revisiones.append(RevisionPlan(plan=plan, version=v, decision=DecisionRevision.DEVOLVER,
                                           comentario=rng.choice(COMENTARIOS_DEVOLUCION), por=dnp))
        if vs and plan.estado in (EstadoPlan.APROBADO, EstadoPlan.DEVUELTO):
            revisiones.append(RevisionPlan(
                plan=plan, version=vs[-1], decision=plan.estado, por=dnp,
                comentario=rng.choice(COMENTARIOS_DEVOLUCION) if plan.estado == EstadoPlan.DEVUELTO else ""))
        if vs:
            plan.enviado_en = ahora
            plan.aprobado_en = ahora if plan.estado == EstadoPlan.APROBADO else None
    RevisionPlan.objects.bulk_create(revisiones, batch_size=1000)
    PlanDeTrabajo.objects.bulk_update(planes, ["version", "enviado_en", "aprobado_en"], batch_size=1000)
    salida.write(f"  {len(versiones)} versiones enviadas, {len(revisiones)} revisiones del DNP")

    _concertados(escala=escala, rng=rng, salida=salida, lineas=lineas, responsables=responsables, dnp=dnp)
    _gobernanza_y_territoriales(escala=escala, rng=rng, salida=salida)
    _conversacion_concertado(salida)


def _conversacion_concertado(salida) -> None:
    """Una conversación en un plan concertado abierto (de Medellín si lo hay): el DNP pregunta por la próxima
    mesa y un oferente del plan responde. Por `mensaje_publicar` (con sus alertas); la clave de cada mensaje
    hace que repetir la demo no los duplique."""
    from agenda import rules
    from agenda.conversacion import puede_escribir
    from att.services import mensaje_publicar

    admin = Usuario.objects.filter(email="admin@att.demo", is_active=True).first()
    if admin is None:
        return
    planes = (PlanConcertado.objects.exclude(estado=EstadoConcertado.CERRADO)
              .order_by(Case(When(entidad_territorial__municipio_id="05001", then=0), default=1), "pk"))
    for plan in planes[:20]:
        oferente = (Usuario.objects.filter(is_active=True, email__endswith="@att.demo", membresias__activa=True,
                                           membresias__rol=Rol.OFERENTE,
                                           membresias__entidad_id__in=rules._oferentes_ids(plan))
                    .order_by("pk").first())
        if oferente is None or not puede_escribir(admin, plan) or not puede_escribir(oferente, plan):
            continue
        guion = [(admin, "¿Confirmamos la próxima mesa técnica para la segunda semana del mes?"),
                 (oferente, "Confirmado. Llevamos el avance de los compromisos y la lista de asistencia.")]
        for i, (autor, texto) in enumerate(guion):
            mensaje_publicar(objeto=plan, por=autor, texto=texto, clave=f"demo:concertado:{plan.pk}:{i}")
        salida.write(f"  {len(guion)} mensajes en la conversación del plan concertado «{plan.nombre[:60]}»")
        return


def _concertados(*, escala, rng, salida, lineas, responsables, dnp) -> None:
    """Planes concertados sobre las ET más focalizadas de 2025, con mesas, evidencias y compromisos."""
    Focal = LineaPlan.territorios.through
    por_et = defaultdict(list)
    ids_2025 = {ln.pk: ln for ln in lineas if ln.plan.vigencia == 2025}
    for lid, eid in Focal.objects.filter(lineaplan_id__in=list(ids_2025)).values_list("lineaplan_id", "entidad_id"):
        por_et[eid].append(ids_2025[lid])
    elegidas = sorted(por_et, key=lambda e: (-len(por_et[e]), e))[: max(5, min(300, 5 * escala))]
    funcionarios = dict(
        Membresia.objects.filter(entidad_id__in=elegidas, activa=True, rol=Rol.FUNCIONARIO_ET)
        .order_by("entidad_id", "pk").values_list("entidad_id", "usuario_id")
    )
    ets = Entidad.objects.in_bulk(elegidas)
    hoy = timezone.localdate()
    planes, mesas, compromisos, evidencias = [], [], [], []
    rel_oferentes, rel_lineas = [], []
    for eid in elegidas:
        lineas_et = por_et[eid]
        oferentes = sorted({ln.plan.entidad_id for ln in lineas_et})[: rng.randint(1, 3)]
        plan = PlanConcertado(
            entidad_territorial_id=eid, vigencia=2025, agenda_id=lineas_et[0].plan.agenda_id,
            nombre=("Plan articulado con " if len(oferentes) > 1 else "Plan concertado con ") + ets[eid].nombre,
            objetivo="Acordar la secuencia de la asistencia técnica según las etapas del ciclo de gestión.",
            estado=rng.choice([EstadoConcertado.CONCERTADO, EstadoConcertado.CONCERTADO, EstadoConcertado.EN_CONCERTACION]),
            creado_por=responsables[oferentes[0]],
        )
        plan._oferentes, plan._lineas = oferentes, [ln.pk for ln in lineas_et if ln.plan.entidad_id in oferentes][:10]
        planes.append(plan)
    PlanConcertado.objects.bulk_create(planes)
    for plan in planes:
        rel_oferentes += [PlanConcertado.oferentes.through(planconcertado_id=plan.pk, entidad_id=o) for o in plan._oferentes]
        rel_lineas += [PlanConcertado.lineas.through(planconcertado_id=plan.pk, lineaplan_id=lid) for lid in plan._lineas]
        inicio = hoy - datetime.timedelta(days=rng.randint(60, 200))
        for k in range(rng.randint(1, 4)):
            cuando = timezone.make_aware(datetime.datetime.combine(inicio + datetime.timedelta(days=30 * k),
                                                                   datetime.time(9 + k, 0)))
            mesa = MesaDeTrabajo(plan=plan, fecha=cuando, registrada_por=plan.creado_por,
                                 lugar=rng.choice(LUGARES) if rng.random() < 0.6 else "",
                                 enlace="" if rng.random() < 0.6 else "https://reuniones.att.gov.co/mesa",
                                 participantes="Secretaría de planeación\nEquipo de la entidad oferente\nEquipo departamental",
                                 temas="Revisión de avances y priorización de la asistencia técnica.")
            if not mesa.lugar and not mesa.enlace:
                mesa.lugar = LUGARES[0]
            mesas.append(mesa)
    MesaDeTrabajo.objects.bulk_create(mesas, batch_size=1000)
    for i, mesa in enumerate(mesas):
        plan = mesa.plan
        responsable_et = funcionarios.get(plan.entidad_territorial_id)
        for _ in range(rng.randint(1, 3)):
            limite = mesa.fecha.date() + datetime.timedelta(days=rng.randint(10, 60))
            if limite < hoy:
                estado = rng.choices([EstadoCompromiso.CUMPLIDO, EstadoCompromiso.PENDIENTE, EstadoCompromiso.EN_CURSO],
                                     [0.6, 0.25, 0.15])[0]
            else:
                estado = rng.choice([EstadoCompromiso.PENDIENTE, EstadoCompromiso.EN_CURSO])
            compromisos.append(Compromiso(
                plan=plan, mesa=mesa, descripcion=rng.choice(COMPROMISOS),
                responsable_id=responsable_et if (responsable_et and rng.random() < 0.5) else plan.creado_por_id,
                fecha_limite=limite, estado=estado,
                cerrado_en=limite if estado == EstadoCompromiso.CUMPLIDO else None,
            ))
        if i < 50:  # algunas evidencias reales (archivos pequeños) para explorar
            ev = EvidenciaMesa(mesa=mesa, tipo=TipoEvidencia.ACTA, nombre=f"acta-mesa-{mesa.pk}.pdf", tamano=0,
                               subido_por_id=plan.creado_por_id)
            ev.archivo.save(f"acta-mesa-{mesa.pk}.pdf", ContentFile(b"%PDF-1.4\n% acta de demostracion\n"), save=False)
            ev.tamano = ev.archivo.size
            evidencias.append(ev)
    Compromiso.objects.bulk_create(compromisos, batch_size=2000)
    EvidenciaMesa.objects.bulk_create(evidencias)
    PlanConcertado.oferentes.through.objects.bulk_create(rel_oferentes, ignore_conflicts=True)
    PlanConcertado.lineas.through.objects.bulk_create(rel_lineas, ignore_conflicts=True)
    vencidos = sum(1 for c in compromisos if c.vencido_al(hoy))
    salida.write(f"  {len(planes)} planes concertados, {len(mesas)} mesas, {len(compromisos)} compromisos "
                 f"({vencidos} vencidos)")
    # La tarea diaria de compromisos vencidos, una vez: la demo queda con las alertas que crearía.
    from agenda.services import compromisos_alertar_vencidos

    salida.write(f"  {compromisos_alertar_vencidos(hoy=hoy)} alertas de compromisos vencidos")


# --- Gobernanza de la política y agendas territoriales ----------------------------------------------------
INSTANCIAS = [
    ("Nivel ejecutivo de la política de ATT (DNP, ESAP, DAFP)", "nivel_directivo", "ejecutivo",
     "Toma de decisiones de la política (CONPES 4091, §5.3.1, nivel i)."),
    ("Mesa técnica de entidades prestadoras de ATT", "mesa_tecnica", "prestadores",
     "Entidades que prestan asistencia técnica y organismos de cooperación (nivel ii)."),
    ("Comité Territorial del Consejo de Gestión y Desempeño del MIPG", "comite_territorial", "intermediacion",
     "Espacio donde se socializan los resultados del seguimiento con los departamentos (nivel iii)."),
]
DECISIONES = [
    "Consolidar y remitir el reporte del corte semestral del PAS",
    "Socializar el tablero de seguimiento con los equipos departamentales",
    "Actualizar la oferta de ATT en el portafolio antes del siguiente comité",
    "Priorizar los municipios de capacidades bajas en los planes de trabajo",
    "Ajustar el reglamento de la instancia y circularlo para comentarios",
]
INFORMATIVAS = [
    "Se presentaron los resultados del seguimiento de la vigencia.",
    "Se aprobó el orden del día y el acta de la sesión anterior.",
]
# Subregiones PDET (Decreto 893 de 2017) y esquemas asociativos territoriales conocidos.
SUBREGIONES_PDET = [
    "Alto Patía y Norte del Cauca", "Arauca", "Bajo Cauca y Nordeste Antioqueño", "Catatumbo", "Chocó",
    "Cuenca del Caguán y Piedemonte Caqueteño", "Macarena-Guaviare", "Montes de María", "Pacífico Medio",
    "Pacífico y Frontera Nariñense", "Putumayo", "Sierra Nevada-Perijá", "Sur de Bolívar", "Sur de Córdoba",
    "Sur del Tolima", "Urabá Antioqueño",
]


def _gobernanza_y_territoriales(*, escala, rng, salida) -> None:
    """Instancias de los tres niveles con sesiones trimestrales, decisiones (algunas ya vencidas, que la
    tarea diaria alerta) y resultados enlazados; agendas territoriales por departamento vinculadas a las
    líneas que llegan a sus ET. Idempotente: si ya hay instancias, no hace nada."""
    from agenda import services
    from agenda.models import AgendaTerritorial, InstanciaGobernanza, TipoAgendaTerritorial
    from oferta.models import Oferta

    if InstanciaGobernanza.objects.exists():
        salida.write("  ya hay instancias de gobernanza: nada que hacer")
        return
    dnp = Usuario.objects.filter(membresias__rol=Rol.ADMIN_DNP, is_active=True).order_by("pk").first()
    if dnp is None:
        return
    agenda = AgendaNacional.objects.order_by("-anio_inicio").first()
    nacionales = list(Entidad.objects.filter(pk__in=Oferta.objects.values("entidad_id")).order_by("pk")[:12])
    gobernaciones = list(Entidad.objects.filter(tipo=TipoEntidad.GOBERNACION).order_by("departamento_id")[:32])
    por_sigla = {e.sigla: e for e in Entidad.objects.filter(sigla__in=["DNP", "ESAP", "DAFP", "FP"])}
    ejecutivo = [e for e in por_sigla.values()] or nacionales[:3]
    miembros = {"ejecutivo": ejecutivo, "prestadores": nacionales, "intermediacion": gobernaciones[:12] + ejecutivo[:1]}
    hoy = timezone.localdate()
    n_sesiones = min(8, 2 + escala)
    responsables = list(Usuario.objects.filter(membresias__rol=Rol.OFERENTE, membresias__activa=True,
                                               is_active=True).order_by("pk").distinct()[:20]) or [dnp]
    rutas = [("Tablero de seguimiento de la política", "/seguimiento/"),
             ("Planes de trabajo aprobados", "/agenda/planes/?estado=aprobado")]
    if agenda is not None:
        rutas.append(("Avance de los objetivos de la Agenda Nacional", f"/agenda/agendas/{agenda.pk}/objetivos/"))
    n_decisiones = n_compromisos = 0
    for nombre, tipo, nivel, descripcion in INSTANCIAS:
        instancia = services.instancia_guardar(
            por=dnp, nombre=nombre, tipo=tipo, nivel=nivel, agenda=agenda, descripcion=descripcion,
            miembros=[(e, "Secretaría técnica" if i == 0 else "Miembro") for i, e in enumerate(miembros[nivel])])
        for k in range(n_sesiones):
            cuando = timezone.make_aware(datetime.datetime.combine(
                hoy - datetime.timedelta(days=90 * (n_sesiones - k) - 20), datetime.time(9, 0)))
            sesion = services.sesion_registrar(
                instancia=instancia, por=dnp, fecha=cuando, lugar="Sede del DNP, Bogotá",
                orden_del_dia="1. Verificación de asistencia\n2. Resultados del seguimiento\n3. Decisiones y compromisos",
                acta="Se revisaron los avances de la política y se acordaron los compromisos que siguen.",
                asistentes=[e for e in miembros[nivel] if rng.random() < 0.8])
            services.decision_registrar(sesion=sesion, por=dnp, descripcion=rng.choice(INFORMATIVAS))
            for d in rng.sample(DECISIONES, 2):
                plazo = rng.randint(15, 75)
                services.decision_registrar(sesion=sesion, por=dnp, descripcion=d,
                                            responsable=rng.choice(responsables),
                                            fecha_limite=cuando.date() + datetime.timedelta(days=plazo))
                n_compromisos += 1
            n_decisiones += 3
            titulo, ruta = rng.choice(rutas)
            services.resultado_enlazar(sesion=sesion, por=dnp, titulo=titulo, ruta=ruta)
    # Algunos compromisos antiguos quedaron cumplidos; el resto de los vencidos se alerta.
    viejos = Compromiso.objects.filter(sesion__isnull=False, fecha_limite__lt=hoy - datetime.timedelta(days=120))
    viejos.update(estado=EstadoCompromiso.CUMPLIDO, cerrado_en=F("fecha_limite"))
    salida.write(f"  {len(INSTANCIAS)} instancias de gobernanza, {len(INSTANCIAS) * n_sesiones} sesiones, "
                 f"{n_decisiones} decisiones ({n_compromisos} compromisos)")

    # Agendas territoriales: por departamento con ET focalizadas por líneas de planes aprobados.
    Focal = LineaPlan.territorios.through
    filas = list(Focal.objects.filter(lineaplan__plan__estado=EstadoPlan.APROBADO)
                 .values_list("entidad_id", "entidad__departamento_id", "entidad__municipio__departamento_id",
                              "lineaplan_id", "lineaplan__oferta_id").order_by("lineaplan_id", "entidad_id"))
    por_depto: dict = defaultdict(lambda: {"ets": set(), "lineas": set(), "ofertas": set()})
    for et, depto_g, depto_m, linea, oferta in filas:
        b = por_depto[depto_g or depto_m]
        b["ets"].add(et)
        b["lineas"].add(linea)
        b["ofertas"].add(oferta)
    deptos = sorted((d for d in por_depto if d), key=lambda d: (-len(por_depto[d]["lineas"]), d))[: min(32, 3 + escala)]
    from att.models import Departamento

    nombres = dict(Departamento.objects.filter(pk__in=deptos).values_list("pk", "nombre"))
    gob_de = {g.departamento_id: g for g in gobernaciones}
    agendas_t = []
    for i, d in enumerate(deptos):
        if i % 3 == 0:
            tipo, nombre = TipoAgendaTerritorial.PACTO, f"Pacto territorial {nombres.get(d, d)}"
        elif i % 3 == 1:
            tipo = TipoAgendaTerritorial.PDET
            nombre = f"Iniciativas PDET de la subregión {SUBREGIONES_PDET[i % len(SUBREGIONES_PDET)]} ({nombres.get(d, d)})"
        else:
            tipo, nombre = TipoAgendaTerritorial.ESQUEMA, f"Plan del esquema asociativo territorial de {nombres.get(d, d)}"
        a = AgendaTerritorial(nombre=nombre[:255], tipo=tipo, region=nombres.get(d, d)[:120], creada_por=dnp,
                              fecha_suscripcion=datetime.date(2023, 1 + i % 12, 15), vigente_hasta=datetime.date(2027, 12, 31),
                              descripcion="Apuestas de desarrollo suscritas entre actores nacionales y locales (metodología 004, actividad 2).")
        b = por_depto[d]
        ets = sorted(b["ets"])[:6] + ([gob_de[d].pk] if d in gob_de else [])
        a._ets, a._lineas, a._ofertas = set(ets), sorted(b["lineas"])[:20], sorted(b["ofertas"])[:5]
        agendas_t.append(a)
    AgendaTerritorial.objects.bulk_create(agendas_t, ignore_conflicts=False)
    AgendaTerritorial.entidades.through.objects.bulk_create([
        AgendaTerritorial.entidades.through(agendaterritorial_id=a.pk, entidad_id=e) for a in agendas_t for e in a._ets])
    AgendaTerritorial.lineas.through.objects.bulk_create([
        AgendaTerritorial.lineas.through(agendaterritorial_id=a.pk, lineaplan_id=ln) for a in agendas_t for ln in a._lineas])
    AgendaTerritorial.ofertas.through.objects.bulk_create([
        AgendaTerritorial.ofertas.through(agendaterritorial_id=a.pk, oferta_id=o) for a in agendas_t for o in a._ofertas])
    salida.write(f"  {len(agendas_t)} agendas territoriales vinculadas a "
                 f"{sum(len(a._lineas) for a in agendas_t)} líneas de plan")
    from agenda.services import compromisos_alertar_vencidos

    salida.write(f"  {compromisos_alertar_vencidos(hoy=hoy)} alertas de compromisos vencidos (gobernanza)")
