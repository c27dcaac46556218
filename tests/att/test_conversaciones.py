"""Conversación de una demanda y de un plan concertado (att.conversaciones): mensajes con adjuntos,
alertas a los demás participantes, 404 a quien no ve el objeto, un solo mensaje por envío repetido,
línea de tiempo y consultas planas."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from agenda import services as agenda_services
from att import services
from att.models import Mensaje, Notificacion, Rol
from demanda.models import EstadoDemanda
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%prueba\n"


def _pdf(nombre="acta.pdf"):
    return SimpleUploadedFile(nombre, PDF, content_type="application/pdf")


@pytest.fixture
def demanda_vinculada(funcionario_medellin, entidad_oferente):
    oferta = fabricas.oferta(entidad_oferente)
    return fabricas.demanda(funcionario_medellin.membresias.first().entidad, funcionario_medellin,
                            estado=EstadoDemanda.VINCULADA, oferta=oferta, titulo="Catastro multipropósito")


def _enviar(client, demanda, texto, token, archivos=()):
    return client.post(
        reverse("nucleo:mensaje-nuevo", args=["demanda", demanda.pk]),
        {"texto": texto, "_token_envio": token, "adjuntos": list(archivos)},
    )


def test_mensaje_con_adjunto_alerta_y_se_ve(client, demanda_vinculada, funcionario_medellin, oferente, admin_dnp):
    client.force_login(funcionario_medellin)
    r = _enviar(client, demanda_vinculada, "¿Pueden venir la semana del 14?", "tok-1", [_pdf()])
    mensaje = Mensaje.objects.get()
    assert r.status_code == 302 and r.url == f"/demanda/{demanda_vinculada.pk}/#mensaje-{mensaje.pk}"
    assert mensaje.entidad_id == demanda_vinculada.entidad_id and mensaje.adjuntos.get().nombre == "acta.pdf"

    # El oferente que atiende y el DNP reciben la alerta, con el enlace al mensaje; quien escribió, no.
    alerta = Notificacion.objects.get(usuario=oferente)
    assert alerta.url == f"/demanda/{demanda_vinculada.pk}/#mensaje-{mensaje.pk}"
    assert "Catastro multipropósito" in alerta.titulo and alerta.categoria == "conversacion"
    assert Notificacion.objects.filter(usuario=admin_dnp).count() == 1
    assert not Notificacion.objects.filter(usuario=funcionario_medellin).exists()

    # El oferente abre el enlace de su alerta: ve el mensaje en la conversación y en la línea de tiempo.
    client.force_login(oferente)
    r = client.get(alerta.url.split("#")[0])
    html = r.content.decode()
    assert r.status_code == 200 and 'id="conversacion"' in html
    assert html.count("¿Pueden venir la semana del 14?") == 2  # la conversación y la línea de tiempo
    assert f'href="#mensaje-{mensaje.pk}"' in html
    adjunto = reverse("nucleo:adjunto-mensaje", args=[mensaje.adjuntos.get().pk])
    assert adjunto in html
    descarga = client.get(adjunto)
    assert descarga.status_code == 200 and b"".join(descarga.streaming_content) == PDF

    # Responde el oferente: ahora la ET recibe la alerta.
    r = _enviar(client, demanda_vinculada, "Sí, el martes 15.", "tok-2")
    assert r.status_code == 302
    assert Notificacion.objects.filter(usuario=funcionario_medellin, categoria="conversacion").count() == 1


def test_funcionario_ajeno_recibe_404(client, demanda_vinculada, funcionario_medellin, funcionario_cali, otro_oferente):
    services.mensaje_publicar(objeto=demanda_vinculada, por=funcionario_medellin, texto="Privado", adjuntos=[_pdf()])
    adjunto = Mensaje.objects.get().adjuntos.get()
    for ajeno in (funcionario_cali, otro_oferente):
        client.force_login(ajeno)
        assert client.get(reverse("demanda:detalle", args=[demanda_vinculada.pk])).status_code == 404
        assert _enviar(client, demanda_vinculada, "Hola", "tok-x").status_code == 404
        assert client.get(reverse("nucleo:adjunto-mensaje", args=[adjunto.pk])).status_code == 404
        api = APIClient()
        api.force_authenticate(ajeno)
        assert api.get(f"/api/v1/demandas/{demanda_vinculada.pk}/mensajes/").status_code == 404
        assert api.post(f"/api/v1/demandas/{demanda_vinculada.pk}/mensajes/", {"texto": "x"},
                        format="json").status_code == 404
    assert Mensaje.objects.count() == 1
    # Ni alerta para quien no ve la demanda.
    assert not Notificacion.objects.filter(usuario__in=[funcionario_cali, otro_oferente]).exists()


def test_envio_doble_deja_un_mensaje(client, demanda_vinculada, funcionario_medellin, oferente):
    client.force_login(funcionario_medellin)
    primera = _enviar(client, demanda_vinculada, "Un solo mensaje", "mismo-token", [_pdf()])
    segunda = _enviar(client, demanda_vinculada, "Un solo mensaje", "mismo-token", [_pdf()])
    assert primera.status_code == segunda.status_code == 302 and primera.url == segunda.url
    assert Mensaje.objects.count() == 1 and Notificacion.objects.filter(usuario=oferente).count() == 1
    # Una tarea reentregada que llama al servicio con la misma clave tampoco duplica.
    otra = services.mensaje_publicar(objeto=demanda_vinculada, por=funcionario_medellin, texto="Un solo mensaje",
                                     clave="mismo-token")
    assert Mensaje.objects.count() == 1 and otra.pk == Mensaje.objects.get().pk


def test_api_lista_y_crea_con_idempotencia(demanda_vinculada, funcionario_medellin, oferente):
    api = APIClient()
    api.force_authenticate(oferente)
    url = f"/api/v1/demandas/{demanda_vinculada.pk}/mensajes/"
    r = api.post(url, {"texto": "Adjunto el cronograma", "archivos": [_pdf("cronograma.pdf")]}, format="multipart",
                 HTTP_IDEMPOTENCY_KEY="api-1")
    assert r.status_code == 201, r.content
    assert r.json()["adjuntos"][0]["nombre"] == "cronograma.pdf"
    r2 = api.post(url, {"texto": "Adjunto el cronograma", "archivos": [_pdf("cronograma.pdf")]}, format="multipart",
                  HTTP_IDEMPOTENCY_KEY="api-1")
    assert r2.status_code == 201 and r2.json()["id"] == r.json()["id"]
    assert Mensaje.objects.count() == 1
    api.force_authenticate(funcionario_medellin)
    lista = api.get(url).json()["results"]
    assert [m["texto"] for m in lista] == ["Adjunto el cronograma"] and lista[0]["autor"] == oferente.nombre
    assert Notificacion.objects.filter(usuario=funcionario_medellin, categoria="conversacion").count() == 1


def test_auditor_lee_y_no_escribe(client, demanda_vinculada, funcionario_medellin, auditor):
    services.mensaje_publicar(objeto=demanda_vinculada, por=funcionario_medellin, texto="Visible al auditor")
    client.force_login(auditor)
    html = client.get(reverse("demanda:detalle", args=[demanda_vinculada.pk])).content.decode()
    assert "Visible al auditor" in html and "Enviar mensaje" not in html
    assert _enviar(client, demanda_vinculada, "No", "tok-a").status_code == 403
    assert Mensaje.objects.count() == 1


def test_adjunto_invalido_conserva_el_texto(client, demanda_vinculada, funcionario_medellin):
    client.force_login(funcionario_medellin)
    malo = SimpleUploadedFile("virus.exe", b"MZ...", content_type="application/octet-stream")
    r = _enviar(client, demanda_vinculada, "Texto que no debe perderse", "tok-m", [malo])
    assert r.status_code == 302 and r.url.endswith("#conversacion") and Mensaje.objects.count() == 0
    html = client.get(r.url.split("#")[0]).content.decode()
    assert "Texto que no debe perderse</textarea>" in html and "no es de un tipo permitido" in html


def test_conversacion_del_plan_concertado(client, funcionario_medellin, entidad_oferente, oferente, funcionario_cali):
    medellin = funcionario_medellin.membresias.first().entidad
    plan = agenda_services.concertado_crear(entidad_territorial=medellin, oferentes=[entidad_oferente],
                                            vigencia=2026, nombre="Plan concertado Medellín", por=oferente)
    client.force_login(oferente)
    r = client.post(reverse("nucleo:mensaje-nuevo", args=["concertado", plan.pk]),
                    {"texto": "Propongo mesa el jueves", "_token_envio": "p-1", "adjuntos": [_pdf()]})
    assert r.status_code == 302 and "#mensaje-" in r.url
    alerta = Notificacion.objects.get(usuario=funcionario_medellin, categoria="conversacion")
    client.force_login(funcionario_medellin)
    html = client.get(alerta.url.split("#")[0]).content.decode()
    assert 'id="conversacion"' in html and html.count("Propongo mesa el jueves") == 2
    api = APIClient()
    api.force_authenticate(funcionario_medellin)
    assert [m["texto"] for m in api.get(f"/api/v1/agenda/concertados/{plan.pk}/mensajes/").json()["results"]] == [
        "Propongo mesa el jueves"]
    client.force_login(funcionario_cali)
    assert client.get(reverse("agenda:concertado", args=[plan.pk])).status_code == 404
    assert api.get(f"/api/v1/agenda/concertados/{plan.pk}/mensajes/").status_code == 200
    api.force_authenticate(funcionario_cali)
    assert api.get(f"/api/v1/agenda/concertados/{plan.pk}/mensajes/").status_code == 404


@pytest.mark.parametrize("n", [1, 10])
def test_ficha_con_conversacion_consultas_planas(client, demanda_vinculada, funcionario_medellin, oferente, n,
                                                 django_assert_max_num_queries):
    for i in range(n):
        services.mensaje_publicar(objeto=demanda_vinculada, por=oferente if i % 2 else funcionario_medellin,
                                  texto=f"Mensaje {i}", adjuntos=[_pdf(f"a{i}.pdf")])
    client.force_login(funcionario_medellin)
    with django_assert_max_num_queries(MAX_FICHA):
        r = client.get(reverse("demanda:detalle", args=[demanda_vinculada.pk]))
    assert r.status_code == 200 and r.content.decode().count('<li id="mensaje-') == n
    api = APIClient()
    api.force_authenticate(funcionario_medellin)
    with django_assert_max_num_queries(MAX_API):
        r = api.get(f"/api/v1/demandas/{demanda_vinculada.pk}/mensajes/")
    assert r.status_code == 200 and len(r.json()["results"]) == n


MAX_FICHA = 12  # la ficha de la demanda con su conversación y su línea de tiempo
MAX_API = 3  # el objeto, los mensajes y sus adjuntos


def test_persona_sin_rol_en_la_entidad_no_participa(demanda_vinculada):
    intruso = factories.persona(factories.alcaldia("76001"), Rol.FUNCIONARIO_ET)
    with pytest.raises(Exception, match="participan"):
        services.mensaje_publicar(objeto=demanda_vinculada, por=intruso, texto="Hola")


MAX_CONCERTADO = 13  # la página del plan con sus mesas, compromisos y conversación


@pytest.mark.parametrize("n", [1, 10])
def test_plan_concertado_con_conversacion_consultas_planas(client, funcionario_medellin, entidad_oferente, oferente, n,
                                                           django_assert_max_num_queries):
    medellin = funcionario_medellin.membresias.first().entidad
    plan = agenda_services.concertado_crear(entidad_territorial=medellin, oferentes=[entidad_oferente],
                                            vigencia=2026, nombre="Plan concertado Medellín", por=oferente)
    for i in range(n):
        services.mensaje_publicar(objeto=plan, por=oferente if i % 2 else funcionario_medellin,
                                  texto=f"Mensaje {i}", adjuntos=[_pdf(f"a{i}.pdf")])
    client.force_login(funcionario_medellin)
    with django_assert_max_num_queries(MAX_CONCERTADO):
        r = client.get(reverse("agenda:concertado", args=[plan.pk]))
    assert r.status_code == 200 and r.content.decode().count('<li id="mensaje-') == n
