"""Base de pruebas: base de datos real (PostgreSQL embebido o DATABASE_URL), con el territorio,
las entidades de referencia y los catálogos cargados una vez por sesión."""

import os
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from att import referencia
from att.datos.catalogos import sembrar
from att.models import Rol
from tests import factories


def cargar_referencia():
    sembrar(django_apps)
    referencia.cargar_territorio()
    referencia.cargar_entidades_nacionales()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        cargar_referencia()


@pytest.fixture
def referencia_cargada(transactional_db):
    """Para pruebas transaccionales (servidor en vivo, worker real): recarga lo que el flush borra."""
    cargar_referencia()


@pytest.fixture(autouse=True)
def _correo_y_medios(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"


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
    """Entra por el formulario de ingreso como lo haría una persona."""
    page.goto(f"{page.base}/ingresar/")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(clave)
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_load_state()


# --- Worker de Celery real (pruebas de integración) ---------------------------------------------
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
    yield proceso
    proceso.terminate()
    try:
        proceso.wait(20)
    except subprocess.TimeoutExpired:
        proceso.kill()
