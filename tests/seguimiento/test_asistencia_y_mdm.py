"""Asesorías y eventos que cierran demandas; comparación MDM de asistidos y no asistidos."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from att.models import Canal, Modalidad, Municipio, PuntajeMDM
from demanda.models import Demanda, EstadoDemanda
from seguimiento import selectors, services
from tests import factories
from tests.seguimiento import fabricas

pytestmark = pytest.mark.django_db


def _demanda(entidad_et, oferta, por):
    return Demanda.objects.create(entidad=entidad_et, registrada_por=por, titulo="Formular el PDT",
                                  descripcion="Necesitamos apoyo", fuente="diagnostico_propio", oferta=oferta,
                                  estado=EstadoDemanda.EN_ATENCION)


def test_asesoria_y_evento_cierran_las_demandas_que_atienden(oferente, otro_oferente, entidad_oferente,
                                                              funcionario_medellin):
    medellin, cali = factories.alcaldia("05001"), factories.alcaldia("76001")
    oferta = fabricas.oferta(entidad_oferente)
    d1, d2 = _demanda(medellin, oferta, funcionario_medellin), _demanda(cali, oferta, funcionario_medellin)
    comunes = {"fecha": date(2026, 5, 1), "modalidad": Modalidad.objects.first(), "canal": Canal.objects.first()}
    with pytest.raises(PermissionDenied, match=r"Solo el oferente registra sus asesorías\."):
        services.asesoria_registrar(oferente=entidad_oferente, entidad=medellin, por=otro_oferente, **comunes)
    a = services.asesoria_registrar(oferente=entidad_oferente, entidad=medellin, por=oferente, demandas=[d1],
                                    participantes=4, **comunes)
    assert a.demandas.get() == d1
    d1.refresh_from_db()
    assert d1.estado == EstadoDemanda.ATENDIDA
    e = services.evento_registrar(oferente=entidad_oferente, nombre="Encuentro regional", entidades=[medellin, cali],
                                  por=oferente, demandas=[d2], participantes=80, **comunes)
    assert e.entidades.count() == 2
    d2.refresh_from_db()
    assert d2.estado == EstadoDemanda.ATENDIDA


def test_pagina_de_asistencia(client, oferente, entidad_oferente):
    medellin = factories.alcaldia("05001")
    client.force_login(oferente)
    r = client.post("/seguimiento/asistencia/", {
        "tipo": "asesoria", "entidades": [medellin.pk, factories.alcaldia("76001").pk], "fecha": "2026-05-01",
        "modalidad": Modalidad.objects.first().pk, "canal": Canal.objects.first().pk, "participantes": 3})
    assert "Una asesoría es con una sola entidad territorial" in r.content.decode()
    r = client.post("/seguimiento/asistencia/", {
        "tipo": "asesoria", "entidades": [medellin.pk], "fecha": "2026-05-01",
        "modalidad": Modalidad.objects.first().pk, "canal": Canal.objects.first().pk, "participantes": 3})
    assert r.status_code == 302
    assert medellin.nombre in client.get("/seguimiento/asistencia/").content.decode()


def test_comparacion_mdm_por_grupo(entidad_oferente):
    # Dos municipios G3 asistidos (+4 y +2) y uno G3 no asistido (+1): diferencia 3 − 1 = 2.
    codigos = list(Municipio.objects.order_by("codigo").values_list("codigo", flat=True)[:3])
    PuntajeMDM.objects.filter(anio__in=[2040, 2041]).delete()
    for codigo, (a, b) in zip(codigos, [(50, 54), (40, 42), (45, 46)]):
        PuntajeMDM.objects.create(municipio_id=codigo, anio=2040, puntaje=D(a), grupo="G3")
        PuntajeMDM.objects.create(municipio_id=codigo, anio=2041, puntaje=D(b), grupo="G3")
    fabricas.linea(entidad_oferente, territorios=[factories.alcaldia(codigos[0]), factories.alcaldia(codigos[1])])
    filas = {f["grupo"]: f for f in selectors.comparacion_mdm(2040, 2041)}
    g3 = filas["G3"]
    assert (g3["n_asistidos"], g3["n_no_asistidos"]) == (2, 1)
    assert (g3["cambio_asistidos"], g3["cambio_no_asistidos"], g3["diferencia"]) == (D("3.00"), D("1.00"), D("2.00"))
