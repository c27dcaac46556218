"""En Chromium sin cabeza y tamaño teléfono: un administrador activa la verificación en dos pasos
en su primer ingreso (QR en SVG, clave a mano, primer código, códigos de respaldo) y entra con un
código de respaldo la vez siguiente, sin ninguna violación de la CSP estricta."""

import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from att.models import Rol
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _ingresar_por_formulario(pagina, email, destino="/admin/"):
    pagina.goto(f"{pagina.base}/ingresar/?next={destino}")
    pagina.get_by_label("Correo electrónico").fill(email)
    pagina.get_by_label("Contraseña").fill(factories.CLAVE)
    pagina.get_by_role("button", name="Ingresar").click()
    pagina.wait_for_load_state()


def test_activar_en_el_telefono_y_entrar_con_codigo_de_respaldo(pagina, referencia_cargada):
    violaciones = []
    pagina.on("console", lambda m: violaciones.append(m.text) if "Content Security Policy" in m.text else None)
    factories.persona(factories.dnp(), Rol.ADMIN_DNP, email="admin.mfa@dnp.gov.co", is_staff=True)

    _ingresar_por_formulario(pagina, "admin.mfa@dnp.gov.co")
    assert "/cuenta/mfa/activar/" in pagina.url
    qr = pagina.get_by_role("img", name="Código QR con la clave secreta")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0
    secreto = pagina.locator(".secreto-mfa code").inner_text().replace(" ", "")
    clave = base64.b32decode(secreto + "=" * (-len(secreto) % 8))
    pagina.get_by_label("Código de verificación").fill(f"{totp(clave):06d}")
    pagina.get_by_role("button", name="Activar").click()
    pagina.wait_for_load_state()
    codigos = pagina.locator(".codigos-respaldo code").all_inner_texts()
    assert len(codigos) == 10
    pagina.get_by_role("link", name="Ya los guardé: continuar").click()
    pagina.wait_for_load_state()
    expect(pagina.locator("#site-name")).to_contain_text("Administración de la plataforma ATT")
    assert pagina.url.endswith("/admin/")

    pagina.goto(pagina.base + "/")
    pagina.get_by_role("button", name="Salir").click()
    pagina.wait_for_load_state()
    _ingresar_por_formulario(pagina, "admin.mfa@dnp.gov.co")
    assert "/cuenta/mfa/verificar/" in pagina.url
    pagina.get_by_label("Código de verificación").fill(codigos[0])
    pagina.get_by_role("button", name="Verificar").click()
    pagina.wait_for_load_state()
    expect(pagina.locator("#site-name")).to_contain_text("Administración de la plataforma ATT")
    assert pagina.url.endswith("/admin/")
    assert violaciones == []
