"""Plantilla de hitos del producto: la oferta define sus hitos estándar una vez; una línea nueva que
la entrega empieza con una copia (editable en la línea) y cambiar la plantilla no toca las empezadas."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from agenda.models import LineaPlan
from att.models import EtapaCiclo
from oferta import services as oferta_services
from oferta.models import HitoPlantilla
from seguimiento import services
from seguimiento.models import Hito
from tests.seguimiento import fabricas

pytestmark = pytest.mark.django_db
PLANTILLA = [{"nombre": "Diagnóstico", "peso": D(1), "desfase_dias": 30},
             {"nombre": "Plan de mejora", "peso": D(3), "desfase_dias": 90}]


def _linea(oferta, responsable, inicio=date(2026, 2, 1)):
    return LineaPlan.objects.create(
        plan=fabricas.plan(oferta.entidad), oferta=oferta, objetivo="Fortalecer", responsable=responsable,
        etapa=EtapaCiclo.objects.order_by("pk").first(), fecha_inicio=inicio, fecha_fin=date(2026, 12, 31))


def _hitos(linea):
    return list(Hito.objects.filter(linea=linea).order_by("fecha_planeada").values_list("nombre", "peso", "fecha_planeada"))


def test_plantilla_instanciada_y_luego_editada_no_cambia_la_linea_vieja(entidad_oferente, oferente,
                                                                         django_capture_on_commit_callbacks):
    oferta = fabricas.oferta(entidad_oferente)
    oferta_services.plantilla_hitos_guardar(oferta=oferta, filas=PLANTILLA, por=oferente)
    with django_capture_on_commit_callbacks(execute=True):  # la línea nueva copia la plantilla al confirmarse
        vieja = _linea(oferta, oferente)
    assert _hitos(vieja) == [("Diagnóstico", D(1), date(2026, 3, 3)), ("Plan de mejora", D(3), date(2026, 5, 2))]
    assert vieja.estado_seguimiento.peso == vieja.peso  # la línea ya cuenta en el tablero
    oferta_services.plantilla_hitos_guardar(oferta=oferta, por=oferente, filas=[
        {"nombre": "Diagnóstico participativo", "peso": D(2), "desfase_dias": 15},
        {"nombre": "Informe final", "peso": D(1), "desfase_dias": 400}])
    assert _hitos(vieja) == [("Diagnóstico", D(1), date(2026, 3, 3)), ("Plan de mejora", D(3), date(2026, 5, 2))]
    with django_capture_on_commit_callbacks(execute=True):
        nueva = _linea(oferta, oferente)
    # El desfase que pasa del fin de la línea se queda en su fecha de fin.
    assert _hitos(nueva) == [("Diagnóstico participativo", D(2), date(2026, 2, 16)),
                             ("Informe final", D(1), date(2026, 12, 31))]
    # Una línea que ya tiene hitos no recibe otra copia.
    assert services.hitos_desde_plantilla(linea=vieja, por=oferente) == []
    assert len(_hitos(vieja)) == 2


def test_solo_el_oferente_de_la_entidad_define_la_plantilla(entidad_oferente, oferente, otro_oferente):
    oferta = fabricas.oferta(entidad_oferente)
    with pytest.raises(PermissionDenied, match="Solo un oferente de la entidad"):
        oferta_services.plantilla_hitos_guardar(oferta=oferta, filas=PLANTILLA, por=otro_oferente)
    assert not HitoPlantilla.objects.exists()
    primera = oferta_services.plantilla_hitos_guardar(oferta=oferta, filas=PLANTILLA, por=oferente)
    otra_vez = oferta_services.plantilla_hitos_guardar(oferta=oferta, filas=PLANTILLA, por=oferente)
    assert [h.pk for h in primera] == [h.pk for h in otra_vez]  # reenviar lo mismo no cambia nada
    assert primera[0].historial.get().history_user == oferente


def test_pagina_de_la_plantilla_y_boton_en_la_linea(client, entidad_oferente, oferente, otro_oferente):
    oferta = fabricas.oferta(entidad_oferente)
    client.force_login(otro_oferente)
    assert client.get(f"/oferta/{oferta.pk}/hitos/").status_code == 403
    client.force_login(oferente)
    assert client.get(f"/oferta/{oferta.pk}/hitos/").status_code == 200
    datos = {"hitos-TOTAL_FORMS": "3", "hitos-INITIAL_FORMS": "0", "hitos-MIN_NUM_FORMS": "0",
             "hitos-MAX_NUM_FORMS": "40",
             "hitos-0-nombre": "Diagnóstico", "hitos-0-peso": "1", "hitos-0-desfase_dias": "30",
             "hitos-1-nombre": "Plan de mejora", "hitos-1-peso": "3", "hitos-1-desfase_dias": "90",
             "hitos-2-nombre": "", "hitos-2-peso": "1", "hitos-2-desfase_dias": "0"}
    r = client.post(f"/oferta/{oferta.pk}/hitos/", datos)
    assert r.status_code == 302, r.content.decode()[:3000]
    assert list(oferta.plantilla_hitos.values_list("nombre", "desfase_dias")) == [("Diagnóstico", 30),
                                                                                   ("Plan de mejora", 90)]
    assert "Plan de mejora" in client.get(f"/oferta/{oferta.pk}/").content.decode()
    linea = _linea(oferta, oferente)  # sin confirmar la transacción: aún sin hitos
    assert "Crear los hitos desde la plantilla del producto" in client.get(f"/seguimiento/lineas/{linea.pk}/").content.decode()
    client.post(f"/seguimiento/lineas/{linea.pk}/", {"accion": "plantilla"})
    assert [h[0] for h in _hitos(linea)] == ["Diagnóstico", "Plan de mejora"]


def test_plantilla_por_la_api(entidad_oferente, oferente, otro_oferente):
    oferta = fabricas.oferta(entidad_oferente)
    api = APIClient()
    api.force_authenticate(otro_oferente)
    url = f"/api/v1/ofertas/{oferta.pk}/hitos/"
    cuerpo = [{"nombre": "Diagnóstico", "peso": "1.00", "desfase_dias": 30},
              {"nombre": "Plan de mejora", "peso": "3.00", "desfase_dias": 90}]
    assert api.put(url, cuerpo, format="json").status_code in (403, 404)
    api.force_authenticate(oferente)
    r = api.put(url, cuerpo, format="json")
    assert r.status_code == 200 and r.json() == cuerpo
    assert api.get(url).json() == cuerpo
    r = api.put(url, [{"nombre": "Malo", "peso": "0", "desfase_dias": 1}], format="json")
    assert r.status_code == 400
    assert api.get(url).json() == cuerpo


@pytest.mark.django_db(transaction=True)
def test_plantilla_aplicada_dos_veces_a_la_vez_copia_una_sola_vez(referencia_cargada):
    """Dos aplicaciones a la vez: la segunda espera el bloqueo de la fila de la línea y ve los hitos."""
    import threading

    from django.db import connections, transaction

    from tests import factories

    entidad = factories.EntidadNacionalFactory()
    oferente = factories.persona(entidad, "oferente")
    oferta = fabricas.oferta(entidad)
    linea = _linea(oferta, oferente)  # sin plantilla aún: empieza sin hitos
    oferta_services.plantilla_hitos_guardar(oferta=oferta, filas=PLANTILLA, por=oferente)
    primera_lista, resultados = threading.Event(), {}

    def primera():
        try:
            with transaction.atomic():
                resultados["primera"] = len(services.hitos_desde_plantilla(linea=linea))
                primera_lista.set()
                threading.Event().wait(0.5)  # la segunda llega mientras esta no ha confirmado
        finally:
            connections.close_all()

    hilo = threading.Thread(target=primera)
    hilo.start()
    assert primera_lista.wait(10)
    resultados["segunda"] = len(services.hitos_desde_plantilla(linea=linea))
    hilo.join(10)
    assert resultados == {"primera": 2, "segunda": 0}
    assert Hito.objects.filter(linea=linea).count() == 2
