"""La percepción califica una asistencia que existió (ASVS L2, V4: autorización sobre los datos).

La API (y la página) rechazan calificar a un oferente que nunca asistió a la entidad (ni asesoría,
ni evento masivo, ni línea de un plan aprobado que la focalice), una línea que no llega a ella y una
fecha futura o de hace más de un año (`services.VENTANA_PERCEPCION_DIAS`)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from att.models import Canal, Modalidad
from seguimiento import services
from seguimiento.models import Asesoria, Percepcion
from tests import factories
from tests.seguimiento import fabricas

pytestmark = pytest.mark.django_db

URL = "/api/v1/seguimiento/percepciones/"


def _hoy():
    return timezone.localdate()


def _linea(entidad_oferente, territorios, aprobado=True):
    return fabricas.linea(entidad_oferente, territorios=territorios, aprobado=aprobado,
                          inicio=_hoy() - timedelta(days=90), fin=_hoy() + timedelta(days=90))


@pytest.fixture
def api(funcionario_medellin):
    cliente = APIClient()
    cliente.force_authenticate(funcionario_medellin)
    return cliente


def _cuerpo(entidad, **extra):
    return {"entidad": entidad.pk, "calidad": 4, "pertinencia": 4, "oportunidad": 4, **extra}


def test_api_rechaza_oferente_que_nunca_asistio_a_la_et(api, entidad_oferente):
    medellin = factories.alcaldia("05001")
    r = api.post(URL, _cuerpo(medellin, oferente=entidad_oferente.pk), format="json")
    assert r.status_code == 400
    assert "no ha prestado asistencia" in r.json()["oferente"][0]
    assert not Percepcion.objects.exists()


def test_api_rechaza_linea_de_plan_en_borrador_o_de_otro_oferente(api, entidad_oferente, otro_oferente):
    medellin = factories.alcaldia("05001")
    _linea(entidad_oferente, [medellin], aprobado=False)  # línea en borrador: no es asistencia
    r = api.post(URL, _cuerpo(medellin, oferente=entidad_oferente.pk), format="json")
    assert r.status_code == 400
    assert "no ha prestado asistencia" in r.json()["oferente"][0]
    otra = otro_oferente.membresias.get().entidad
    _linea(otra, [medellin])  # otro oferente sí llega: no cuenta para éste
    r = api.post(URL, _cuerpo(medellin, oferente=entidad_oferente.pk), format="json")
    assert r.status_code == 400
    assert not Percepcion.objects.exists()


def test_api_rechaza_linea_que_no_llega_a_la_et(api, entidad_oferente):
    medellin, cali = factories.alcaldia("05001"), factories.alcaldia("76001")
    _linea(entidad_oferente, [medellin])  # el oferente sí asistió a Medellín...
    de_cali = _linea(entidad_oferente, [cali])  # ...pero esta línea es de Cali
    r = api.post(URL, _cuerpo(medellin, linea=de_cali.pk), format="json")
    assert r.status_code == 400
    assert "no llega a Alcaldía de Medellín" in r.json()["linea"][0]
    r = api.post(URL, _cuerpo(medellin, linea=de_cali.pk, oferente=entidad_oferente.pk), format="json")
    assert r.status_code == 400
    assert "no llega a" in r.json()["linea"][0]
    assert not Percepcion.objects.exists()


def test_api_rechaza_fecha_futura_y_fuera_del_ultimo_anio(api, entidad_oferente):
    medellin = factories.alcaldia("05001")
    _linea(entidad_oferente, [medellin])
    manana = _hoy() + timedelta(days=1)
    r = api.post(URL, _cuerpo(medellin, oferente=entidad_oferente.pk, fecha=manana.isoformat()), format="json")
    assert r.status_code == 400
    assert "no puede ser futura" in r.json()["fecha"][0]
    vieja = _hoy() - timedelta(days=services.VENTANA_PERCEPCION_DIAS + 1)
    r = api.post(URL, _cuerpo(medellin, fecha=vieja.isoformat()), format="json")
    assert r.status_code == 400
    assert "dentro del último año" in r.json()["fecha"][0]
    assert not Percepcion.objects.exists()


def test_api_acepta_lo_que_si_existio(api, entidad_oferente, oferente):
    medellin = factories.alcaldia("05001")
    linea = _linea(entidad_oferente, [medellin])
    ayer = _hoy() - timedelta(days=1)
    r = api.post(URL, _cuerpo(medellin, linea=linea.pk, fecha=ayer.isoformat()), format="json")
    assert r.status_code == 201, r.content
    assert r.json()["oferente"] == entidad_oferente.pk
    assert api.post(URL, _cuerpo(medellin, oferente=entidad_oferente.pk), format="json").status_code == 201
    assert Percepcion.objects.filter(entidad=medellin, oferente=entidad_oferente).count() == 2


def test_asesoria_previa_habilita_calificar_y_posterior_no(funcionario_medellin, entidad_oferente, oferente):
    medellin = factories.alcaldia("05001")
    hace_10 = _hoy() - timedelta(days=10)
    Asesoria.objects.create(oferente=entidad_oferente, entidad=medellin, fecha=_hoy() - timedelta(days=5),
                            modalidad=Modalidad.objects.first(), canal=Canal.objects.first(), registrado_por=oferente)
    with pytest.raises(ValidationError, match="no ha prestado asistencia"):  # la asesoría llegó después
        services.percepcion_registrar(entidad=medellin, calidad=5, pertinencia=5, oportunidad=5,
                                      oferente=entidad_oferente, fecha=hace_10, por=funcionario_medellin)
    p = services.percepcion_registrar(entidad=medellin, calidad=5, pertinencia=5, oportunidad=5,
                                      oferente=entidad_oferente, por=funcionario_medellin)
    assert p.fecha == _hoy()


def test_pagina_tambien_rechaza_oferente_que_no_asistio(client, funcionario_medellin, entidad_oferente):
    medellin = factories.alcaldia("05001")
    client.force_login(funcionario_medellin)
    r = client.post("/seguimiento/percepcion/", {"entidad": medellin.pk, "oferente": entidad_oferente.pk,
                                                 "calidad": 5, "pertinencia": 5, "oportunidad": 5})
    assert r.status_code == 200
    assert "no ha prestado asistencia" in r.content.decode()
    assert not Percepcion.objects.exists()
