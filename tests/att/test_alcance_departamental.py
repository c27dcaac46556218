"""Alcance del equipo departamental: el token de la gobernación de Antioquia (05) llega a los municipios de
Antioquia y a nada de otro departamento (Valle del Cauca, 76), por la API y por las consultas de las páginas.

Cada lista acotada por entidad se revisa con filas de los dos departamentos: lo de Antioquia está, lo del
Valle no, y el detalle de lo del Valle responde 404 (la memoria, 403 con su mensaje)."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from agenda import selectors as agenda_sel
from agenda import services as agenda_srv
from agenda.models import LineaPlan
from att import permisos
from att import services as att_services
from att.models import Entidad, Membresia, Rol, TipoEntidad, Usuario
from conocimiento import selectors as conocimiento_sel
from demanda import selectors as demanda_sel
from indicadores import selectors as indicadores_sel
from indicadores.models import Medicion
from seguimiento import selectors as seguimiento_sel
from seguimiento import services as seguimiento_srv
from seguimiento.models import InformeMensual, Percepcion
from tests import factories
from tests.agenda import fabricas as fa
from tests.demanda import fabricas as fd
from tests.seguimiento import fabricas as fs

pytestmark = pytest.mark.django_db

ANTIOQUIA, VALLE = "05", "76"


@pytest.fixture
def equipo(db):
    """Equipo departamental de la gobernación de Antioquia (solo esa membresía)."""
    return factories.persona(factories.gobernacion(ANTIOQUIA), Rol.EQUIPO_DEPARTAMENTAL)


@pytest.fixture
def clave(equipo, admin_dnp):
    _token, clave = att_services.token_emitir(nombre="Sistema de la gobernación", usuario=equipo,
                                              entidad=factories.gobernacion(ANTIOQUIA),
                                              rol=Rol.EQUIPO_DEPARTAMENTAL, por=admin_dnp)
    return clave


def _con_token(usuario):
    """El usuario tal como lo deja la autenticación por token (entidad y rol del token, nada más)."""
    u = Usuario.objects.get(pk=usuario.pk)
    u._att_token = u.tokens.select_related("entidad").get()
    return u


def _api(clave):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {clave}")
    return api


def _ids(api, url, clave_fila="id"):
    r = api.get(url, {"tamano": 500})
    assert r.status_code == 200, (url, r.status_code)
    cuerpo = r.json()
    assert cuerpo["next"] is None, url  # todo en una página
    return {fila[clave_fila] for fila in cuerpo["results"]}


@pytest.fixture
def mundo(entidad_oferente, oferente, admin_dnp):
    """Lo mismo en los dos departamentos: demandas, planes, concertados con compromisos vencidos, líneas en
    seguimiento con hitos y avances, indicadores con mediciones, percepciones e informes por entidad."""
    e = {
        "medellin": factories.alcaldia("05001"), "abejorral": factories.alcaldia("05002"),
        "gob_antioquia": factories.gobernacion(ANTIOQUIA),
        "cali": factories.alcaldia("76001"), "gob_valle": factories.gobernacion(VALLE),
    }
    d = {"antioquia": {}, "valle": {}}
    hoy = timezone.localdate()
    agenda = fa.agenda()
    for depto, territoriales in (("antioquia", ["medellin", "abejorral", "gob_antioquia"]),
                                 ("valle", ["cali", "gob_valle"])):
        x = d[depto]
        x["demandas"] = {fd.demanda(e[k], factories.persona(e[k])).pk for k in territoriales}
        # Un plan de trabajo en borrador de la gobernación (oferente departamental) y una línea suya.
        plan = fa.plan(e[territoriales[-1]], agenda_=agenda)
        x["planes"] = {plan.pk}
        x["lineas"] = {fa.linea(plan, territorios=[e[territoriales[0]]]).pk}
        # Plan concertado con la primera ET del departamento, con un compromiso vencido.
        pc = agenda_srv.concertado_crear(entidad_territorial=e[territoriales[0]], oferentes=[entidad_oferente],
                                         vigencia=2025, nombre=f"Concertado {depto}", por=oferente)
        mesa = agenda_srv.mesa_registrar(
            plan=pc, por=oferente, fecha=timezone.now() - datetime.timedelta(days=30), lugar="Sala",
            participantes="Ana", evidencias=[("acta", SimpleUploadedFile("acta.pdf", b"%PDF-1.4", "application/pdf"))])
        compromiso = agenda_srv.compromiso_crear(mesa=mesa, descripcion=f"Entregar el acta ({depto})",
                                                 responsable=oferente, fecha_limite=hoy - datetime.timedelta(days=1),
                                                 por=oferente)
        x["concertados"], x["compromisos"] = {pc.pk}, {compromiso.pk}
        # Línea del oferente nacional que focaliza la ET, con su estado, un hito y un avance.
        linea = fs.linea(entidad_oferente, responsable=oferente, territorios=[e[territoriales[0]]], aprobado=True)
        hito = fs.hito(linea)
        avance = seguimiento_srv.avance_reportar(
            hito=hito, porcentaje=D(10), fecha_corte=datetime.date(2026, 6, 1), narrativa="x", por=oferente,
            evidencias=[SimpleUploadedFile(f"{depto}.pdf", b"%PDF-1.4")])
        x["estados"] = {seguimiento_srv.recalcular_linea(linea, hoy=datetime.date(2026, 6, 1)).pk}
        x["lineas_seguidas"] = {linea.pk}  # la API de estados se recorre por línea
        x["hitos"], x["avances"] = {hito.pk}, {avance.pk}
        indicador = fs.indicador(e[territoriales[-1]], nombre=f"Indicador {depto}")
        medicion = Medicion.objects.create(indicador=indicador, periodo=datetime.date(2026, 5, 1), valor=D(3),
                                           registrada_por=admin_dnp)
        x["indicadores"], x["mediciones"] = {indicador.pk}, {medicion.pk}
        x["percepciones"] = {Percepcion.objects.create(
            entidad=e[territoriales[0]], oferente=entidad_oferente, fecha=hoy, calidad=4, pertinencia=4,
            oportunidad=4, registrada_por=admin_dnp).pk}
        x["informes"] = {InformeMensual.objects.create(periodo=datetime.date(2026, 5, 1),
                                                       alcance=f"entidad-{e[k].pk}").pk for k in territoriales}
    return e, d


RUTAS = {
    "demandas": "/api/v1/demandas/",
    "planes": "/api/v1/agenda/planes/",
    "lineas": "/api/v1/agenda/lineas/",
    "concertados": "/api/v1/agenda/concertados/",
    "compromisos": "/api/v1/agenda/compromisos/",
    "lineas_seguidas": "/api/v1/seguimiento/lineas/",
    "hitos": "/api/v1/seguimiento/hitos/",
    "avances": "/api/v1/seguimiento/avances/",
    "indicadores": "/api/v1/seguimiento/indicadores/",
    "mediciones": "/api/v1/seguimiento/mediciones/",
    "percepciones": "/api/v1/seguimiento/percepciones/",
    "informes": "/api/v1/seguimiento/informes/",
}


def test_el_alcance_del_token_es_su_departamento(equipo, clave):
    u = _con_token(equipo)
    alcance = permisos.entidades_de(u)
    assert alcance.filter(pk=factories.alcaldia("05001").pk).exists()
    assert alcance.filter(pk=factories.gobernacion(ANTIOQUIA).pk).exists()
    assert not alcance.exclude(departamento_id=ANTIOQUIA).exists()
    assert not alcance.exclude(tipo__in=TipoEntidad.territoriales()).exists()
    # Todas las entidades territoriales de Antioquia y ninguna más: lo mismo que con su sesión.
    de_antioquia = Entidad.objects.filter(tipo__in=TipoEntidad.territoriales(), departamento_id=ANTIOQUIA)
    assert set(alcance.values_list("pk", flat=True)) == set(de_antioquia.values_list("pk", flat=True))
    assert set(permisos.entidades_de(equipo).values_list("pk", flat=True)) == set(de_antioquia.values_list("pk", flat=True))
    assert permisos.actua_por(u, factories.alcaldia("05001"), {Rol.EQUIPO_DEPARTAMENTAL})
    assert not permisos.actua_por(u, factories.alcaldia("76001"), {Rol.EQUIPO_DEPARTAMENTAL})
    assert not permisos.actua_por(u, factories.gobernacion(VALLE), {Rol.EQUIPO_DEPARTAMENTAL})


@pytest.mark.parametrize("recurso", list(RUTAS))
def test_api_con_token_departamental_lista_solo_su_departamento(mundo, clave, recurso):
    _e, d = mundo
    api = _api(clave)
    vistos = _ids(api, RUTAS[recurso], "linea" if recurso == "lineas_seguidas" else "id")
    if recurso == "lineas":
        # Las líneas de planes aprobados son públicas para quien ingresa; las de borrador, solo de su entidad.
        assert d["antioquia"]["lineas"] <= vistos and not d["valle"]["lineas"] & vistos
    else:
        assert vistos == d["antioquia"][recurso], recurso
    for pk in d["valle"][recurso]:
        assert api.get(f"{RUTAS[recurso]}{pk}/").status_code == 404, (recurso, pk)
    for pk in d["antioquia"][recurso]:
        assert api.get(f"{RUTAS[recurso]}{pk}/").status_code == 200, (recurso, pk)


def test_api_memoria_solo_de_su_departamento(mundo, clave):
    e, _d = mundo
    api = _api(clave)
    for k in ("medellin", "abejorral", "gob_antioquia"):
        r = api.get(f"/api/v1/conocimiento/memoria/{e[k].pk}/")
        assert r.status_code == 200 and r.json()["entidad"]["id"] == e[k].pk
    for k in ("cali", "gob_valle"):
        r = api.get(f"/api/v1/conocimiento/memoria/{e[k].pk}/")
        assert r.status_code == 403
        assert r.json()["detail"] == ("La memoria de esta entidad la ven sus funcionarios, su equipo departamental "
                                      "y el DNP.")


def test_api_no_registra_demandas_en_otro_departamento(mundo, clave):
    e, _d = mundo
    cuerpo = {"titulo": "Apoyo con el marco fiscal", "descripcion": "Detalle", "temas": ["hacienda-finanzas"],
              "fuente": "indicadores", "etapa": "planeacion", "canal": "virtual"}
    api = _api(clave)
    r = api.post("/api/v1/demandas/", {**cuerpo, "entidad": e["cali"].pk}, format="json")
    assert r.status_code == 400 and r.json()["entidad"] == ["No puede registrar demandas para esta entidad."]
    assert api.post("/api/v1/demandas/", {**cuerpo, "entidad": e["abejorral"].pk}, format="json").status_code == 201


@pytest.mark.parametrize("via", ["sesion", "token"])
def test_consultas_de_las_paginas_solo_su_departamento(mundo, equipo, clave, via):
    e, d = mundo
    u = equipo if via == "sesion" else _con_token(equipo)
    a, v = d["antioquia"], d["valle"]

    def ids(qs):
        return set(qs.values_list("pk", flat=True))

    assert ids(demanda_sel.demandas_visibles(u)) == a["demandas"]
    assert ids(demanda_sel.demandas_lista(u)) == a["demandas"]
    assert ids(agenda_sel.planes_visibles(u)) == a["planes"]
    assert ids(agenda_sel.planes_lista(u)) == a["planes"]
    lineas = ids(LineaPlan.objects.filter(agenda_sel._filtro_lineas_visibles(u)))
    assert a["lineas"] <= lineas and not v["lineas"] & lineas  # las aprobadas de seguimiento son públicas
    assert ids(agenda_sel.concertados_visibles(u)) == a["concertados"]
    assert ids(agenda_sel.concertados_lista(u)) == a["concertados"]
    assert ids(agenda_sel.compromisos_vencidos(u)) == a["compromisos"]
    assert ids(seguimiento_sel.estados_visibles(u)) == a["estados"]
    assert ids(seguimiento_sel.avances_visibles(u)) == a["avances"]
    assert ids(indicadores_sel.indicadores_visibles(u)) == a["indicadores"]
    assert ids(seguimiento_sel.percepciones_visibles(u)) == a["percepciones"]
    assert ids(seguimiento_sel.informes_visibles(u)) == a["informes"]
    memorias = ids(conocimiento_sel.entidades_con_memoria(u))
    assert {e["medellin"].pk, e["abejorral"].pk, e["gob_antioquia"].pk} <= memorias
    assert not memorias & {e["cali"].pk, e["gob_valle"].pk}
    assert not conocimiento_sel.entidades_con_memoria(u).exclude(departamento_id=ANTIOQUIA).exists()
    assert u.has_perm("conocimiento.ver_memoria", e["abejorral"])
    assert not u.has_perm("conocimiento.ver_memoria", e["cali"])
    assert not u.has_perm("conocimiento.ver_memoria", e["gob_valle"])


def test_el_token_no_suma_las_otras_membresias_de_la_persona(mundo, equipo, clave):
    """La persona también es funcionaria de Cali: con su sesión ve Cali; con el token de la gobernación, no."""
    e, d = mundo
    Membresia.objects.create(usuario=equipo, entidad=e["cali"], rol=Rol.FUNCIONARIO_ET)
    permisos.olvidar_vinculos(equipo)
    assert d["valle"]["demandas"] & set(demanda_sel.demandas_visibles(equipo).values_list("pk", flat=True))
    api = _api(clave)
    assert _ids(api, RUTAS["demandas"]) == d["antioquia"]["demandas"]
    assert _ids(api, RUTAS["concertados"]) == d["antioquia"]["concertados"]
    assert api.get(f"/api/v1/conocimiento/memoria/{e['cali'].pk}/").status_code == 403
