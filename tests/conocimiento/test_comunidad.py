import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from att.models import Notificacion
from conocimiento import services
from conocimiento.models import EstadoReporte, ReporteAbuso
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderadora(espacio, admin_dnp):
    persona = factories.persona(factories.gobernacion("05"), "equipo_departamental")
    services.moderador_designar(espacio=espacio, usuario=persona, por=admin_dnp)
    return persona


@pytest.fixture
def conversacion(espacio, funcionario_medellin, funcionario_cali):
    services.espacio_unirse(espacio=espacio, por=funcionario_medellin)
    services.espacio_unirse(espacio=espacio, por=funcionario_cali)
    d = services.discusion_abrir(espacio=espacio, por=funcionario_medellin, titulo="¿Cómo actualizar el POT?",
                                 cuerpo="Buscamos experiencias.")
    ofensiva = services.respuesta_publicar(discusion=d, por=funcionario_cali, cuerpo="Texto ofensivo")
    buena = services.respuesta_publicar(discusion=d, por=funcionario_cali, cuerpo="Usamos la guía del DNP")
    return d, ofensiva, buena


def test_respuesta_oculta_no_la_ven_los_miembros_si_los_moderadores(client, conversacion, moderadora,
                                                                      funcionario_medellin):
    d, ofensiva, _buena = conversacion
    services.moderar(objeto=ofensiva, por=moderadora, ocultar=True, motivo="Lenguaje irrespetuoso")
    url = reverse("conocimiento:discusion", args=[d.pk])
    client.force_login(funcionario_medellin)
    html = client.get(url).content.decode()
    assert "Usamos la guía del DNP" in html
    assert "Texto ofensivo" not in html
    client.force_login(moderadora)
    html = client.get(url).content.decode()
    assert "Texto ofensivo" in html and "Oculta por moderación" in html and "Lenguaje irrespetuoso" in html


def test_discusion_oculta_desaparece_para_miembros(client, conversacion, moderadora, funcionario_medellin, espacio):
    d, *_ = conversacion
    services.moderar(objeto=d, por=moderadora, ocultar=True, motivo="Fuera de tema")
    client.force_login(funcionario_medellin)
    assert client.get(reverse("conocimiento:discusion", args=[d.pk])).status_code == 404
    assert d.titulo not in client.get(reverse("conocimiento:espacio", args=[espacio.slug])).content.decode()
    client.force_login(moderadora)
    assert client.get(reverse("conocimiento:discusion", args=[d.pk])).status_code == 200


def test_solo_moderadores_moderan(conversacion, funcionario_medellin):
    _d, ofensiva, _b = conversacion
    with pytest.raises(PermissionDenied, match=r"Solo los moderadores del espacio pueden moderar\."):
        services.moderar(objeto=ofensiva, por=funcionario_medellin, ocultar=True, motivo="x")


def test_ocultar_exige_motivo(conversacion, moderadora):
    _d, ofensiva, _b = conversacion
    with pytest.raises(ValidationError, match=r"Indique el motivo para ocultar el mensaje\."):
        services.moderar(objeto=ofensiva, por=moderadora, ocultar=True, motivo="")


def test_discusion_cerrada_no_recibe_respuestas(client, conversacion, moderadora, funcionario_cali):
    d, *_ = conversacion
    client.force_login(moderadora)
    client.post(reverse("conocimiento:moderar", args=[d.pk]), {"accion": "cerrar"})
    with pytest.raises(ValidationError, match=r"La discusión está cerrada: ya no recibe respuestas\."):
        services.respuesta_publicar(discusion=d, por=funcionario_cali, cuerpo="¿Y ahora?")


def test_reporte_de_abuso_avisa_a_moderadores_y_se_atiende_al_moderar(client, conversacion, moderadora,
                                                                      funcionario_medellin):
    d, ofensiva, _b = conversacion
    client.force_login(funcionario_medellin)
    client.post(reverse("conocimiento:reportar", args=[d.pk]), {"respuesta": ofensiva.pk, "motivo": "Insulta"})
    reporte = ReporteAbuso.objects.get()
    assert reporte.respuesta == ofensiva
    assert Notificacion.objects.filter(usuario=moderadora, clave=f"reporte-{reporte.pk}").exists()
    client.force_login(moderadora)
    assert "Insulta" in client.get(reverse("conocimiento:comunidad")).content.decode()
    client.post(reverse("conocimiento:moderar", args=[d.pk]),
                {"respuesta": ofensiva.pk, "accion": "ocultar", "motivo": "Insulta"})
    reporte.refresh_from_db()
    assert reporte.estado == EstadoReporte.ATENDIDO


def test_seguidores_reciben_alertas_y_se_respeta_el_resumen_diario(espacio, funcionario_medellin, funcionario_cali):
    funcionario_cali.recibe_resumen_diario = True
    funcionario_cali.save()
    services.espacio_unirse(espacio=espacio, por=funcionario_medellin)
    services.espacio_unirse(espacio=espacio, por=funcionario_cali)
    d = services.discusion_abrir(espacio=espacio, por=funcionario_medellin, titulo="Tema", cuerpo="Cuerpo")
    # Quien sigue el espacio recibe la alerta de la discusión nueva (la guarda para su resumen diario).
    assert Notificacion.objects.filter(usuario=funcionario_cali, clave=f"discusion-{d.pk}").exists()
    r = services.respuesta_publicar(discusion=d, por=funcionario_cali, cuerpo="Respuesta")
    assert Notificacion.objects.filter(usuario=funcionario_medellin, clave=f"respuesta-{r.pk}").exists()
    assert not Notificacion.objects.filter(usuario=funcionario_cali, clave=f"respuesta-{r.pk}").exists()


def test_solo_miembros_participan(espacio, funcionario_medellin, auditor):
    with pytest.raises(PermissionDenied, match=r"Únase al espacio para abrir discusiones\."):
        services.discusion_abrir(espacio=espacio, por=funcionario_medellin, titulo="t", cuerpo="c")
    with pytest.raises(PermissionDenied, match="Para unirse a la comunidad necesita pertenecer a una"):
        services.espacio_unirse(espacio=espacio, por=auditor)


def test_paginas_de_la_comunidad(client, conversacion, espacio, funcionario_medellin):
    client.force_login(funcionario_medellin)
    assert espacio.nombre in client.get(reverse("conocimiento:comunidad")).content.decode()
    r = client.post(reverse("conocimiento:discusion", args=[conversacion[0].pk]), {"cuerpo": "Gracias a todos"})
    assert r.status_code == 302
    r = client.post(reverse("conocimiento:espacio", args=[espacio.slug]), {"titulo": "Nueva", "cuerpo": "Hola"})
    assert r.status_code == 302


def test_la_respuesta_del_moderador_en_una_discusion_oculta_no_alerta_a_quien_no_la_puede_abrir(
        client, conversacion, moderadora, funcionario_medellin, funcionario_cali):
    """El predicado de la página de la discusión decide también quién recibe la alerta: los
    seguidores que ya no la pueden abrir (oculta) no reciben un enlace que les respondería 404."""
    d, *_ = conversacion
    services.moderar(objeto=d, por=moderadora, ocultar=True, motivo="Fuera de tema")
    services.espacio_unirse(espacio=d.espacio, por=moderadora)
    r = services.respuesta_publicar(discusion=d, por=moderadora, cuerpo="Nota de moderación")
    assert not Notificacion.objects.filter(clave=f"respuesta-{r.pk}").exists()
    client.force_login(funcionario_medellin)
    assert client.get(reverse("conocimiento:discusion", args=[d.pk])).status_code == 404
