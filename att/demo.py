"""Datos de demostración del núcleo: personas para cada rol y atributos de focalización.

Los atributos (categoría, grupo MDM, PDET, ZOMAC, puntajes MDM) solo se inventan donde no se
han importado de un archivo oficial; los municipios con datos reales se respetan.
"""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password
from django.db import transaction

from att.models import (
    CategoriaLey617, Entidad, GrupoMDM, Membresia, Municipio, PuntajeMDM, Rol, TipoEntidad,
    TokenIntegracion, Usuario,
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
