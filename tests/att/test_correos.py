"""Correos de alertas que la persona puede usar: cada enlace abre para quien lo recibe, HTML y texto,
enlaces absolutos sobre ATT_URL_BASE, Message-ID del sitio, baja sin ingresar (también con un clic,
RFC 8058), preferencias por tipo y un resumen diario en un solo correo."""

import io
import random
import re
from collections import Counter
from importlib import import_module

import pytest
from django.core import mail
from django.test import Client

from att.models import FrecuenciaAlerta, Notificacion, PreferenciaAlerta, Rol, Tema
from att.notificaciones import enviar_pendientes, leer_token_baja, notificar
from tests import factories
from tests.att.test_despliegue import _ajustes_en_proceso_aparte

pytestmark = pytest.mark.django_db

BASE = "https://att.example.gov.co"
ENLACE = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture(autouse=True)
def url_base(settings):
    settings.ATT_URL_BASE = BASE


def _generar_demo():
    rng, salida = random.Random(4091), io.StringIO()
    for area in ("att", "oferta", "demanda", "agenda", "seguimiento", "conocimiento"):
        import_module(f"{area}.demo").generar(escala=1, rng=rng, salida=salida)


def _partes(correo) -> tuple[str, str]:
    htmls = [contenido for contenido, tipo in correo.alternatives if tipo == "text/html"]
    assert len(htmls) == 1, correo.alternatives
    return correo.body, htmls[0]


def _enlaces_de_baja(correo) -> list[str]:
    return [u for u in ENLACE.findall(correo.body) if "/cuenta/alertas/baja/" in u]


def test_cada_enlace_de_los_correos_de_la_demo_abre_para_quien_lo_recibe(client):
    _generar_demo()
    alertas = list(Notificacion.objects.select_related("usuario"))
    tipos = Counter(n.categoria for n in alertas)
    assert len(alertas) >= 40, tipos
    assert len(tipos) >= 4, tipos

    # Todas salen por correo: las inmediatas y el resumen diario.
    enviar_pendientes(usuarios_ids=sorted({n.usuario_id for n in alertas}))
    enviar_pendientes(resumen=True)
    assert Notificacion.objects.filter(correo_enviado_en__isnull=True).count() == 0
    por_correo = {n.usuario.email: n.usuario for n in alertas}
    abiertos, fallos = 0, []
    for correo in mail.outbox:
        texto, html = _partes(correo)
        assert "Hola" in texto and '<html lang="es-CO">' in html
        assert correo.extra_headers["Message-ID"].endswith("@att.example.gov.co>")
        assert correo.extra_headers["List-Unsubscribe"].startswith(f"<{BASE}/cuenta/alertas/baja/")
        assert correo.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        enlaces = ENLACE.findall(texto)
        assert enlaces and all(u.startswith(f"{BASE}/") for u in enlaces), enlaces
        assert "127.0.0.1" not in texto + html
        # Los mismos enlaces en la parte HTML.
        assert {u for u in ENLACE.findall(html) if not u.startswith("http://www.w3")} == set(enlaces)
        (destinatario,) = correo.to
        client.force_login(por_correo[destinatario])
        for enlace in enlaces:
            if "/cuenta/alertas/baja/" in enlace:
                continue  # la baja se prueba aparte (cambia preferencias)
            respuesta = client.get(enlace.removeprefix(BASE))
            abiertos += 1
            if respuesta.status_code != 200:
                fallos.append((destinatario, enlace, respuesta.status_code))
    assert fallos == []
    assert abiertos >= len(alertas)


def _persona(**extra):
    return factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET, **extra)


def _enviar(persona, categoria, titulo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notificar(usuarios=[persona], categoria=categoria, titulo=titulo, url="/nucleo/alertas/")


def test_correo_con_html_texto_y_cabeceras(django_capture_on_commit_callbacks):
    persona = _persona()
    _enviar(persona, "agenda", "Plan aprobado", django_capture_on_commit_callbacks)
    (correo,) = mail.outbox
    texto, html = _partes(correo)
    assert correo.subject == "Plan aprobado" and correo.to == [persona.email]
    assert f"{BASE}/nucleo/alertas/" in texto and f'href="{BASE}/nucleo/alertas/"' in html
    assert "Planes de trabajo y compromisos" in texto  # el tipo, con su nombre en español
    assert correo.extra_headers["Message-ID"].endswith("@att.example.gov.co>")
    cabecera = correo.extra_headers["List-Unsubscribe"]
    assert cabecera.startswith(f"<{BASE}/cuenta/alertas/baja/") and cabecera.endswith("/>")
    token = cabecera.removeprefix(f"<{BASE}/cuenta/alertas/baja/").removesuffix("/>")
    assert leer_token_baja(token) == (persona.pk, "agenda")
    mensaje = correo.message()
    assert mensaje["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mensaje.is_multipart() and [p.get_content_type() for p in mensaje.get_payload()] == [
        "text/plain", "text/html"]


def test_la_baja_sin_ingresar_detiene_ese_tipo_y_no_otros(django_capture_on_commit_callbacks):
    persona = _persona()
    _enviar(persona, "agenda", "Plan aprobado", django_capture_on_commit_callbacks)
    (enlace,) = _enlaces_de_baja(mail.outbox[0])[:1]
    anonimo = Client(enforce_csrf_checks=True)
    pagina = anonimo.get(enlace.removeprefix(BASE))
    assert pagina.status_code == 200
    assert "Planes de trabajo y compromisos" in pagina.content.decode()
    assert not PreferenciaAlerta.objects.filter(usuario=persona).exists()  # el GET no cambia nada
    hecho = anonimo.post(enlace.removeprefix(BASE))
    assert hecho.status_code == 200 and "Listo" in hecho.content.decode()
    assert PreferenciaAlerta.objects.get(usuario=persona, categoria="agenda").frecuencia == FrecuenciaAlerta.NINGUNA
    assert PreferenciaAlerta.historial.filter(usuario=persona, categoria="agenda").count() == 1

    mail.outbox.clear()
    _enviar(persona, "agenda", "Otro plan aprobado", django_capture_on_commit_callbacks)
    assert mail.outbox == []
    # La alerta sigue en la plataforma; solo el correo de ese tipo se detiene.
    assert Notificacion.objects.filter(usuario=persona, titulo="Otro plan aprobado").exists()
    assert enviar_pendientes(resumen=True) == 0
    _enviar(persona, "seguimiento", "Hito vencido", django_capture_on_commit_callbacks)
    assert [c.subject for c in mail.outbox] == ["Hito vencido"]


def test_baja_con_un_clic_sin_token_csrf(django_capture_on_commit_callbacks):
    persona = _persona()
    _enviar(persona, "seguimiento", "Hito vencido", django_capture_on_commit_callbacks)
    cabecera = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    respuesta = Client(enforce_csrf_checks=True).post(
        cabecera.removeprefix(BASE), data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert respuesta.status_code == 200
    assert PreferenciaAlerta.objects.get(usuario=persona, categoria="seguimiento").frecuencia == "ninguna"


def test_baja_con_token_alterado_no_hace_nada():
    persona = _persona()
    anonimo = Client(enforce_csrf_checks=True)
    for token in ("nada", f"{persona.pk}:agenda", "eyJ1Ijo1fQ:1abc:firmafalsa"):
        respuesta = anonimo.post(f"/cuenta/alertas/baja/{token}/")
        assert respuesta.status_code == 404
        assert "El enlace no es válido" in respuesta.content.decode()
    assert not PreferenciaAlerta.objects.exists()


def test_las_demas_paginas_siguen_exigiendo_csrf(client):
    persona = _persona()
    estricto = Client(enforce_csrf_checks=True)
    estricto.force_login(persona)
    assert estricto.post("/cuenta/alertas/", {"agenda": "ninguna"}).status_code == 403


def test_resumen_diario_un_correo_con_n_alertas(django_capture_on_commit_callbacks):
    persona = _persona(recibe_resumen_diario=True)
    otra = _persona()
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            notificar(usuarios=[persona, otra], categoria="agenda" if i % 2 else "seguimiento",
                      titulo=f"Alerta número {i}", url=f"/nucleo/alertas/?n={i}")
    assert {c.to[0] for c in mail.outbox} == {otra.email}  # la otra, al momento; la persona, nada aún
    mail.outbox.clear()
    assert enviar_pendientes(resumen=True) == 1
    (correo,) = mail.outbox
    texto, html = _partes(correo)
    assert correo.subject == "ATT: 5 alertas nuevas"
    for i in range(5):
        assert f"Alerta número {i}" in texto and f"Alerta número {i}" in html
        assert f"{BASE}/nucleo/alertas/?n={i}" in texto
    assert "Tiene 5 alertas nuevas" in texto
    # Un enlace de baja por alerta (su tipo) y uno para todas; la cabecera, «todas» (tipos mezclados).
    tipos = [leer_token_baja(u.rsplit("/", 2)[-2])[1] for u in _enlaces_de_baja(correo)]
    assert tipos == ["seguimiento", "agenda", "seguimiento", "agenda", "seguimiento", "*"]
    cabecera = correo.extra_headers["List-Unsubscribe"].strip("<>")
    assert leer_token_baja(cabecera.rsplit("/", 2)[-2]) == (persona.pk, "*")
    assert enviar_pendientes(resumen=True) == 0


def test_preferencias_por_tipo(client, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    persona = _persona()
    client.force_login(persona)
    with django_assert_max_num_queries(8):
        pagina = client.get("/cuenta/alertas/")
    html = pagina.content.decode()
    assert pagina.status_code == 200 and "Preferencias de alertas" in html
    assert 'href="/cuenta/alertas/">Preferencias de alertas</a>' in html  # en el menú de la cuenta
    assert html.count('type="radio"') == 3 * 14 and "<legend>Formación" in html
    assert "<legend>Solicitudes de cuenta por aprobar" in html
    assert "<legend>Ofertas que una entidad territorial solicita para su demanda" in html
    datos = {"agenda": "resumen", "seguimiento": "ninguna"}
    datos.update({c: "inmediata" for c in ("demanda_coincide", "demanda_remitida", "demanda_vinculada",
                                           "demanda_estado", "demanda_sin_oferta", "oferta", "conocimiento",
                                           "comunidad", "formacion", "conversacion",
                                           "demanda_solicitada", "cuentas")})
    respuesta = client.post("/cuenta/alertas/", datos)
    assert respuesta.status_code == 302
    assert dict(PreferenciaAlerta.objects.filter(usuario=persona).values_list("categoria", "frecuencia")) == {
        "agenda": "resumen", "seguimiento": "ninguna"}
    # Con todas las filas guardadas, la página cuesta lo mismo.
    client.post("/cuenta/alertas/", {**datos, **{c: "resumen" for c in datos if c not in ("agenda", "seguimiento")}})
    assert PreferenciaAlerta.objects.filter(usuario=persona).count() == 14
    with django_assert_max_num_queries(8):
        html = client.get("/cuenta/alertas/").content.decode()
    marcadas = re.findall(r'name="(\w+)" value="(\w+)"[^>]*checked', html)
    assert len(marcadas) == 14 and Counter(v for _n, v in marcadas) == {"resumen": 13, "ninguna": 1}
    # Resumen: nada al momento; ninguna: ni al momento ni en el resumen.
    _enviar(persona, "agenda", "A resumen", django_capture_on_commit_callbacks)
    _enviar(persona, "seguimiento", "A ninguna", django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert enviar_pendientes(resumen=True) == 1
    assert mail.outbox[0].subject == "A resumen"


def test_preferencias_rechazan_un_valor_inventado(client):
    persona = _persona()
    client.force_login(persona)
    respuesta = client.post("/cuenta/alertas/", {"agenda": "cada-hora"})
    assert respuesta.status_code == 200 and "Revise el formulario" in respuesta.content.decode()
    assert not PreferenciaAlerta.objects.exists()


def test_la_preferencia_global_vale_para_los_tipos_sin_fila(django_capture_on_commit_callbacks):
    persona = _persona(recibe_resumen_diario=True)
    PreferenciaAlerta.objects.create(usuario=persona, categoria="agenda", frecuencia="inmediata")
    _enviar(persona, "agenda", "Al momento", django_capture_on_commit_callbacks)
    _enviar(persona, "seguimiento", "En el resumen", django_capture_on_commit_callbacks)
    assert [c.subject for c in mail.outbox] == ["Al momento"]


def test_produccion_exige_url_base():
    salida = _ajustes_en_proceso_aparte({"DEBUG": "0", "SECRET_KEY": "k" * 50, "ATT_URL_BASE": ""}, "")
    assert salida.returncode == 1
    assert "ImproperlyConfigured: Falta ATT_URL_BASE" in salida.stderr
    salida = _ajustes_en_proceso_aparte(
        {"DEBUG": "0", "SECRET_KEY": "k" * 50, "ATT_URL_BASE": "https://att.dnp.gov.co/"},
        "from django.conf import settings; print(settings.ATT_URL_BASE)",
    )
    assert salida.returncode == 0, salida.stderr
    assert salida.stdout.strip() == "https://att.dnp.gov.co"


def test_el_oferente_que_no_puede_ver_la_demanda_no_recibe_la_alerta(funcionario_medellin, oferente,
                                                                      entidad_oferente, admin_dnp,
                                                                      django_capture_on_commit_callbacks):
    """El matching también cuenta los temas padre de la demanda; el oferente solo ve las demandas de
    los temas exactos de sus ofertas. El mismo predicado de la página decide quién recibe la alerta."""
    from demanda import services
    from tests.demanda import fabricas

    padre = Tema.objects.get(codigo="planeacion")
    subtema = Tema.objects.create(codigo="planeacion-prueba-sub", nombre="Subtema de prueba", padre=padre,
                                  descriptor=padre.descriptor)
    fabricas.oferta(entidad_oferente, temas=["planeacion"])
    with django_capture_on_commit_callbacks(execute=True):
        d = services.demanda_registrar(
            por=funcionario_medellin, entidad=factories.alcaldia("05001"), titulo="Subtema", descripcion="x",
            fuente="metas_pdt", temas=Tema.objects.filter(pk=subtema.pk),
        )
    from demanda.matching import ofertas_candidatas

    assert ofertas_candidatas(d)  # el matching sí la encuentra
    assert not oferente.has_perm("demanda.ver", d)  # pero el oferente no puede abrirla
    assert not Notificacion.objects.filter(usuario=oferente).exists()
    # Nadie la puede atender aún: va al DNP como brecha, y el DNP sí la abre.
    alerta = Notificacion.objects.get(categoria="demanda_sin_oferta", usuario=admin_dnp)
    assert admin_dnp.has_perm("demanda.ver", d) and alerta.url == f"/demanda/{d.pk}/"


def test_la_migracion_lleva_la_preferencia_global_a_las_filas_por_tipo(django_capture_on_commit_callbacks):
    from django.apps import apps

    migracion = import_module("att.migrations.0011_preferencias_desde_la_global")
    resumen, inmediata = _persona(recibe_resumen_diario=True), _persona()
    migracion.llevar(apps, None)
    migracion.llevar(apps, None)  # repetirla no duplica
    assert list(PreferenciaAlerta.objects.values_list("usuario_id", "categoria", "frecuencia")) == [
        (resumen.pk, "*", "resumen")]
    # La fila «todas las demás» manda aunque la marca global cambie después.
    resumen.recibe_resumen_diario = False
    resumen.save()
    _enviar(resumen, "agenda", "Va al resumen", django_capture_on_commit_callbacks)
    _enviar(inmediata, "agenda", "Al momento", django_capture_on_commit_callbacks)
    assert [c.subject for c in mail.outbox] == ["Al momento"]
    migracion.deshacer(apps, None)
    assert not PreferenciaAlerta.objects.exists()
