from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from conocimiento import services
from conocimiento.models import Evento, PreguntaFrecuente
from tests.conocimiento.conftest import oferta_de, recurso_publicado

pytestmark = pytest.mark.django_db


def test_preguntas_las_mantiene_la_entidad_oferente(client, entidad_oferente, oferente, otro_oferente,
                                                     funcionario_medellin):
    oferta = oferta_de(entidad_oferente)
    url = reverse("conocimiento:preguntas", args=[oferta.pk])
    client.force_login(oferente)
    r = client.post(url, {"pregunta": "¿Tiene costo?", "respuesta": "No, es gratuita.", "orden": 1, "publicada": "on"})
    assert r.status_code == 302
    assert PreguntaFrecuente.objects.get().actualizada_por == oferente
    client.force_login(otro_oferente)
    assert client.post(url, {"pregunta": "x", "respuesta": "y", "orden": 0}).status_code == 403
    with pytest.raises(PermissionDenied, match="Solo la entidad oferente mantiene las preguntas frecuentes"):
        services.pregunta_guardar(oferta=oferta, por=funcionario_medellin, pregunta="x", respuesta="y")
    client.force_login(funcionario_medellin)
    assert "No, es gratuita." in client.get(url).content.decode()


def test_borradores_de_preguntas_no_se_publican(client, entidad_oferente, oferente):
    oferta = oferta_de(entidad_oferente)
    services.pregunta_guardar(oferta=oferta, por=oferente, pregunta="Borrador interno", respuesta="r", publicada=False)
    assert "Borrador interno" not in client.get(reverse("conocimiento:preguntas", args=[oferta.pk])).content.decode()


def test_encuentro_anual_con_registro_y_practicas(client, funcionario_medellin, funcionario_cali, admin_dnp):
    inicio = timezone.now() + timedelta(days=30)
    evento = Evento.objects.create(nombre="Encuentro nacional de buenas prácticas 2026", tipo="encuentro_anual",
                                   inicio=inicio, fin=inicio + timedelta(days=1), cupos=1)
    practica = recurso_publicado(funcionario_medellin, titulo="Catastro con drones")
    services.evento_presentar_practica(evento=evento, recurso=practica, por=admin_dnp)
    client.force_login(funcionario_medellin)
    assert client.post(reverse("conocimiento:evento", args=[evento.pk])).status_code == 302
    html = client.get(reverse("conocimiento:evento", args=[evento.pk])).content.decode()
    assert "Catastro con drones" in html and "Está registrado" in html
    with pytest.raises(ValidationError, match=r"El evento no tiene cupos disponibles\."):
        services.evento_registrarse(evento=evento, por=funcionario_cali)  # sin cupos
    with pytest.raises(PermissionDenied, match=r"Solo el equipo del DNP arma la agenda del evento\."):
        services.evento_presentar_practica(evento=evento, recurso=practica, por=funcionario_cali)
