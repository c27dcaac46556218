"""El tablero de una entidad territorial cuenta solo lo que llega a ELLA: las filas línea × ET de sus
entidades (`EstadoLineaEntidad`), no la línea entera con los departamentos que focaliza."""

from decimal import Decimal as D

import pytest

from seguimiento import selectors, services
from tests import factories
from tests.seguimiento import fabricas

pytestmark = pytest.mark.django_db
# Una alcaldía de cada uno de 13 departamentos: Medellín (Antioquia) y doce más.
OTRAS = ["08001", "11001", "13001", "15001", "17001", "18001", "19001", "20001", "23001", "25001", "27001", "41001"]


@pytest.fixture
def cuatro_lineas_de_medellin(entidad_oferente, oferente):
    medellin = factories.alcaldia("05001")
    otras = [factories.alcaldia(c) for c in OTRAS]
    lineas = []
    for i in range(4):
        linea = fabricas.linea(entidad_oferente, responsable=oferente, territorios=[medellin, *otras],
                               peso=i + 1, aprobado=True)
        fabricas.hito(linea, nombre=f"Hito {i}")
        services.recalcular_linea(linea)
        lineas.append(linea)
    # Una quinta línea que no llega a Medellín: no cuenta en su tablero.
    ajena = fabricas.linea(entidad_oferente, responsable=oferente, territorios=otras[:2], aprobado=True)
    fabricas.hito(ajena)
    services.recalcular_linea(ajena)
    return lineas


def test_la_funcionaria_de_medellin_ve_sus_4_lineas_solo_en_antioquia(funcionario_medellin, cuatro_lineas_de_medellin):
    datos = selectors.tablero(funcionario_medellin)
    assert datos["total"]["lineas"] == 4
    assert [(f["nombre"], f["lineas"]) for f in datos["por_departamento"]] == [("Antioquia", 4)]
    assert [(f["nombre"], f["lineas"]) for f in datos["por_entidad"]] == [("Ministerio de Prueba", 4)]
    assert sum(f["lineas"] for f in datos["por_asesor"]) == 4
    assert datos["total"]["suma_pesos"] == D(10)


def test_la_pagina_del_tablero_de_la_et(client, funcionario_medellin, cuatro_lineas_de_medellin):
    client.force_login(funcionario_medellin)
    r = client.get("/seguimiento/?formato=csv&dimension=departamento")
    assert r.status_code == 200
    filas = [f for f in r.getvalue().decode("utf-8-sig").splitlines()[1:] if f.strip()]
    assert len(filas) == 1
    assert filas[0].startswith("Antioquia")


def test_el_oferente_sigue_viendo_la_linea_entera(oferente, cuatro_lineas_de_medellin):
    datos = selectors.tablero(oferente)
    assert datos["total"]["lineas"] == 5
    assert len(datos["por_departamento"]) == 13
