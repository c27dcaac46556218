"""La forma de producción: docker-compose con los cinco servicios, y ajustes seguros con DEBUG=0."""

import os
import subprocess
import sys
from pathlib import Path

import pytest  # noqa: F401
import yaml

RAIZ = Path(__file__).resolve().parents[2]


def test_docker_compose_nombra_los_servicios_de_produccion():
    compose = yaml.safe_load((RAIZ / "docker-compose.yml").read_text(encoding="utf-8"))
    servicios = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(servicios)
    assert "gunicorn" in servicios["web"]["command"]
    assert "worker" in servicios["worker"]["command"] and "beat" in servicios["beat"]["command"]
    for nombre in ("web", "worker", "beat"):
        entorno = servicios[nombre]["environment"]
        assert entorno["DEBUG"] == "0"
        assert entorno["DATABASE_URL"].startswith("postgres://")
        assert entorno["CELERY_BROKER_URL"].startswith("redis://")


def _ajustes_en_proceso_aparte(entorno: dict, codigo: str) -> subprocess.CompletedProcess:
    """Carga att.settings en otro proceso, sin las variables de desarrollo de make ni de pytest."""
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "PYTEST_VERSION", "ATT_URL_BASE")}
    base.update(DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres", ATT_URL_BASE="https://att.example.gov.co")
    base.update(entorno)
    inicio = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='att.settings'; django.setup(); "
    return subprocess.run(
        [sys.executable, "-c", inicio + codigo], check=False, cwd=RAIZ, env=base, capture_output=True, text=True
    )


def test_produccion_exige_clave_secreta():
    salida = _ajustes_en_proceso_aparte({"DEBUG": "0"}, "")
    assert salida.returncode == 1
    assert "ImproperlyConfigured: Falta SECRET_KEY" in salida.stderr


def test_sin_debug_definido_debug_esta_apagado_y_no_hay_clave_de_respaldo():
    salida = _ajustes_en_proceso_aparte({}, "")
    assert salida.returncode == 1
    assert "ImproperlyConfigured: Falta SECRET_KEY" in salida.stderr
    salida = _ajustes_en_proceso_aparte(
        {"SECRET_KEY": "k" * 50}, "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
    )
    assert salida.returncode == 0, salida.stderr
    assert salida.stdout.split() == ["False", "True"]


def test_la_clave_de_desarrollo_solo_existe_con_debug():
    salida = _ajustes_en_proceso_aparte(
        {"DEBUG": "1"}, "from django.conf import settings; print(settings.SECRET_KEY.startswith('solo-para-desarrollo'))"
    )
    assert salida.returncode == 0, salida.stderr
    assert salida.stdout.strip() == "True"


def test_jit_de_postgresql_apagado_para_consultas_cortas(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


# --- Operación: salud, reinicio, migración única, paradas ordenadas ---------------------------------
def _compose():
    return yaml.safe_load((RAIZ / "docker-compose.yml").read_text(encoding="utf-8"))["services"]


def _segundos(duracion: str) -> int:
    import re

    total = 0
    for cantidad, unidad in re.findall(r"(\d+)([hms])", duracion):
        total += int(cantidad) * {"h": 3600, "m": 60, "s": 1}[unidad]
    return total


def test_cada_servicio_tiene_chequeo_de_salud_y_reinicio():
    servicios = _compose()
    for nombre, servicio in servicios.items():
        if nombre == "migrate":
            continue
        assert servicio["restart"] == "unless-stopped", nombre
        assert servicio["healthcheck"]["test"], nombre
    assert "/salud/listo" in " ".join(servicios["web"]["healthcheck"]["test"])
    assert "urllib" in " ".join(servicios["web"]["healthcheck"]["test"])
    assert "inspect ping -d celery@$$HOSTNAME" in servicios["worker"]["healthcheck"]["test"][1]
    assert "manage.py salud" in servicios["beat"]["healthcheck"]["test"][1]


def test_solo_el_servicio_migrate_migra_y_los_demas_lo_esperan():
    servicios = _compose()
    migrate = servicios["migrate"]
    assert "migrate --noinput" in " ".join(migrate["command"]) and "cargar_referencia" in " ".join(migrate["command"])
    assert migrate["restart"] == "no"
    assert migrate["environment"]["DB_STATEMENT_TIMEOUT_TAREAS_MS"] == "0"  # índices CONCURRENTLY sin corte
    for nombre in ("web", "worker", "beat"):
        comando = servicios[nombre]["command"]
        assert "migrate" not in (comando if isinstance(comando, str) else " ".join(comando)), nombre
        assert servicios[nombre]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_paradas_ordenadas_mas_largas_que_la_solicitud_o_tarea_mas_larga():
    from django.conf import settings

    servicios = _compose()
    web = servicios["web"]["command"]
    timeout = int(web[web.index("--timeout") + 1])
    gracia = int(web[web.index("--graceful-timeout") + 1])
    assert _segundos(servicios["web"]["stop_grace_period"]) > max(timeout, gracia)
    # Una consulta colgada se corta antes de que gunicorn mate al worker.
    assert 0 < settings.ATT_DB_STATEMENT_TIMEOUT_MS < timeout * 1000
    assert _segundos(servicios["worker"]["stop_grace_period"]) > settings.CELERY_TASK_TIME_LIMIT


def test_beat_guarda_su_horario_en_la_base_y_no_en_tmp():
    comando = _compose()["beat"]["command"]
    assert "django_celery_beat.schedulers:DatabaseScheduler" in comando
    assert "--schedule" not in comando and "celerybeat-schedule" not in " ".join(comando)


def test_imagen_sin_root_con_clientes_de_postgresql_y_sin_copiar_el_entorno_local():
    dockerfile = (RAIZ / "Dockerfile").read_text(encoding="utf-8")
    assert "postgresql-client" in dockerfile and "\nUSER att" in dockerfile
    assert "--timeout" in dockerfile and "--graceful-timeout" in dockerfile
    ignorados = (RAIZ / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", "var", ".git"} <= set(ignorados)


def test_produccion_exige_correo_y_direccion_publica_y_ajusta_el_volumen():
    servicios = _compose()
    entorno = servicios["web"]["environment"]
    # Sin valor por defecto: `docker compose` se niega a arrancar si faltan.
    assert entorno["EMAIL_URL"].startswith("${EMAIL_URL:?")
    assert entorno["ATT_URL_BASE"].startswith("${ATT_URL_BASE:?")
    migrate = servicios["migrate"]
    assert migrate["user"] == "0"
    assert migrate["command"][-1].startswith("chown -R 10001:10001 /data/media && ")


def test_gunicorn_acota_la_solicitud_y_no_cree_x_forwarded_proto_por_defecto():
    servicios = _compose()
    web = servicios["web"]["command"]
    for opcion, valor in (("--limit-request-line", "8190"), ("--limit-request-fields", "100"),
                          ("--limit-request-field_size", "8190")):
        assert web[web.index(opcion) + 1] == valor, opcion
        assert f'"{opcion}", "{valor}"' in (RAIZ / "Dockerfile").read_text(encoding="utf-8"), opcion
    entorno = servicios["web"]["environment"]
    # gunicorn expuesto directamente: la cabecera del proxy solo se cree si se activa a propósito.
    assert "ATT_DETRAS_DE_PROXY" not in entorno
    assert entorno["ATT_SOLICITUD_MAX_BYTES"] == "${ATT_SOLICITUD_MAX_BYTES:-26214400}"
