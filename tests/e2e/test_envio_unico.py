"""En Chromium sin cabeza, en teléfono y en computador: la ET llena bien el formulario de demanda y
pulsa «Registrar la necesidad» dos veces seguidas. Tras el primer clic el botón queda deshabilitado
y dice «Enviando…» (static/js/envios.js), el segundo clic no vuelve a enviar, se registra una sola
demanda y se llega a su detalle.

Las capturas del formulario justo después del primer clic quedan en /tmp/capturas/ (o en
ATT_CAPTURAS) para revisarlas a ojo."""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from att.models import Rol
from demanda.models import Demanda
from tests import factories
from tests.conftest import ingresar

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CAPTURAS = Path(os.environ.get("ATT_CAPTURAS", "/tmp/capturas"))
TITULO = "Programa de mejoramiento de vivienda rural"
DETALLE = re.compile(r"/demanda/\d+/$")
ESTADO_JS = """() => {
  const campo = document.getElementById("id_titulo");
  const form = campo.form;
  const boton = form.querySelector("button[type=submit]");
  const salir = [...document.querySelectorAll("button")].find(b => b.textContent.trim() === "Salir");
  return {
    formularios_ocupados: document.querySelectorAll("form[aria-busy]").length,
    aria_busy: form.getAttribute("aria-busy"),
    deshabilitado: boton.disabled,
    aria_disabled: boton.getAttribute("aria-disabled"),
    texto: boton.textContent.trim(),
    texto_original: boton.getAttribute("data-texto-original"),
    salir_deshabilitado: salir.disabled,
  };
}"""


@pytest.fixture
def pagina_escritorio(navegador, live_server):
    contexto = navegador.new_context(locale="es-CO", viewport={"width": 1280, "height": 800})
    page = contexto.new_page()
    page.set_default_timeout(15000)
    page.base = live_server.url
    yield page
    contexto.close()


@pytest.fixture(params=["telefono", "escritorio"])
def dispositivo(request):
    """(nombre, página): el teléfono es `pagina` (390x844); el computador, un contexto de 1280x800."""
    fixture = "pagina" if request.param == "telefono" else "pagina_escritorio"
    return request.param, request.getfixturevalue(fixture)


def _llenar_formulario(pagina):
    factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET, email="elena@medellin.gov.co",
                      nombre="Elena Torres")
    ingresar(pagina, "elena@medellin.gov.co")
    pagina.goto(pagina.base + reverse("demanda:nueva"))
    pagina.get_by_label("Título de la necesidad").fill(TITULO)
    pagina.get_by_label("Descripción").fill("Necesitamos formular el programa de mejoramiento de vivienda rural.")
    pagina.get_by_label("Temas").select_option(label="Vivienda, ciudad y territorio")
    pagina.get_by_label("Origen de la necesidad").select_option("metas_pdt")
    formulario = pagina.locator("form").filter(has=pagina.get_by_label("Título de la necesidad"))
    return formulario, formulario.locator("button[type=submit]")


def _registros_post(pagina):
    """Los POST al formulario que salen del navegador (cada envío que llega a la red)."""
    ruta = reverse("demanda:nueva")
    enviados = []
    pagina.on("request", lambda r: enviados.append(r) if r.method == "POST" and r.url.endswith(ruta) else None)
    return enviados


def _llego_al_detalle(pagina):
    pagina.wait_for_url(DETALLE)
    assert Demanda.objects.count() == 1
    demanda = Demanda.objects.get()
    assert demanda.titulo == TITULO
    assert pagina.url == pagina.base + reverse("demanda:detalle", args=[demanda.pk])
    expect(pagina.get_by_role("heading", name=TITULO)).to_be_visible()
    expect(pagina.get_by_text("Demanda registrada.")).to_be_visible()


def test_dos_clics_seguidos_registran_una_sola_demanda(dispositivo, referencia_cargada):
    nombre, pagina = dispositivo
    _, boton = _llenar_formulario(pagina)
    expect(boton).to_have_text("Registrar la necesidad")
    enviados = _registros_post(pagina)

    # El POST se retiene en el navegador para ver (y fotografiar) la página mientras «se envía».
    retenidos = []

    def retener(ruta):
        if ruta.request.method == "POST":
            retenidos.append(ruta)
        else:
            ruta.continue_()

    pagina.route("**" + reverse("demanda:nueva"), retener)
    boton.scroll_into_view_if_needed()
    caja = boton.bounding_box()
    x, y = caja["x"] + caja["width"] / 2, caja["y"] + caja["height"] / 2
    # Dos clics de ratón seguidos en el mismo punto, como una persona impaciente.
    pagina.mouse.click(x, y)
    pagina.mouse.click(x, y)

    # Con el POST en camino los localizadores de Playwright esperan a que termine la navegación:
    # el estado del formulario se lee con JavaScript en la página que sigue a la vista.
    import time
    for i in range(10):
        t=time.monotonic()
        try:
            print(i, pagina.evaluate("() => [document.readyState, location.href, !!document.querySelector('script[src*=envios]'), document.getElementById('id_titulo').form.outerHTML.slice(0,200), document.querySelector('button.boton--primario').outerHTML]"), time.monotonic()-t, len(retenidos), flush=True)
        except Exception as e:
            print(i, "ERR", e, flush=True)
        pagina.wait_for_timeout(200)
    estado = pagina.evaluate(ESTADO_JS)
    assert estado == {
        "formularios_ocupados": 1,
        "aria_busy": "true",
        "deshabilitado": True,
        "aria_disabled": "true",
        "texto": "Enviando…",
        "texto_original": "Registrar la necesidad",
        # Solo se bloquea el formulario enviado: «Salir», en el encabezado, sigue disponible.
        "salir_deshabilitado": False,
    }, estado
    CAPTURAS.mkdir(parents=True, exist_ok=True)
    pagina.screenshot(path=str(CAPTURAS / f"envio_{nombre}.png"))
    pagina.screenshot(path=str(CAPTURAS / f"envio_{nombre}_completa.png"), full_page=True)

    # Otro intento con el formulario ya en camino (Enter, un clic por teclado): tampoco sale.
    pagina.evaluate("document.getElementById('id_titulo').form.requestSubmit()")
    pagina.wait_for_timeout(300)
    assert len(retenidos) == 1, f"salieron {len(retenidos)} envíos"
    assert len(enviados) == 1
    assert Demanda.objects.count() == 0  # el POST sigue retenido en el navegador

    retenidos[0].continue_()
    _llego_al_detalle(pagina)
    assert len(enviados) == 1


def test_doble_clic_sin_retener_registra_una_sola_demanda(dispositivo, referencia_cargada):
    """El doble clic de verdad, sin retener nada: el servidor responde cuando responda."""
    nombre, pagina = dispositivo
    _, boton = _llenar_formulario(pagina)
    enviados = _registros_post(pagina)
    boton.dblclick(no_wait_after=True)
    _llego_al_detalle(pagina)
    assert len(enviados) == 1, f"{nombre}: salieron {len(enviados)} POST"
