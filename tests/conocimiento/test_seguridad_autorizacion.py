"""Autorización en la gestión del conocimiento (ASVS L2, V4): el integrador solo hace lo que la
integración necesita y las páginas aplican el mismo alcance que la API (espacios cerrados)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from att import services as att_services
from att.models import Rol
from conocimiento import services
from conocimiento.models import Evento, Inscripcion, Recurso, ReporteAbuso
from tests import factories

pytestmark = pytest.mark.django_db


def _api_con_token(usuario, entidad, rol, admin):
    _token, clave = att_services.token_emitir(nombre="SI", usuario=usuario, entidad=entidad, rol=rol, por=admin)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {clave}")
    return api


@pytest.fixture
def integrador(db):
    return factories.persona(factories.alcaldia("05001"), Rol.INTEGRADOR)


# --- El integrador no propone, no se inscribe, no participa ------------------------------------------
def test_integrador_por_token_no_propone_ni_se_inscribe(integrador, admin_dnp, sesion, tema):
    api = _api_con_token(integrador, factories.alcaldia("05001"), Rol.INTEGRADOR, admin_dnp)
    r = api.post("/api/v1/conocimiento/recursos/", {
        "tipo": "buena_practica", "titulo": "Práctica del integrador", "resumen": "No debería quedar",
        "temas": [tema.pk],
    }, format="json")
    assert r.status_code == 403
    assert "miembros de la red" in r.json()["detail"]
    r = api.post(f"/api/v1/conocimiento/sesiones/{sesion.pk}/inscribirse/")
    assert r.status_code == 403
    assert "Para inscribirse" in r.json()["detail"]
    assert not Recurso.objects.exists()
    assert not Inscripcion.objects.exists()


def test_funcionario_por_token_si_propone_y_se_inscribe(funcionario_medellin, admin_dnp, sesion, tema):
    """El mismo camino con otro rol funciona: lo que se niega es el rol integrador."""
    api = _api_con_token(funcionario_medellin, factories.alcaldia("05001"), Rol.FUNCIONARIO_ET, admin_dnp)
    r = api.post("/api/v1/conocimiento/recursos/", {
        "tipo": "buena_practica", "titulo": "Práctica de Medellín", "resumen": "Sí queda", "temas": [tema.pk],
    }, format="json")
    assert r.status_code == 201, r.content
    assert api.post(f"/api/v1/conocimiento/sesiones/{sesion.pk}/inscribirse/").status_code == 201


def test_integrador_no_participa_en_servicios_ni_paginas(client, integrador, espacio, sesion):
    assert not integrador.has_perm("conocimiento.proponer_recurso")
    assert not integrador.has_perm("conocimiento.inscribirse")
    assert not integrador.has_perm("conocimiento.participar")
    with pytest.raises(PermissionDenied, match="Solo los miembros de la red pueden proponer"):
        services.recurso_proponer(por=integrador, tipo="buena_practica", titulo="X", resumen="Y")
    with pytest.raises(PermissionDenied, match="Para inscribirse"):
        services.inscribir(sesion=sesion, por=integrador)
    with pytest.raises(PermissionDenied, match="Para unirse a la comunidad"):
        services.espacio_unirse(espacio=espacio, por=integrador)
    evento = Evento.objects.create(nombre="Encuentro", inicio=timezone.now() + timedelta(days=5),
                                   fin=timezone.now() + timedelta(days=6))
    with pytest.raises(PermissionDenied, match="Para registrarse"):
        services.evento_registrarse(evento=evento, por=integrador)
    client.force_login(integrador)
    assert client.get("/conocimiento/repositorio/proponer/").status_code == 403
    client.post(f"/conocimiento/formacion/sesiones/{sesion.pk}/inscribirse/")
    assert not Inscripcion.objects.exists()


# --- Un espacio cerrado no se lee, ni se sigue, ni se reporta (tampoco por HTML) -----------------------
@pytest.fixture
def discusion_de_espacio_cerrado(espacio, funcionario_medellin):
    services.espacio_unirse(espacio=espacio, por=funcionario_medellin)
    d = services.discusion_abrir(espacio=espacio, por=funcionario_medellin, titulo="Tema interno",
                                 cuerpo="Conversación del espacio")
    espacio.activo = False
    espacio.save(update_fields=["activo"])
    return d


def test_discusion_de_espacio_abierto_se_lee_por_html(client, espacio, funcionario_medellin, funcionario_cali):
    """Control: mientras el espacio está activo, quien no es miembro la lee."""
    services.espacio_unirse(espacio=espacio, por=funcionario_medellin)
    d = services.discusion_abrir(espacio=espacio, por=funcionario_medellin, titulo="Tema", cuerpo="Abierto")
    client.force_login(funcionario_cali)
    assert client.get(f"/conocimiento/discusiones/{d.pk}/").status_code == 200


def test_discusion_de_espacio_cerrado_404_por_html_y_api(client, discusion_de_espacio_cerrado, funcionario_cali):
    d = discusion_de_espacio_cerrado
    client.force_login(funcionario_cali)
    assert client.get(f"/conocimiento/discusiones/{d.pk}/").status_code == 404
    api = APIClient()
    api.force_authenticate(funcionario_cali)
    assert api.get(f"/api/v1/conocimiento/discusiones/{d.pk}/").status_code == 404


def test_discusion_de_espacio_cerrado_no_se_sigue_ni_se_reporta_por_html(client, discusion_de_espacio_cerrado,
                                                                        funcionario_cali):
    d = discusion_de_espacio_cerrado
    client.force_login(funcionario_cali)
    assert client.post(f"/conocimiento/discusiones/{d.pk}/seguir/", {"seguir": "1"}).status_code == 404
    assert not d.seguidores.filter(pk=funcionario_cali.pk).exists()
    assert client.post(f"/conocimiento/discusiones/{d.pk}/reportar/", {"motivo": "Spam"}).status_code == 404
    assert not ReporteAbuso.objects.exists()


def test_servicios_no_siguen_ni_reportan_en_espacio_cerrado(discusion_de_espacio_cerrado, funcionario_cali):
    d = discusion_de_espacio_cerrado
    with pytest.raises(ValidationError, match="está cerrado"):
        services.discusion_seguir(discusion=d, por=funcionario_cali, seguir=True)
    with pytest.raises(ValidationError, match="está cerrado"):
        services.reportar_abuso(por=funcionario_cali, discusion=d, motivo="Spam")
    assert not ReporteAbuso.objects.exists()
