"""En Chromium sin cabeza, en teléfono y en computador: la ET llena bien el formulario de demanda y
pulsa «Registrar la necesidad» dos veces seguidas. Tras el primer clic el botón queda deshabilitado
y dice «Enviando…» (static/js/envios.js), el segundo clic no vuelve a enviar, se registra una sola
demanda y se llega a su detalle.

Las capturas del formulario justo después del primer clic quedan en /tmp/capturas/ (o en
ATT_CAPTURAS) para revisarlas a ojo."""

import base64
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
OBSERVAR_JS = """() => {
  sessionStorage.removeItem("estados_envio");
  const campo = document.getElementById("id_titulo");
  const form = campo.form;
  const boton = form.querySelector("button[type=submit]");
  const salir = [...document.querySelectorAll("button")].find(b => b.textContent.trim() === "Salir");
  const estado = () => ({
    formularios_ocupados: document.querySelectorAll("form[aria-busy]").length,
    aria_busy: form.getAttribute("aria-busy"),
    deshabilitado: boton.disabled,
    aria_disabled: boton.getAttribute("aria-disabled"),
    texto: boton.textContent.trim(),
    texto_original: boton.getAttribute("data-texto-original"),
    salir_deshabilitado: salir.disabled,
  });
  new MutationObserver(() => {
    if (!boton.disabled) return;
    const estados = JSON.parse(sessionStorage.getItem("estados_envio") || "[]");
    estados.push(estado());
    sessionStorage.setItem("estados_envio", JSON.stringify(estados));
  }).observe(boton, {attributes: true, childList: true, characterData: true, subtree: true});
}"""



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
    pagina.get_by_role("checkbox", name="Vivienda, ciudad y territorio", exact=True).check()  # temas: casillas
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
    # Lo que hace envios.js con el botón se anota en sessionStorage (sobrevive a la navegación).
    pagina.evaluate(OBSERVAR_JS)
    # Una red lenta (1,5 s de latencia) deja ver la página mientras «se envía».
    cdp = pagina.context.new_cdp_session(pagina)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1})
    boton.scroll_into_view_if_needed()
    caja = boton.bounding_box()
    x, y = caja["x"] + caja["width"] / 2, caja["y"] + caja["height"] / 2
    # Dos clics de ratón seguidos en el mismo punto, como una persona impaciente.
    pagina.mouse.click(x, y)
    pagina.mouse.click(x, y)
    CAPTURAS.mkdir(parents=True, exist_ok=True)
    # Por CDP y no con page.screenshot(), que espera a que termine la navegación en curso.
    captura = cdp.send("Page.captureScreenshot", {"format": "png"})
    (CAPTURAS / f"envio_{nombre}.png").write_bytes(base64.b64decode(captura["data"]))

    _llego_al_detalle(pagina)
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    assert len(enviados) == 1, f"salieron {len(enviados)} POST"
    estados = pagina.evaluate("JSON.parse(sessionStorage.getItem('estados_envio') || '[]')")
    assert estados, "envios.js no bloqueó el botón antes de que llegara la respuesta"
    assert estados[0] == {
        "formularios_ocupados": 1,
        "aria_busy": "true",
        "deshabilitado": True,
        "aria_disabled": "true",
        "texto": "Enviando…",
        "texto_original": "Registrar la necesidad",
        # Solo se bloquea el formulario enviado: «Salir», en el encabezado, sigue disponible.
        "salir_deshabilitado": False,
    }, estados


def test_doble_clic_sin_retener_registra_una_sola_demanda(dispositivo, referencia_cargada):
    """El doble clic de verdad, sin retener nada: el servidor responde cuando responda."""
    nombre, pagina = dispositivo
    _, boton = _llenar_formulario(pagina)
    enviados = _registros_post(pagina)
    boton.dblclick(no_wait_after=True)
    _llego_al_detalle(pagina)
    assert len(enviados) == 1, f"{nombre}: salieron {len(enviados)} POST"
