"""Base de pruebas: base de datos real (PostgreSQL embebido o DATABASE_URL), con el territorio,
las entidades de referencia y los catálogos cargados una vez por sesión."""

import importlib
import os
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from att import mfa, referencia
from att.models import Rol
from tests import factories, plantilla_db

# Los catálogos iniciales viven (congelados) en su migración de datos.
sembrar = importlib.import_module("att.migrations.0003_sembrar_catalogos").sembrar_catalogos
# Y la referencia del PAS (cortes de la Tabla 1, Tablas 2 y 3): una prueba transaccional la borra al vaciar la base.
sembrar_pas = importlib.import_module("pas.migrations.0002_referencia_conpes").cargar


def cargar_referencia():
    sembrar(django_apps)
    sembrar_pas(django_apps, None)
    referencia.cargar_territorio()
    referencia.cargar_entidades_nacionales()
    referencia.cargar_periodos_gobierno()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_keepdb,
                                 django_db_use_migrations):
    """Crea la base de pruebas copiando la plantilla ya migrada cuando existe (tests/plantilla_db.py)."""
    if not (django_db_use_migrations and plantilla_db.activa()):
        return None
    from django.db import connections

    plantilla = plantilla_db.Plantilla(connections["default"].settings_dict)
    plantilla.preparar(recrear=not django_db_keepdb)
    return plantilla


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, django_db_modify_db_settings):
    with django_db_blocker.unblock():
        if django_db_modify_db_settings is not None:
            django_db_modify_db_settings.guardar()
        cargar_referencia()


@pytest.fixture
def referencia_cargada(transactional_db):
    """Para pruebas transaccionales (servidor en vivo, worker real): recarga lo que el flush borra."""
    cargar_referencia()


@pytest.fixture(autouse=True)
def _correo_y_medios(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    # El tope por IP y minuto del registro de seguridad cuenta en la caché del proceso, que dura toda
    # la sesión de pruebas (todas desde 127.0.0.1): lo prueba tests/att/test_bitacora_seguridad.py.
    settings.ATT_BITACORA_TOPE_POR_MINUTO = 1_000_000
    # El cupo de exportaciones simultáneas se libera al cerrar la respuesta, y el cliente de pruebas solo la
    # cierra si se lee entera: una prueba que mira solo el código no debe agotarlo a las siguientes (el cupo
    # lo prueba tests/att/test_exportacion_en_flujo.py).
    settings.ATT_EXPORTACIONES_POR_CLIENTE = 1_000_000


@pytest.fixture(autouse=True)
def _cache_vacia():
    """La caché del proceso (locmem en pruebas) no se deshace con la transacción de cada prueba: cada una
    empieza vacía, o leería las cifras (att/cifras.py) que otra guardó con sus datos. Solo la del proceso:
    una caché Redis configurada a mano puede compartir la instancia con el broker."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from att import marco
    from att.api import autenticacion, lotes
    from oferta import selectors as oferta_selectors

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()
    lotes.olvidar_filas_en_proceso()
    autenticacion.olvidar_tokens_en_proceso()
    oferta_selectors.olvidar_resultados_en_proceso()
    marco.olvidar_marcos()


@pytest.fixture
def admin_dnp(db):
    return factories.persona(factories.dnp(), Rol.ADMIN_DNP, is_staff=True)


@pytest.fixture
def seguimiento_dnp(db):
    return factories.persona(factories.dnp(), Rol.SEGUIMIENTO_DNP, is_staff=True)


@pytest.fixture
def auditor(db):
    return factories.persona(factories.dnp(), Rol.AUDITOR)


@pytest.fixture
def funcionario_medellin(db):
    return factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)


@pytest.fixture
def funcionario_cali(db):
    return factories.persona(factories.alcaldia("76001"), Rol.FUNCIONARIO_ET)


@pytest.fixture
def equipo_antioquia(db):
    return factories.persona(factories.gobernacion("05"), Rol.EQUIPO_DEPARTAMENTAL)


@pytest.fixture
def entidad_oferente(db):
    return factories.EntidadNacionalFactory(nombre="Ministerio de Prueba", sigla="MinPrueba")


@pytest.fixture
def oferente(entidad_oferente):
    return factories.persona(entidad_oferente, Rol.OFERENTE)


@pytest.fixture
def otro_oferente(db):
    return factories.persona(factories.EntidadNacionalFactory(), Rol.OFERENTE)


def pytest_collection_modifyitems(config, items):
    # Las pruebas e2e usan Playwright (bucle asíncrono) y el ORM síncrono en el mismo hilo.
    if any(item.get_closest_marker("e2e") for item in items):
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# --- Navegador real (pruebas e2e) --------------------------------------------------------------
CHROMIUM = os.environ.get("ATT_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def navegador():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"No está Chromium en {CHROMIUM}: instálelo (apt-get install chromium) o defina ATT_CHROMIUM.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


def _abrir_pagina(navegador, live_server, ancho: int, alto: int):
    contexto = navegador.new_context(locale="es-CO", viewport={"width": ancho, "height": alto})
    page = contexto.new_page()
    page.set_default_timeout(15000)
    page.base = live_server.url
    return contexto, page


@pytest.fixture
def pagina(navegador, live_server):
    """Un teléfono (390×844)."""
    contexto, page = _abrir_pagina(navegador, live_server, 390, 844)
    yield page
    contexto.close()


@pytest.fixture
def pagina_escritorio(navegador, live_server):
    """Un escritorio (1280×800)."""
    contexto, page = _abrir_pagina(navegador, live_server, 1280, 800)
    yield page
    contexto.close()


def ingresar(page, email: str, clave: str = factories.CLAVE) -> None:
    """Entra por el formulario de ingreso como lo haría una persona. Si la cuenta debe usar la
    verificación en dos pasos (admin, administrador DNP), le da una aplicación confirmada y escribe
    el código del momento en la página de verificación, también como lo haría una persona."""
    from att.models import Usuario

    usuario = Usuario.objects.filter(email__iexact=email).first()
    if usuario is not None and mfa.requiere_mfa(usuario):
        dispositivo_mfa(usuario)
    page.goto(f"{page.base}/ingresar/")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(clave)
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_load_state()
    if "/cuenta/mfa/verificar/" in page.url:
        verificar_mfa(page, usuario)


def dispositivo_mfa(usuario):
    """La aplicación de autenticación confirmada de `usuario` (la crea si no tiene)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    dispositivo = TOTPDevice.objects.filter(user=usuario, confirmed=True).first()
    return dispositivo or TOTPDevice.objects.create(user=usuario, name="Pruebas", confirmed=True)


def codigo_totp(dispositivo) -> str:
    """El código que mostraría ahora la aplicación de `dispositivo`."""
    from django_otp.oath import totp

    return f"{totp(dispositivo.bin_key, dispositivo.step, dispositivo.t0, dispositivo.digits, dispositivo.drift):06d}"


def verificar_mfa(page, usuario) -> None:
    """Escribe el código del momento en la página de verificación y la envía."""
    dispositivo = dispositivo_mfa(usuario)
    # Un código vale una sola vez por intervalo de 30 s (django-otp guarda el último, last_t): una
    # prueba que entra dos veces con la misma persona en el mismo intervalo lo necesita libre.
    dispositivo.last_t = -1
    dispositivo.throttle_reset(commit=False)
    dispositivo.save()
    page.get_by_label("Código de verificación").fill(codigo_totp(dispositivo))
    page.get_by_role("button", name="Verificar").click()
    page.wait_for_load_state()


# --- Sesiones forzadas de administradores: segundo factor ya verificado --------------------------
@pytest.fixture(autouse=True)
def _mfa_verificada_al_forzar_ingreso(request, monkeypatch):
    """`client.force_login(usuario)` deja la sesión con el segundo factor ya verificado cuando la
    cuenta debe usarlo (admin o administrador DNP: `att.mfa.requiere_mfa`), con una aplicación
    confirmada para esa persona.

    Por qué: cientos de pruebas entran con `force_login` como administrador para probar otra cosa
    (el admin, las páginas DNP) y suponen un administrador ya verificado, como lo estaría en el uso
    real tras ingresar. Las pruebas de la verificación en dos pasos misma (tests/att/test_mfa.py)
    la recorren explícitamente y se marcan `@pytest.mark.sin_mfa_automatica` para no recibir este
    atajo. `APIClient.force_authenticate` no pasa por la sesión (DRF pone el usuario en la vista) y
    el middleware no la retiene, así que no necesita nada."""
    if request.node.get_closest_marker("sin_mfa_automatica"):
        return
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from att.models import Usuario

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        # Una copia fresca: las membresías se leen ahora y no quedan guardadas en el objeto de la prueba.
        if mfa.requiere_mfa(Usuario.objects.get(pk=user.pk)):
            sesion = self.session
            sesion[DEVICE_ID_SESSION_KEY] = dispositivo_mfa(user).persistent_id
            sesion.save()

    monkeypatch.setattr(Client, "force_login", force_login)


# --- Worker de Celery real (pruebas de integración) ---------------------------------------------
_WORKER_DE_SESION: list = []  # el proceso del worker de la sesión mientras corre


def tareas_pendientes_del_worker_de_sesion(cola: str = "celery") -> int:
    """Mensajes de la cola del worker de la sesión que aún no terminan: en la lista del broker o
    entregados y sin confirmar (con acks_late, una tarea en curso sigue en `unacked`)."""
    import json

    import redis
    from django.conf import settings

    cliente = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2)
    en_lista = sum(cliente.llen(k) for k in cliente.scan_iter(match=f"{cola}*") if cliente.type(k) == b"list")
    en_curso = sum(1 for v in cliente.hvals("unacked") if json.loads(v)[2] == cola)
    return en_lista + en_curso


@pytest.fixture(scope="session")
def worker_celery(django_db_setup, django_db_blocker):
    """Arranca un worker de Celery real contra Redis y la base de pruebas; lo detiene al final."""
    import subprocess
    import sys
    import time

    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        pytest.fail("Las pruebas de integración necesitan CELERY_BROKER_URL (Redis).")
    db = settings.DATABASES["default"]
    entorno = dict(os.environ)
    entorno["DATABASE_URL"] = (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db.get('PORT') or 5432}/{db['NAME']}"
    )
    import tempfile

    registro = tempfile.NamedTemporaryFile("w+", prefix="att-worker-", suffix=".log", delete=False)  # noqa: SIM115 - dura toda la sesión
    proceso = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "att", "worker", "-P", "solo", "-c", "1",
         "--without-gossip", "--without-mingle", "-l", "INFO", "-n", f"pruebas-{os.getpid()}@%h"],
        # A un archivo y no a una tubería: con Redis caído el worker escribe muchos avisos de
        # reconexión y, si nadie leyera la tubería, se bloquearía al llenarla.
        env=entorno, stdout=registro, stderr=subprocess.STDOUT, text=True,
    )
    from att.celery import app

    limite = time.monotonic() + 60
    while time.monotonic() < limite:
        if proceso.poll() is not None:
            pytest.fail("El worker de Celery terminó al arrancar:\n" + Path(registro.name).read_text())
        if app.control.ping(timeout=1.0):
            break
    else:
        proceso.terminate()
        pytest.fail("El worker de Celery no respondió en 60 s.")
    _WORKER_DE_SESION.append(proceso)
    yield proceso
    _WORKER_DE_SESION.remove(proceso)
    proceso.terminate()
    try:
        proceso.wait(20)
    except subprocess.TimeoutExpired:
        proceso.kill()
