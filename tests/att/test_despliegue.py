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


def test_produccion_exige_clave_secreta():
    entorno = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    entorno.update(DEBUG="0", DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres")
    salida = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='att.settings'; django.setup()"],
        cwd=RAIZ, env=entorno, capture_output=True, text=True,
    )
    assert salida.returncode != 0 and "SECRET_KEY" in salida.stderr


def test_jit_de_postgresql_apagado_para_consultas_cortas(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
