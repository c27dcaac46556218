"""Registro de secciones del perfil (att/perfil.py) y su chequeo de sistema."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from att import perfil


def _seccion(**cambios):
    base = {"clave": "prueba", "titulo": "Prueba", "orden": 999, "plantilla": "base.html",
                "datos": lambda entidad, usuario: None}
    base.update(cambios)
    return perfil.Seccion(**base)


@pytest.fixture
def temporal():
    registradas = []

    def registrar(seccion):
        registradas.append(seccion.clave)
        perfil.registrar(seccion)
        return seccion

    yield registrar
    for clave in registradas:
        perfil.quitar(clave)


def _ids(errores):
    return sorted(e.id for e in errores)


def test_seccion_con_campos_existentes_pasa(temporal):
    temporal(_seccion(campos=("att.Entidad.nombre", "att.Entidad.municipio__departamento")))
    assert [e for e in perfil.revisar_secciones() if e.obj == "att.perfil:prueba"] == []


def test_campo_renombrado_falla_al_arrancar(temporal):
    temporal(_seccion(campos=("att.Entidad.nombre_viejo",)))
    errores = [e for e in perfil.revisar_secciones() if e.obj == "att.perfil:prueba"]
    assert _ids(errores) == ["att.E201"]
    assert "Entidad no tiene el campo «nombre_viejo»" in errores[0].msg
    # El arranque (cualquier comando con chequeos, como runserver o migrate) se detiene.
    with pytest.raises(SystemCheckError, match="att.E201"):
        call_command("check")


@pytest.mark.parametrize("ruta, mensaje", [
    ("att.NoExiste.nombre", "el modelo att.NoExiste no existe"),
    ("att.Entidad", "no tiene la forma app_label.Modelo.campo"),
    ("att.Entidad.nombre__algo", "«algo» sigue a un campo que no es una relación"),
])
def test_rutas_malas(temporal, ruta, mensaje):
    temporal(_seccion(campos=(ruta,)))
    errores = [e for e in perfil.revisar_secciones() if e.obj == "att.perfil:prueba"]
    assert _ids(errores) == ["att.E201"]
    assert mensaje in errores[0].msg


def test_plantilla_inexistente(temporal):
    temporal(_seccion(plantilla="no/existe.html"))
    assert _ids([e for e in perfil.revisar_secciones() if e.obj == "att.perfil:prueba"]) == ["att.E202"]


def test_orden_y_reemplazo(temporal):
    temporal(_seccion(clave="zz-b", orden=-5))
    temporal(_seccion(clave="zz-a", orden=-5))
    temporal(_seccion(clave="zz-c", orden=-6, titulo="viejo"))
    temporal(_seccion(clave="zz-c", orden=-6, titulo="nuevo"))
    primeras = perfil.secciones()[:3]
    assert [s.clave for s in primeras] == ["zz-c", "zz-a", "zz-b"]
    assert primeras[0].titulo == "nuevo"


def test_el_proyecto_registrado_pasa_el_chequeo():
    assert [e for e in checks.run_checks() if e.id and e.id.startswith("att.E2")] == []


def test_las_apps_se_registran_desde_su_ready():
    """Portada, datos demo, importadores y perfil llegan por registros explícitos (att no importa las apps)."""
    from att import importacion, registros

    assert [a.area for a in registros.demos()] == ["att", "oferta", "demanda", "agenda", "seguimiento", "conocimiento",
                                                   "rutas", "pas"]
    assert [a.area for a in registros.referencias()] == ["pas"]
    assert [a.area for a in registros.resumenes_inicio()] == ["oferta", "demanda", "agenda", "seguimiento",
                                                              "conocimiento"]
    assert registros.mapa_inicio() is not None
    assert sorted(importacion.IMPORTADORES) == ["atributos", "demandas", "lineas", "mdm", "ofertas"]
    assert {s.clave for s in perfil.secciones()} >= {"estadisticas", "oferta", "demandas", "agenda", "seguimiento",
                                                       "memoria"}
    assert {s.clave for s in perfil.secciones() if s.publica} == {"estadisticas", "oferta"}
