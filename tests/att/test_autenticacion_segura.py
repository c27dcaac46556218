"""Ingreso seguro (ASVS L2): bloqueo por intentos fallidos (django-axes), vida de la sesión y
longitud mínima de la contraseña."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from att.autenticacion import SESION_INICIO, SESION_ULTIMA_ACTIVIDAD, ip_cliente
from tests import factories

pytestmark = pytest.mark.django_db

AVISO_BLOQUEO = "Demasiados intentos fallidos. Espere 15 minutos o restablezca su contraseña."
CORREO = "ana.perez@medellin.gov.co"


@pytest.fixture
def persona(db):
    return factories.persona(factories.alcaldia("05001"), email=CORREO)


def ingresar(client, clave, ip="10.0.0.1", correo=CORREO):
    return client.post(reverse("login"), {"username": correo, "password": clave}, REMOTE_ADDR=ip)


def fallar(client, veces, ip="10.0.0.1", correo=CORREO):
    return [ingresar(client, "clave-equivocada-123", ip=ip, correo=correo) for _ in range(veces)]


# --- Bloqueo --------------------------------------------------------------------------------------

def test_configuracion_del_bloqueo(settings):
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_tras_cinco_fallos_la_clave_correcta_se_rechaza_con_429(client, persona):
    respuestas = fallar(client, 4)
    assert all(r.status_code == 200 for r in respuestas)
    quinta = fallar(client, 1)[0]
    assert quinta.status_code == 429
    r = ingresar(client, factories.CLAVE)
    assert r.status_code == 429
    html = r.content.decode()
    assert AVISO_BLOQUEO in html
    assert 'name="password"' in html  # sigue siendo la página de ingreso
    assert "_auth_user_id" not in client.session


def test_el_correo_no_distingue_mayusculas_en_el_conteo(client, persona):
    fallar(client, 3, correo=CORREO.upper())
    fallar(client, 2, correo="Ana.Perez@Medellin.gov.co")
    assert ingresar(client, factories.CLAVE).status_code == 429


def test_otra_ip_de_la_misma_persona_sigue_entrando(client, persona):
    fallar(client, 5, ip="203.0.113.9")
    assert ingresar(client, factories.CLAVE, ip="203.0.113.9").status_code == 429
    r = ingresar(client, factories.CLAVE, ip="10.0.0.2")
    assert r.status_code == 302
    assert client.session["_auth_user_id"] == str(persona.pk)


def test_limite_por_correo_desde_muchas_ip(client, persona, settings):
    settings.ATT_AXES_LIMITE_POR_USUARIO = 8
    for ip in ("198.51.100.1", "198.51.100.2"):
        fallar(client, 4, ip=ip)  # ninguna combinación llega a 5
    r = ingresar(client, factories.CLAVE, ip="198.51.100.3")
    assert r.status_code == 429 and AVISO_BLOQUEO in r.content.decode()


def test_pasada_la_espera_se_puede_entrar(client, persona):
    fallar(client, 5)
    assert ingresar(client, factories.CLAVE).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    r = ingresar(client, factories.CLAVE)
    assert r.status_code == 302
    assert client.session["_auth_user_id"] == str(persona.pk)
    # El ingreso exitoso borra los fallos de esa combinación.
    assert not AccessAttempt.objects.filter(username=CORREO).exists()


def test_un_ingreso_exitoso_reinicia_el_conteo(client, persona):
    fallar(client, 4)
    assert ingresar(client, factories.CLAVE).status_code == 302
    client.post(reverse("logout"))
    fallar(client, 4)
    assert ingresar(client, factories.CLAVE).status_code == 302


def test_fallos_y_bloqueos_quedan_registrados_con_correo_ip_y_hora(client, persona):
    antes = timezone.now()
    fallar(client, 5, ip="192.0.2.7")
    registros = list(AccessFailureLog.objects.filter(username=CORREO).order_by("attempt_time"))
    assert len(registros) == 5
    assert all(r.ip_address == "192.0.2.7" and r.attempt_time >= antes for r in registros)
    assert [r.locked_out for r in registros] == [False] * 4 + [True]
    assert "clave-equivocada" not in AccessAttempt.objects.get(username=CORREO).post_data
    ingresar(client, factories.CLAVE, ip="10.9.9.9")
    assert AccessLog.objects.filter(username=CORREO, ip_address="10.9.9.9").exists()


def test_el_admin_dnp_ve_el_registro_de_seguridad(client, persona, admin_dnp, seguimiento_dnp):
    fallar(client, 5, ip="192.0.2.8")
    client.force_login(admin_dnp)
    for ruta in ("/admin/axes/accessfailurelog/", "/admin/axes/accessattempt/", "/admin/axes/accesslog/"):
        r = client.get(ruta)
        assert r.status_code == 200, ruta
    assert CORREO in client.get("/admin/axes/accessfailurelog/").content.decode()
    assert client.get("/admin/axes/accessfailurelog/add/").status_code == 403
    client.force_login(seguimiento_dnp)
    assert client.get("/admin/axes/accessfailurelog/").status_code == 403


def test_ip_detras_de_proxies_propios(settings):
    fabrica = RequestFactory()
    peticion = fabrica.get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20")
    settings.ATT_PROXIES_CONFIABLES = 0
    assert ip_cliente(peticion) == "172.18.0.5"  # sin proxies declarados, la cabecera no cuenta
    settings.ATT_PROXIES_CONFIABLES = 1
    assert ip_cliente(peticion) == "198.51.100.20"  # lo que anotó nuestro proxy, no lo que dijo el cliente
    basura = fabrica.get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="no-es-ip")
    assert ip_cliente(basura) == "172.18.0.5"


# --- Vida de la sesión ----------------------------------------------------------------------------

def test_tiempos_de_sesion(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    assert settings.ATT_SESION_INACTIVIDAD_S == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def _correr_reloj(client, clave, segundos):
    sesion = client.session
    sesion[clave] = sesion[clave] - segundos
    sesion.save()


def test_la_actividad_mantiene_la_sesion(client, persona):
    client.force_login(persona)
    _correr_reloj(client, SESION_ULTIMA_ACTIVIDAD, 29 * 60)
    assert client.get("/nucleo/alertas/").status_code == 200
    assert time.time() - client.session[SESION_ULTIMA_ACTIVIDAD] < 5  # la marca se renovó


def test_la_sesion_inactiva_se_cierra(client, persona):
    client.force_login(persona)
    _correr_reloj(client, SESION_ULTIMA_ACTIVIDAD, 31 * 60)
    r = client.get("/nucleo/alertas/", follow=True)
    assert r.redirect_chain and r.redirect_chain[0][0].startswith(reverse("login"))
    assert "Su sesión se cerró por inactividad." in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_la_sesion_vence_a_las_doce_horas_aunque_haya_actividad(client, persona):
    client.force_login(persona)
    _correr_reloj(client, SESION_INICIO, 12 * 60 * 60 + 1)
    r = client.get("/nucleo/alertas/", follow=True)
    assert r.redirect_chain[0][0].startswith(reverse("login"))
    assert "Su sesión expiró. Ingrese de nuevo." in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_la_persona_de_la_peticion_queda_sin_envoltorios_perezosos(client, persona):
    """Tras el middleware de la sesión, `request.user` es la persona (con lo que anota django-otp), no
    los dos objetos perezosos de Django y django-otp; el anónimo, `AnonymousUser`."""
    from django.contrib.auth.models import AnonymousUser

    from att.models import Usuario

    anonima = client.get("/nucleo/entidades/").wsgi_request.user
    assert type(anonima) is AnonymousUser
    client.force_login(persona)
    usuario = client.get("/nucleo/alertas/").wsgi_request.user
    assert type(usuario) is Usuario and usuario.pk == persona.pk
    assert usuario.otp_device is None and usuario.is_verified() is False


def test_la_api_con_sesion_vencida_responde_como_anonima(client, persona):
    client.force_login(persona)
    _correr_reloj(client, SESION_ULTIMA_ACTIVIDAD, 31 * 60)
    r = client.post("/api/v1/ofertas/", {}, content_type="application/json")
    assert r.status_code in (401, 403)
    assert "_auth_user_id" not in client.session


# --- Contraseñas ----------------------------------------------------------------------------------

def test_contrasena_de_11_caracteres_rechazada_y_de_12_aceptada(persona):
    with pytest.raises(ValidationError) as error:
        validate_password("Rio-Cauca-7", persona)
    assert "La contraseña es demasiado corta. Debe contener por lo menos 12 caracteres." in error.value.messages
    validate_password("Rio-Cauca-77", persona)


def test_claves_de_demo_y_de_pruebas_cumplen_la_longitud():
    from att.demo import CLAVE_DEMO

    assert len(CLAVE_DEMO) >= 12 and len(factories.CLAVE) >= 12
