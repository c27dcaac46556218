"""Verificación en dos pasos (TOTP, django-otp; att/mfa.py): obligatoria para quien llega al
admin y para los administradores DNP. Estas pruebas recorren el paso de verdad: force_login no lo
da por hecho aquí (`sin_mfa_automatica`, ver tests/conftest.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from att import services
from att.models import Rol
from tests import factories
from tests.conftest import codigo_totp, dispositivo_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.sin_mfa_automatica]

ACTIVAR = "/cuenta/mfa/activar/"
VERIFICAR = "/cuenta/mfa/verificar/"
CODIGO_ERRADO = ("El código no es correcto. Escriba los 6 dígitos que muestra ahora su aplicación o uno "
                 "de sus códigos de respaldo sin usar.")
FRENADO = ("Hubo varios códigos errados seguidos. Espere unos segundos y escriba el código que muestre "
           "entonces su aplicación.")


@pytest.fixture
def staff(db):
    return factories.persona(factories.dnp(), Rol.SEGUIMIENTO_DNP, is_staff=True)


def _soltar_freno(dispositivo):
    """Como si hubieran pasado los segundos de espera tras un código errado."""
    dispositivo.refresh_from_db()
    dispositivo.throttling_failure_timestamp = timezone.now() - timedelta(minutes=5)
    dispositivo.save()


def test_staff_sin_dispositivo_va_a_activar_desde_el_admin(client, staff):
    client.force_login(staff)
    respuesta = client.get("/admin/")
    assert respuesta.status_code == 302
    assert respuesta["Location"] == f"{ACTIVAR}?next=%2Fadmin%2F"


def test_con_dispositivo_sin_verificar_va_a_verificar(client, staff):
    dispositivo_mfa(staff)
    client.force_login(staff)
    respuesta = client.get("/admin/att/entidad/?q=x")
    assert respuesta.status_code == 302
    assert respuesta["Location"] == f"{VERIFICAR}?next=%2Fadmin%2Fatt%2Fentidad%2F%3Fq%3Dx"
    # Quien ya tiene aplicación no agrega otra sin verificar la que tiene.
    respuesta = client.get(ACTIVAR, {"next": "/admin/"})
    assert respuesta["Location"] == f"{VERIFICAR}?next=%2Fadmin%2F"
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_el_sitio_del_admin_exige_la_verificacion_por_si_mismo(client, staff, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "att.mfa.MFAObligatorioMiddleware"]
    dispositivo_mfa(staff)
    client.force_login(staff)
    respuesta = client.get("/admin/")
    assert respuesta.status_code == 302
    assert respuesta["Location"].startswith("/admin/login/")


def test_codigo_errado_da_error_en_espanol_y_el_freno_de_django_otp_sigue(client, staff):
    dispositivo = dispositivo_mfa(staff)
    client.force_login(staff)
    errado = f"{(int(codigo_totp(dispositivo)) + 1) % 1_000_000:06d}"
    respuesta = client.post(VERIFICAR, {"codigo": errado, "next": "/admin/"})
    assert respuesta.status_code == 200
    assert CODIGO_ERRADO in respuesta.content.decode()
    from att.models import EventoSeguridad

    evento = EventoSeguridad.objects.get(tipo="mfa_fallida")
    assert (evento.usuario, evento.detalle["paso"], evento.ip) == (staff, "mfa-verificar", "127.0.0.1")
    assert client.get("/admin/").status_code == 302
    # Justo después del error, ni el código correcto pasa: hay que esperar (OTP_TOTP_THROTTLE_FACTOR).
    respuesta = client.post(VERIFICAR, {"codigo": codigo_totp(dispositivo), "next": "/admin/"})
    assert respuesta.status_code == 200
    assert FRENADO in respuesta.content.decode()
    _soltar_freno(dispositivo)
    respuesta = client.post(VERIFICAR, {"codigo": codigo_totp(dispositivo), "next": "/admin/"})
    assert respuesta.status_code == 302
    assert respuesta["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_el_mismo_codigo_totp_no_sirve_dos_veces(client, staff):
    dispositivo = dispositivo_mfa(staff)
    codigo = codigo_totp(dispositivo)
    client.force_login(staff)
    assert client.post(VERIFICAR, {"codigo": codigo})["Location"] == "/mi-escritorio/"  # LOGIN_REDIRECT_URL
    otro = type(client)()
    otro.force_login(staff)
    respuesta = otro.post(VERIFICAR, {"codigo": codigo})
    assert respuesta.status_code == 200
    assert CODIGO_ERRADO in respuesta.content.decode()


def test_activar_qr_codigos_de_respaldo_y_entrada_al_admin(client, staff):
    client.force_login(staff)
    pagina = client.get(ACTIVAR, {"next": "/admin/"})
    assert pagina.status_code == 200
    html = pagina.content.decode()
    dispositivo = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert pagina.context["secreto"].replace(" ", "") in dispositivo.config_url
    assert all(len(grupo) == 4 for grupo in pagina.context["secreto"].split())
    # CSP estricta: nada en línea (ni scripts ni estilos) y el QR viene del mismo sitio.
    assert "style=" not in html
    assert "<script>" not in html
    assert 'src="/cuenta/mfa/qr.svg"' in html
    assert 'name="_token_envio"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    # Recargar no cambia la clave (la persona puede estar escaneando).
    assert client.get(ACTIVAR).context["secreto"] == pagina.context["secreto"]
    assert TOTPDevice.objects.filter(user=staff).count() == 1

    qr = client.get("/cuenta/mfa/qr.svg")
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr["Cache-Control"] == "private, no-store"
    assert qr.content.startswith(b"<svg")
    assert b"<script" not in qr.content

    errado = client.post(ACTIVAR, {"codigo": "12345x", "next": "/admin/"})
    assert errado.status_code == 200
    assert "El código no coincide. Escriba los 6 dígitos que muestra ahora su aplicación." in errado.content.decode()
    _soltar_freno(dispositivo)
    hecho = client.post(ACTIVAR, {"codigo": codigo_totp(dispositivo), "next": "/admin/"})
    assert hecho.status_code == 200
    codigos = hecho.context["codigos"]
    assert len(codigos) == 10
    assert len(set(codigos)) == 10
    assert all(c in hecho.content.decode() for c in codigos)
    dispositivo.refresh_from_db()
    assert dispositivo.confirmed
    assert StaticToken.objects.filter(device__user=staff).count() == 10
    assert client.get("/admin/").status_code == 200
    # Ya confirmada, la clave y el QR no se vuelven a mostrar.
    assert client.get("/cuenta/mfa/qr.svg").status_code == 404
    assert client.get(ACTIVAR)["Location"] == "/mi-escritorio/"


def test_codigo_de_respaldo_sirve_una_sola_vez(client, staff):
    dispositivo_mfa(staff)
    respaldo = StaticDevice.objects.create(user=staff, name="Códigos de respaldo", confirmed=True)
    respaldo.token_set.create(token="abcd2345")
    client.force_login(staff)
    respuesta = client.post(VERIFICAR, {"codigo": "ABCD-2345", "next": "/admin/"})
    assert respuesta["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert not respaldo.token_set.exists()

    otra = type(client)()
    otra.force_login(staff)
    respuesta = otra.post(VERIFICAR, {"codigo": "abcd2345", "next": "/admin/"})
    assert respuesta.status_code == 200
    assert CODIGO_ERRADO in respuesta.content.decode()
    assert otra.get("/admin/").status_code == 302


def test_administrador_dnp_sin_staff_tambien_debe_verificar(client):
    admin = factories.persona(factories.dnp(), Rol.ADMIN_DNP)
    assert not admin.is_staff
    client.force_login(admin)
    respuesta = client.get("/nucleo/alertas/")
    assert respuesta["Location"] == f"{ACTIVAR}?next=%2Fnucleo%2Falertas%2F"
    # Una escritura retenida no deja pasar nada ni lleva un `next` que repetir.
    respuesta = client.post("/nucleo/alertas/todas-leidas/")
    assert respuesta.status_code == 302
    assert respuesta["Location"] == ACTIVAR


def test_un_funcionario_de_et_no_pasa_por_la_verificacion(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    assert client.get("/nucleo/alertas/").status_code == 200
    assert client.get(VERIFICAR).status_code == 302
    assert not TOTPDevice.objects.filter(user=funcionario_medellin).exists()


def test_next_a_otro_sitio_se_ignora(client, staff):
    dispositivo = dispositivo_mfa(staff)
    client.force_login(staff)
    respuesta = client.post(VERIFICAR, {"codigo": codigo_totp(dispositivo), "next": "https://malo.example/admin/"})
    assert respuesta.status_code == 302
    assert respuesta["Location"] == "/mi-escritorio/"


def test_salud_salir_y_estaticos_no_se_retienen(client, staff):
    client.force_login(staff)
    assert client.get("/salud/vivo").status_code == 200
    assert client.get(VERIFICAR)["Location"] == ACTIVAR
    assert client.post("/salir/").status_code == 302
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_api_con_sesion_sin_verificar_403_y_con_token_sin_cambios(client, admin_dnp):
    client.force_login(admin_dnp)
    respuesta = client.get("/api/v1/entidades/")
    assert respuesta.status_code == 403
    assert "segundo factor" in respuesta.json()["detail"]
    # Un token de integración no es una sesión: la API lo atiende como siempre.
    _token, clave = services.token_emitir(
        nombre="Sistema DNP", usuario=admin_dnp, entidad=factories.dnp(), rol=Rol.ADMIN_DNP, por=admin_dnp,
    )
    assert client.get("/api/v1/entidades/", HTTP_AUTHORIZATION=f"Token {clave}").status_code == 200


def test_un_espacio_unicode_tras_token_no_salta_el_segundo_factor(client, admin_dnp):
    """`Token\xa0x`: `str.split()` lo partía como token y el middleware lo dejaba pasar; DRF no lo
    reconoce como token y caía en la sesión sin verificar (lectura y escritura)."""
    client.force_login(admin_dnp)
    for cabecera in ("Token\xa0x", "Token\x85x"):
        lectura = client.get("/api/v1/webhooks/", HTTP_AUTHORIZATION=cabecera)
        assert lectura.status_code == 403, cabecera
        assert "segundo factor" in lectura.json()["detail"]
        escritura = client.post("/api/v1/webhooks/", {}, content_type="application/json",
                                HTTP_AUTHORIZATION=cabecera)
        assert escritura.status_code == 403, cabecera


def test_la_api_rechaza_la_sesion_sin_verificar_aunque_falte_el_middleware(client, admin_dnp, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "att.mfa.MFAObligatorioMiddleware"]
    client.force_login(admin_dnp)
    respuesta = client.get("/api/v1/entidades/")
    assert respuesta.status_code == 403
    assert "segundo factor" in respuesta.json()["detail"]


def test_el_admin_de_django_otp_no_muestra_la_clave_de_nadie(client, admin_dnp):
    from django.contrib.auth.models import Permission

    otro = factories.persona(factories.dnp(), Rol.ADMIN_DNP, is_staff=True)
    dispositivo = dispositivo_mfa(otro)
    revisor = factories.persona(factories.dnp(), Rol.SEGUIMIENTO_DNP, is_staff=True)
    revisor.user_permissions.add(Permission.objects.get(codename="view_totpdevice"))
    client.force_login(revisor)
    propio = dispositivo_mfa(revisor)
    assert client.post(VERIFICAR, {"codigo": codigo_totp(propio), "next": "/admin/"}).status_code == 302
    pagina = client.get(f"/admin/otp_totp/totpdevice/{dispositivo.pk}/change/")
    assert pagina.status_code == 200
    assert dispositivo.key not in pagina.content.decode()
    assert client.get(f"/admin/otp_totp/totpdevice/{dispositivo.pk}/config/").status_code in (403, 404)


def test_configuracion_y_clave_de_sesion_nueva_al_verificar(client, staff, settings):
    medio = settings.MIDDLEWARE
    autenticacion = medio.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert medio[autenticacion + 1] == "django_otp.middleware.OTPMiddleware"
    assert medio.index("att.autenticacion.InactividadSesionMiddleware") < medio.index("att.mfa.MFAObligatorioMiddleware")
    assert medio.index("att.mfa.MFAObligatorioMiddleware") < medio.index("att.idempotencia.IdempotenciaMiddleware")
    assert settings.OTP_TOTP_THROTTLE_FACTOR == 1
    dispositivo = dispositivo_mfa(staff)
    client.force_login(staff)
    antes = client.cookies["sessionid"].value
    assert client.post(VERIFICAR, {"codigo": codigo_totp(dispositivo)}).status_code == 302
    assert client.cookies["sessionid"].value != antes


def test_las_rutas_libres_se_arman_una_vez_por_urlconf(monkeypatch, settings):
    """El middleware no resuelve sus cuatro direcciones en cada petición; otro urlconf o STATIC_URL las rearma."""
    from att import mfa
    from tests.espias import contar_llamadas

    monkeypatch.setattr(mfa, "_RUTAS_LIBRES", {})
    resueltas = contar_llamadas(monkeypatch, mfa, "reverse")
    primeras = mfa._rutas_libres()
    assert mfa._rutas_libres() is primeras and len(resueltas) == 4
    assert primeras[-2:] == (settings.STATIC_URL, "/salud/") and "/cuenta/" not in primeras
    settings.STATIC_URL = "/estaticos-otros/"
    assert mfa._rutas_libres()[-2] == "/estaticos-otros/" and len(resueltas) == 8
