"""La entidad territorial ve las ofertas que coinciden con su demanda (sección `#coincidencias`), con la
explicación por criterio en palabras sencillas, y pide o descarta cada una con la misma decisión que aprende el
cruce (`services.decision_registrar`): el oferente y el DNP reciben la alerta, el oferente la puede abrir y
vincular. Un botón que el servicio rechazaría no se muestra."""

import pytest
from django.urls import reverse

from att.models import Notificacion
from demanda import services
from demanda.models import DecisionCruce, Demanda, EstadoDemanda, TipoDecision
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db


@pytest.fixture
def caso(funcionario_medellin, entidad_oferente, oferente, admin_dnp):
    oferta = fabricas.oferta(entidad_oferente, nombre="Catastro multipropósito rural",
                             descripcion="Actualización catastral y gestión del catastro multipropósito.")
    demanda = fabricas.demanda(funcionario_medellin.membresias.get().entidad, funcionario_medellin,
                               titulo="Actualizar el catastro multipropósito rural",
                               descripcion="Necesitamos la actualización catastral del municipio.", temas=("vivienda",))
    return oferta, demanda


def _ficha(client, demanda):
    r = client.get(reverse("demanda:detalle", args=[demanda.pk]))
    assert r.status_code == 200
    return r.content.decode()


def test_la_et_ve_sus_coincidencias_con_explicacion_y_botones(client, caso, funcionario_medellin):
    oferta, demanda = caso
    client.force_login(funcionario_medellin)
    html = _ficha(client, demanda)
    assert 'id="coincidencias"' in html
    assert f'<a href="{reverse("oferta:detalle", args=[oferta.pk])}">{oferta.nombre}</a>' in html
    assert "Solicitar esta oferta" in html and ">Descartar<" in html
    assert "<dt>Palabras de su necesidad</dt>" in html and "<dt>¿Llega a su entidad?</dt>" in html
    assert 'id="que-sigue"' in html and "el DNP revisará la demanda" in html
    assert "Vincular a esta oferta" not in html  # vincular es del DNP


def test_solicitar_alerta_al_oferente_y_al_dnp_una_sola_vez_y_el_oferente_la_abre_y_vincula(
        client, caso, funcionario_medellin, oferente, admin_dnp):
    oferta, demanda = caso
    client.force_login(oferente)
    # Antes de pedirla, el oferente no ve esta demanda (otro tema que sus ofertas).
    assert client.get(reverse("demanda:detalle", args=[demanda.pk])).status_code == 404
    client.force_login(funcionario_medellin)
    datos = {"oferta": oferta.pk, "tipo": "solicitada"}
    for _ in range(2):  # doble clic
        r = client.post(reverse("demanda:decidir", args=[demanda.pk]), datos)
        assert r.status_code == 302 and r["Location"].endswith("#coincidencias")
    assert DecisionCruce.objects.filter(demanda=demanda, oferta=oferta, tipo=TipoDecision.SOLICITADA).count() == 1
    alertas = Notificacion.objects.filter(categoria="demanda_solicitada")
    assert sorted(alertas.values_list("usuario__email", flat=True)) == sorted([oferente.email, admin_dnp.email])
    html = _ficha(client, demanda)
    assert "Usted la pidió" in html and "Solicitar esta oferta" not in html
    # El oferente abre la alerta y responde: vincula.
    client.force_login(oferente)
    alerta = alertas.get(usuario=oferente)
    html = _ficha(client, demanda)
    assert client.get(alerta.url).status_code == 200
    assert "Aceptar y vincular" in html and "Solicitar esta oferta" not in html
    r = client.post(reverse("demanda:accion", args=[demanda.pk, "vincular"]), {"oferta": oferta.pk})
    assert r.status_code == 302
    demanda.refresh_from_db()
    assert demanda.estado == EstadoDemanda.VINCULADA and demanda.oferta_id == oferta.pk
    # Quien vinculó no recibe la alerta de su propia acción.
    assert not Notificacion.objects.filter(categoria="demanda_vinculada", usuario=oferente).exists()
    # Vinculada: la oferta es un enlace en la ficha.
    client.force_login(funcionario_medellin)
    assert f'<a href="{reverse("oferta:detalle", args=[oferta.pk])}">{oferta.nombre}</a>' in _ficha(client, demanda)


def test_descartar_reemplaza_la_solicitud(client, caso, funcionario_medellin):
    oferta, demanda = caso
    client.force_login(funcionario_medellin)
    client.post(reverse("demanda:decidir", args=[demanda.pk]), {"oferta": oferta.pk, "tipo": "solicitada"})
    client.post(reverse("demanda:decidir", args=[demanda.pk]), {"oferta": oferta.pk, "tipo": "descartada"})
    assert list(DecisionCruce.objects.filter(demanda=demanda).values_list("tipo", flat=True)) == ["descartada"]


def test_los_botones_que_el_servicio_rechazaria_no_se_muestran(client, caso, funcionario_cali, auditor,
                                                                seguimiento_dnp, otro_oferente, oferente):
    oferta, demanda = caso
    # Otra ET no ve la demanda; el auditor y el seguimiento DNP la ven sin botones de decidir ni vincular.
    client.force_login(funcionario_cali)
    assert client.get(reverse("demanda:detalle", args=[demanda.pk])).status_code == 404
    for persona in (auditor, seguimiento_dnp):
        client.force_login(persona)
        html = _ficha(client, demanda)
        assert "Solicitar esta oferta" not in html and "Vincular a esta oferta" not in html
        assert "Pasar a análisis" not in html and "Cambiar los datos" not in html
        # El servicio, en efecto, los rechaza.
        r = client.post(reverse("demanda:decidir", args=[demanda.pk]), {"oferta": oferta.pk, "tipo": "solicitada"})
        assert r.status_code == 403
    # Una demanda ya vinculada: la ET ya no pide ni descarta (el servicio lo rechaza; no hay botones).
    Demanda.objects.filter(pk=demanda.pk).update(estado=EstadoDemanda.REMITIDA)
    demanda.refresh_from_db()
    with pytest.raises(Exception, match="ya no se piden ni descartan"):
        services.decision_registrar(demanda=demanda, oferta=oferta, tipo="solicitada", por=demanda.registrada_por)
    client.force_login(demanda.registrada_por)
    html = _ficha(client, demanda)
    assert "Solicitar esta oferta" not in html and ">Descartar<" not in html


def test_la_oferta_no_muestra_solicitar_al_auditor_ni_al_oferente(client, caso, auditor, oferente, funcionario_medellin):
    oferta, _demanda = caso
    url = reverse("oferta:detalle", args=[oferta.pk])
    for persona in (auditor, oferente):
        client.force_login(persona)
        assert "Solicitar esta asistencia" not in client.get(url).content.decode()
    client.force_login(funcionario_medellin)
    assert "Solicitar esta asistencia" in client.get(url).content.decode()


def test_la_ayuda_departamental_solo_a_los_equipos_departamentales(client, funcionario_medellin, equipo_antioquia):
    ayuda = "El equipo departamental puede registrar por los municipios de su departamento"
    client.force_login(funcionario_medellin)
    assert ayuda not in client.get(reverse("demanda:nueva")).content.decode()
    lista = client.get(reverse("demanda:mis-demandas")).content.decode()
    assert "equipos departamentales" not in lista and "las de su entidad" in lista
    client.force_login(equipo_antioquia)
    assert ayuda in client.get(reverse("demanda:nueva")).content.decode()
    assert "municipios de su departamento" in client.get(reverse("demanda:mis-demandas")).content.decode()


def test_las_alertas_vacias_de_la_et_no_hablan_de_ofertas(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    html = client.get(reverse("nucleo:alertas")).content.decode()
    assert "Aún no tiene alertas" in html and "su oferta" not in html


