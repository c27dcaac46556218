"""La percepción califica una asistencia que la ET recibió de verdad (ASVS L2, V4: autorización sobre los datos).

La API (y la página) rechazan calificar a un oferente que nunca asistió a la entidad (ni asesoría, ni evento
masivo al que asistió, ni línea que la alcanzó con un avance reportado), una línea que no le llegó y una
asistencia futura o de hace más de un año (`services.VENTANA_PERCEPCION_DIAS`). La fecha de la calificación
es la del servidor: la que mande la petición se ignora."""

from datetime import date, timedelta

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


def _linea(entidad_oferente, territorios, aprobado=True, llega=(), oferente=None, dnp=None):
    """Línea del oferente; con `llega`, un avance validado cubre esas ETs (la línea les llegó)."""
    l = fabricas.linea(entidad_oferente, territorios=territorios, aprobado=aprobado,
                       inicio=_hoy() - timedelta(days=90), fin=_hoy() + timedelta(days=90))
    if llega:
        h = fabricas.hito(l)
        a = services.avance_reportar(hito=h, porcentaje=30, fecha_corte=date(2026, 6, 1), narrativa="Taller",
                                     por=oferente, entidades=list(llega))
        services.avance_validar(avance=a, por=dnp)
    return l


@pytest.fixture(autouse=True)
def _consentimiento(funcionario_medellin):
    services.consentimiento_dar(entidad=factories.alcaldia("05001"), por=funcionario_medellin)


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
    assert "no le ha prestado asistencia" in r.json()["oferente"][0]
    assert not Percepcion.objects.exists()


def test_api_rechaza_linea_de_plan_en_borrador_o_de_otro_oferente(api, entidad_oferente, otro_oferente):
    medellin = factories.alcaldia("05001")
    _linea(entidad_oferente, [medellin], aprobado=False)  # focalizada pero sin avance que la cubra: no le llegó
    r = api.post(URL, _cuerpo(medellin, oferente=entidad_oferente.pk), format="json")
    assert r.status_code == 400
    assert "no le ha prestado asistencia" in r.json()["oferente"][0]
    otra = otro_oferente.membresias.get().entidad
    _linea(otra, [medellin])  # otro oferente sí llega: no cuenta para éste
    r = api.post(URL, _cuerpo(medellin, oferente=entidad_oferente.pk), format="json")
    assert r.status_code == 400
    assert not Percepcion.objects.exists()


def test_api_rechaza_linea_que_no_llega_a_la_et(api, entidad_oferente, oferente, seguimiento_dnp):
    medellin, cali = factories.alcaldia("05001"), factories.alcaldia("76001")
    _linea(entidad_oferente, [medellin], llega=[medellin], oferente=oferente, dnp=seguimiento_dnp)  # sí asistió...
    de_cali = _linea(entidad_oferente, [cali], llega=[cali], oferente=oferente, dnp=seguimiento_dnp)  # ...no con esta
    r = api.post(URL, _cuerpo(medellin, linea=de_cali.pk), format="json")
    assert r.status_code == 400
    assert "Alcaldía de Medellín (Antioquia) no recibió esa asistencia" in r.json()["linea"][0]
    r = api.post(URL, _cuerpo(medellin, linea=de_cali.pk, oferente=entidad_oferente.pk), format="json")
    assert r.status_code == 400
    assert "no recibió esa asistencia" in r.json()["linea"][0]
    assert not Percepcion.objects.exists()


def test_api_ignora_la_fecha_enviada_y_rechaza_asistencia_futura_o_vieja(api, entidad_oferente, oferente):
    medellin = factories.alcaldia("05001")
    manana = _hoy() + timedelta(days=1)
    vieja = _hoy() - timedelta(days=services.VENTANA_PERCEPCION_DIAS + 1)
    for fecha in (manana, vieja):
        a = Asesoria.objects.create(oferente=entidad_oferente, entidad=medellin, fecha=fecha, registrado_por=oferente,
                                    modalidad=Modalidad.objects.first(), canal=Canal.objects.first())
        r = api.post(URL, _cuerpo(medellin, asesoria=a.pk), format="json")
        assert r.status_code == 400
        assert "no recibió esa asistencia en el último año" in r.json()["asesoria"][0]
    assert not Percepcion.objects.exists()
    hoy = Asesoria.objects.create(oferente=entidad_oferente, entidad=medellin, fecha=_hoy(), registrado_por=oferente,
                                  modalidad=Modalidad.objects.first(), canal=Canal.objects.first())
    r = api.post(URL, _cuerpo(medellin, asesoria=hoy.pk, fecha=vieja.isoformat()), format="json")
    assert r.status_code == 201 and r.json()["fecha"] == _hoy().isoformat()


def test_api_acepta_lo_que_si_existio(api, entidad_oferente, oferente, seguimiento_dnp):
    medellin = factories.alcaldia("05001")
    linea = _linea(entidad_oferente, [medellin], llega=[medellin], oferente=oferente, dnp=seguimiento_dnp)
    ayer = _hoy() - timedelta(days=1)
    r = api.post(URL, _cuerpo(medellin, linea=linea.pk, fecha=ayer.isoformat()), format="json")
    assert r.status_code == 201, r.content
    assert r.json()["oferente"] == entidad_oferente.pk
    # Solo el oferente: se toma su asistencia más reciente a la ET (la línea). El mismo envío otra vez es la misma.
    r = api.post(URL, _cuerpo(medellin, oferente=entidad_oferente.pk, calidad=3), format="json")
    assert r.status_code == 201 and r.json()["linea"] == linea.pk
    assert api.post(URL, _cuerpo(medellin, oferente=entidad_oferente.pk, calidad=3), format="json").json()["id"] == r.json()["id"]
    assert Percepcion.objects.filter(entidad=medellin, oferente=entidad_oferente).count() == 2


def test_asesoria_futura_no_habilita_calificar_y_la_recibida_si(funcionario_medellin, entidad_oferente, oferente):
    medellin = factories.alcaldia("05001")
    Asesoria.objects.create(oferente=entidad_oferente, entidad=medellin, fecha=_hoy() + timedelta(days=5),
                            modalidad=Modalidad.objects.first(), canal=Canal.objects.first(), registrado_por=oferente)
    with pytest.raises(ValidationError, match="no le ha prestado asistencia"):  # la asesoría aún no ocurre
        services.percepcion_registrar(entidad=medellin, calidad=5, pertinencia=5, oportunidad=5,
                                      oferente=entidad_oferente, por=funcionario_medellin)
    Asesoria.objects.create(oferente=entidad_oferente, entidad=medellin, fecha=_hoy() - timedelta(days=5),
                            modalidad=Modalidad.objects.first(), canal=Canal.objects.first(), registrado_por=oferente)
    p = services.percepcion_registrar(entidad=medellin, calidad=5, pertinencia=5, oportunidad=5,
                                      oferente=entidad_oferente, por=funcionario_medellin)
    assert p.fecha == _hoy() and p.asesoria.fecha == _hoy() - timedelta(days=5)


def test_pagina_tambien_rechaza_oferente_que_no_asistio(client, funcionario_medellin, entidad_oferente, oferente,
                                                        seguimiento_dnp):
    medellin = factories.alcaldia("05001")
    client.force_login(funcionario_medellin)
    r = client.get("/seguimiento/percepcion/")
    assert "no tiene asistencias recibidas" in r.content.decode()
    de_cali = _linea(entidad_oferente, [factories.alcaldia("76001")], llega=[factories.alcaldia("76001")],
                     oferente=oferente, dnp=seguimiento_dnp)
    r = client.post("/seguimiento/percepcion/", {"entidad": medellin.pk, "oferente": entidad_oferente.pk,
                                                 "asistencia": f"linea-{de_cali.pk}",
                                                 "calidad": 5, "pertinencia": 5, "oportunidad": 5})
    assert r.status_code == 200
    assert "Esa asistencia no la recibió la entidad" in r.content.decode()
    assert not Percepcion.objects.exists()
