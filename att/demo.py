"""Datos de demostración del núcleo: personas para cada rol y atributos de focalización.

Los atributos (categoría, grupo MDM, PDET, ZOMAC, puntajes MDM) solo se inventan donde no se
han importado de un archivo oficial; los municipios con datos reales se respetan.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Case, When

from att.models import (
    CategoriaLey617,
    Entidad,
    GrupoMDM,
    Membresia,
    Municipio,
    PuntajeMDM,
    Rol,
    TipoEntidad,
    TokenIntegracion,
    Usuario,
)

CLAVE_DEMO = "demo-att-2026"
TOKEN_DEMO = "demo-token-integrador-att-2026-no-usar-en-produccion"
ANIOS_MDM = range(2019, 2025)
# Proporciones aproximadas de la MDM por grupo de capacidades iniciales (G5 = menor capacidad).
PESOS_GRUPO = {GrupoMDM.G1: 0.1, GrupoMDM.G2: 0.2, GrupoMDM.G3: 0.25, GrupoMDM.G4: 0.25, GrupoMDM.G5: 0.2}
MEDIA_GRUPO = {"C": 66, "G1": 60, "G2": 54, "G3": 49, "G4": 44, "G5": 38}


def _atributos_demo(rng: random.Random) -> int:
    pendientes = list(Municipio.objects.filter(grupo_mdm="").order_by("codigo"))
    if not pendientes:
        return 0
    capitales = set(
        Entidad.objects.filter(tipo=TipoEntidad.GOBERNACION).values_list("departamento_id", flat=True)
    )
    def es_capital(m) -> bool:
        return m.codigo.endswith("001") and m.departamento_id in capitales | {"11"}

    # 170 PDET y 344 ZOMAC como en la política; nunca capitales.
    codigos = [m.codigo for m in pendientes if not es_capital(m)]
    pdet = set(rng.sample(codigos, min(170, len(codigos))))
    resto = [c for c in codigos if c not in pdet]
    zomac = pdet | set(rng.sample(resto, min(174, len(resto))))
    for m in pendientes:
        capital = es_capital(m)
        m.grupo_mdm = GrupoMDM.C if capital else rng.choices(list(PESOS_GRUPO), list(PESOS_GRUPO.values()))[0]
        m.categoria = (
            rng.choice([CategoriaLey617.ESPECIAL, CategoriaLey617.PRIMERA, CategoriaLey617.SEGUNDA])
            if capital else rng.choices(CategoriaLey617.values[3:], [2, 3, 5, 10])[0]
        )
        m.pdet = m.codigo in pdet and not capital
        m.zomac = m.codigo in zomac and not capital
    Municipio.objects.bulk_update(pendientes, ["grupo_mdm", "categoria", "pdet", "zomac"], batch_size=500)
    puntajes = []
    for m in pendientes:
        base = rng.gauss(MEDIA_GRUPO[m.grupo_mdm], 4)
        for anio in ANIOS_MDM:
            base = min(95, max(5, base + rng.gauss(0.4, 1.5)))
            puntajes.append(PuntajeMDM(municipio=m, anio=anio, puntaje=round(base, 2), grupo=m.grupo_mdm))
    PuntajeMDM.objects.bulk_create(puntajes, batch_size=2000, ignore_conflicts=True)
    return len(pendientes)


def _persona(email, nombre, clave_hash, entidad, rol, **extra) -> Usuario:
    usuario, _creado = Usuario.objects.get_or_create(
        email=email, defaults={"nombre": nombre, "password": clave_hash, **extra}
    )
    Membresia.objects.get_or_create(usuario=usuario, entidad=entidad, rol=rol)
    return usuario


@transaction.atomic
def generar(*, escala: int, rng: random.Random, salida) -> None:
    n = _atributos_demo(rng)
    salida.write(f"  atributos de focalización de demostración en {n} municipios")
    clave = make_password(CLAVE_DEMO)
    dnp = Entidad.objects.get(sigla="DNP")
    admin = _persona("admin@att.demo", "Adriana Rojas (DNP/DER)", clave, dnp, Rol.ADMIN_DNP,
                     is_staff=True, is_superuser=True)
    _persona("seguimiento@att.demo", "Samuel Ortiz (seguimiento DNP)", clave, dnp, Rol.SEGUIMIENTO_DNP,
             is_staff=True)
    _persona("auditor@att.demo", "Aurora Méndez (control interno)", clave, dnp, Rol.AUDITOR)
    gob = Entidad.objects.get(tipo=TipoEntidad.GOBERNACION, departamento_id="05")
    _persona("departamento@att.demo", "Diego Restrepo (Gobernación de Antioquia)", clave, gob,
             Rol.EQUIPO_DEPARTAMENTAL)
    medellin = Entidad.objects.get(tipo=TipoEntidad.ALCALDIA, municipio_id="05001")
    _persona("et@att.demo", "Elena Torres (Alcaldía de Medellín)", clave, medellin, Rol.FUNCIONARIO_ET)
    for sigla, email in [("MinVivienda", "oferente@att.demo"), ("ESAP", "esap@att.demo"),
                         ("MinSalud", "minsalud@att.demo")]:
        entidad = Entidad.objects.filter(sigla=sigla).first()
        if entidad:
            _persona(email, f"Oferta {entidad.sigla}", clave, entidad, Rol.OFERENTE)
    integrador = _persona("integrador@att.demo", "Sistema de información del DNP", clave, dnp, Rol.INTEGRADOR)
    if not TokenIntegracion.objects.filter(resumen=TokenIntegracion.resumir(TOKEN_DEMO)).exists():
        TokenIntegracion.objects.create(
            nombre="Integración de demostración", usuario=integrador, entidad=dnp, rol=Rol.INTEGRADOR,
            prefijo=TOKEN_DEMO[:8], resumen=TokenIntegracion.resumir(TOKEN_DEMO), emitido_por=admin,
        )
    # A escala: funcionarios en más alcaldías, un equipo por gobernación, personal de cada oferente.
    nuevos, membresias = [], []
    existentes = set(Usuario.objects.values_list("email", flat=True))
    alcaldias = list(Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA).order_by("pk")[: min(1121, 20 * escala)])
    gobernaciones = list(Entidad.objects.filter(tipo=TipoEntidad.GOBERNACION).order_by("pk"))
    nacionales = list(Entidad.objects.filter(tipo__in=TipoEntidad.nacionales()).order_by("pk"))
    plan = (
        [(e, Rol.FUNCIONARIO_ET, f"et{e.municipio_id}@att.demo") for e in alcaldias]
        + [(e, Rol.EQUIPO_DEPARTAMENTAL, f"gob{e.departamento_id}@att.demo") for e in gobernaciones]
        + [(e, Rol.OFERENTE, f"oferente{e.pk}@att.demo") for e in nacionales]
    )
    for entidad, rol, email in plan:
        if email in existentes:
            continue
        nuevos.append(Usuario(email=email, nombre=f"{rol.label} – {entidad.nombre}"[:200], password=clave))
        membresias.append((email, entidad, rol))
    creados = {u.email: u for u in Usuario.objects.bulk_create(nuevos, batch_size=1000)}
    Membresia.objects.bulk_create(
        [Membresia(usuario=creados[email], entidad=entidad, rol=rol) for email, entidad, rol in membresias],
        batch_size=1000, ignore_conflicts=True,
    )
    salida.write(f"  personas de demostración: {Usuario.objects.count()} (clave «{CLAVE_DEMO}»)")
    from att.referencia import cargar_periodos_gobierno

    cargar_periodos_gobierno()
    salida.write(f"  funcionarios de la administración 2020–2023: {_administraciones(escala, clave)} nuevos")
    salida.write(f"  diagnósticos de capacidad: {_diagnosticos(escala, rng)} nuevos")
    _cuentas(salida)


# --- Cuentas: administradores de entidad y colas del DNP (issue 15) -----------------------------------
ADMINISTRADORES_DEMO = (("et@att.demo", Rol.FUNCIONARIO_ET), ("oferente@att.demo", Rol.OFERENTE))
SOLICITANTE_DEMO = "nueva.funcionaria@alcaldia.demo"


def _cuentas(salida) -> None:
    """La funcionaria de Medellín administra su alcaldía y el oferente de MinVivienda su entidad (invitan y
    terminan membresías); una solicitud de cuenta pendiente para la Alcaldía de Envigado (u otra de Antioquia) (la ven el DNP y el
    equipo departamental de Antioquia, con su alerta) y una solicitud de corrección de datos personales de
    la ESAP, por los mismos servicios de la plataforma. Idempotente: los servicios devuelven la pendiente."""
    from att import cuentas
    from att.models import TipoSolicitudDatos

    for email, rol in ADMINISTRADORES_DEMO:
        for membresia in Membresia.objects.filter(usuario__email=email, rol=rol, administra=False):
            membresia.administra = True
            membresia.save(update_fields=["administra"])  # con su historial, como un cambio del admin
    envigado = (Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA, departamento_id="05", activa=True)
                .exclude(municipio_id="05001").order_by(Case(When(municipio_id="05266", then=0), default=1), "pk")
                .first())
    if envigado is not None:
        solicitud, _nueva = cuentas.solicitud_cuenta_crear(
            nombre="Natalia Gómez", email=SOLICITANTE_DEMO, entidad=envigado, rol=Rol.FUNCIONARIO_ET,
            cargo="Profesional de planeación",
            justificacion="Registraré las demandas de asistencia técnica de la Secretaría de Planeación.")
        cuentas.avisar_solicitud_cuenta(solicitud.pk)
    esap = Usuario.objects.filter(email="esap@att.demo").first()
    if esap is not None:
        cuentas.datos_solicitar(usuario=esap, tipo=TipoSolicitudDatos.CORRECCION,
                                detalle="Mi cargo cambió: ahora soy coordinadora de asistencia técnica.")
    salida.write("  administradores de entidad, una solicitud de cuenta y una de datos personales pendientes")


# --- Dos administraciones y diagnósticos de capacidad (issue 12) ---------------------------------------
INICIO_ACTUAL = datetime.date(2024, 1, 1)
FIN_ANTERIOR = datetime.date(2023, 12, 31)
VALOR_POR_GRUPO = {"C": 4, "G1": 4, "G2": 3, "G3": 3, "G4": 2, "G5": 1, "": 2}


def _administraciones(escala: int, clave: str) -> int:
    """Quien sirvió en la administración 2020–2023 (membresía cerrada) y la actual desde el 1 de enero de
    2024 en las alcaldías de demostración: dos periodos de gobierno con personas."""
    alcaldias = list(Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA).order_by("pk")[: min(1121, 20 * escala)])
    Membresia.objects.filter(usuario__email__endswith="@att.demo", entidad__in=alcaldias,
                             desde__gt=INICIO_ACTUAL).update(desde=INICIO_ACTUAL)
    existentes = set(Usuario.objects.filter(email__startswith="anterior").values_list("email", flat=True))
    nuevos = [Usuario(email=f"anterior{e.municipio_id}@att.demo", password=clave,
                      nombre=f"Funcionario 2020–2023 – {e.nombre}"[:200], cargo="Secretario de planeación (2020–2023)")
              for e in alcaldias if f"anterior{e.municipio_id}@att.demo" not in existentes]
    creados = {u.email: u for u in Usuario.objects.bulk_create(nuevos, batch_size=1000)}
    Membresia.objects.bulk_create([
        Membresia(usuario=creados[f"anterior{e.municipio_id}@att.demo"], entidad=e, rol=Rol.FUNCIONARIO_ET,
                  activa=False, desde=datetime.date(2020, 1, 1), hasta=FIN_ANTERIOR)
        for e in alcaldias if f"anterior{e.municipio_id}@att.demo" in creados], batch_size=1000, ignore_conflicts=True)
    return len(creados)


def _diagnosticos(escala: int, rng: random.Random) -> int:
    """Línea base en 2023 (administración anterior) y, en dos de cada tres, un diagnóstico de seguimiento
    en 2025 con el cambio; valoraciones según el grupo MDM y objetivo acordado dos puntos arriba."""
    from att.models import Capacidad, DiagnosticoCapacidad, FuenteDiagnostico, ValoracionCapacidad

    autor = Usuario.objects.get(email="admin@att.demo")
    dnp = Entidad.objects.get(sigla="DNP")
    capacidades = list(Capacidad.objects.filter(codigo__in=["planeacion", "gestion", "ejecucion"]).order_by("orden"))
    con_diagnostico = set(DiagnosticoCapacidad.objects.values_list("entidad_id", flat=True))
    alcaldias = [e for e in Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA).select_related("municipio")
                 .order_by("pk")[: min(1121, 10 * escala)] if e.pk not in con_diagnostico]
    mdm: dict[str, list] = {}
    for m_id, anio, puntaje, grupo in PuntajeMDM.objects.filter(
            municipio_id__in=[e.municipio_id for e in alcaldias], anio__lte=2025).values_list(
            "municipio_id", "anio", "puntaje", "grupo").order_by("anio"):
        mdm.setdefault(m_id, []).append((anio, puntaje, grupo))

    def evidencia(e, anio):
        previos = [fila for fila in mdm.get(e.municipio_id, []) if fila[0] <= anio]
        if not previos:
            return {}
        a, puntaje, grupo = previos[-1]
        return {"anio_mdm": a, "puntaje_mdm": puntaje, "grupo_mdm": grupo}

    diagnosticos, planes = [], []
    for e in alcaldias:
        base = {c.pk: min(5, max(1, VALOR_POR_GRUPO.get(e.municipio.grupo_mdm, 2) + rng.choice([-1, 0, 0, 1])))
                for c in capacidades}
        d = DiagnosticoCapacidad(entidad=e, fecha=datetime.date(2023, 3, 15), realizado_por=autor,
                                 entidad_que_diagnostica=dnp, objetivo="Subir dos puntos la planeación y la gestión.",
                                 diagnostico_propio="Diagnóstico de capacidades con la MDM y entrevistas.",
                                 **evidencia(e, 2023))
        diagnosticos.append(d)
        planes.append((d, {c: (base[c.pk], min(5, base[c.pk] + 2)) for c in capacidades}))
        if rng.random() < 2 / 3:
            s = DiagnosticoCapacidad(entidad=e, fecha=datetime.date(2025, 6, 15), realizado_por=autor,
                                     entidad_que_diagnostica=dnp, encuesta="Encuesta de seguimiento 2025.",
                                     **evidencia(e, 2025))
            diagnosticos.append(s)
            planes.append((s, {c: (min(5, base[c.pk] + rng.choice([0, 1, 2, 2])), None) for c in capacidades}))
    DiagnosticoCapacidad.objects.bulk_create(diagnosticos, batch_size=1000)
    ValoracionCapacidad.objects.bulk_create([
        ValoracionCapacidad(diagnostico=d, capacidad=c, valor=valor, objetivo=objetivo,
                            fuente=FuenteDiagnostico.MDM if d.anio_mdm else FuenteDiagnostico.PROPIO)
        for d, valores in planes for c, (valor, objetivo) in valores.items()], batch_size=2000)
    return len(diagnosticos)
