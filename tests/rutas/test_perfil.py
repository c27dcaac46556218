"""Secciones «Rutas de asistencia» y «Capacidad» del perfil y su aporte al informe de empalme."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from att import perfil
from att import services as att_services
from att.models import Capacidad, Membresia, PuntajeMDM, Rol
from rutas import perfil as rutas_perfil
from rutas import services
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date


def test_secciones_registradas_con_empalme():
    claves = {s.clave: s for s in perfil.secciones()}
    assert claves["rutas"].empalme is rutas_perfil.rutas_para_empalme
    assert claves["capacidad"].empalme is rutas_perfil.capacidad_para_empalme


def test_capacidad_y_rutas_en_el_perfil_y_el_empalme(oferente, entidad_oferente, funcionario_medellin,
                                                      funcionario_cali):
    medellin = factories.alcaldia("05001")
    planeacion = Capacidad.objects.get(codigo="planeacion")
    PuntajeMDM.objects.create(municipio_id="05001", anio=2022, puntaje="71.30", grupo="C")
    Membresia.objects.filter(usuario=funcionario_medellin).update(desde=D(2024, 1, 1))
    anterior = factories.persona(medellin, Rol.FUNCIONARIO_ET, nombre="Secretaria de la administración anterior")
    Membresia.objects.filter(usuario=anterior).update(desde=D(2020, 1, 1), hasta=D(2023, 12, 31))
    for fecha, valor in ((D(2023, 5, 1), 2), (D(2025, 5, 1), 4)):
        att_services.diagnostico_registrar(entidad=medellin, fecha=fecha, por=funcionario_medellin,
                                           valoraciones=[{"capacidad": planeacion, "valor": valor, "objetivo": 4}])
    ruta = services.ruta_crear(entidad=medellin, capacidad=planeacion, oferentes=[entidad_oferente], por=oferente)
    services.ruta_egresar(ruta=ruta, motivo="cumplido", por=oferente)

    datos = rutas_perfil.capacidad_para_perfil(medellin, funcionario_medellin)
    assert [f["cambio"] for f in datos["filas"]] == [0, 2]
    assert [p.anio for p in datos["mdm"]] == [2022]
    html = render_to_string("rutas/perfil/capacidad.html", {"datos": datos})
    assert "Secretaria de la administración anterior" in html and "2020–2023" in html
    assert rutas_perfil.capacidad_para_perfil(medellin, funcionario_cali) is None

    rutas = rutas_perfil.rutas_para_perfil(medellin, funcionario_medellin)
    assert rutas["total"] == 1 and rutas["rutas"][0].estado == "egresada"
    assert rutas_perfil.rutas_para_perfil(medellin, funcionario_cali)["total"] == 0
    assert "Planeación" in render_to_string("rutas/perfil/rutas.html", {"datos": rutas})

    hojas = {h[0]: h for h in rutas_perfil.capacidad_para_empalme(medellin)}
    assert [fila[5] for fila in hojas["Diagnósticos de capacidad"][2]] == [0, 2]
    assert hojas["Historial MDM"][2] == [[2022, Decimal("71.30"), "C"]]
    assert ["2020–2023", "Secretaria de la administración anterior"] == hojas["Administraciones"][2][0][:2]
    (_titulo, _cabeza, filas), = rutas_perfil.rutas_para_empalme(medellin)
    assert filas[0][0] == "Planeación" and filas[0][4] == "Egresada: objetivo cumplido"
