"""Informes con workers de Celery reales (Redis y PostgreSQL de pruebas).

Cada prueba arranca sus propios workers (`celery -A att worker -P solo`) en una cola propia, con
MEDIA_ROOT de la prueba, para contar los archivos y matar un worker sin tocar el de la sesión. La
generación se hace lenta con ATT_INFORME_PAUSA_PRUEBAS_S (pausa entre pasos, solo para pruebas).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from celery.result import AsyncResult
from django.conf import settings

from att.bloqueos import esta_libre
from att.celery import app
from seguimiento import informes
from seguimiento.models import EstadoInforme, InformeMensual
from seguimiento.tasks import generar_informe_mensual

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PERIODO = date(2026, 10, 1)


def _archivos(raiz) -> list[str]:
    raiz = Path(raiz)
    return sorted(str(p.relative_to(raiz)) for p in raiz.rglob("*") if p.is_file())


def _esperar(condicion, segundos: float, mensaje: str, cada: float = 0.2):
    limite = time.monotonic() + segundos
    while time.monotonic() < limite:
        valor = condicion()
        if valor:
            return valor
        time.sleep(cada)
    pytest.fail(mensaje)


@pytest.fixture
def workers(tmp_path):
    """Fábrica de workers propios en la cola de la prueba; los detiene al final."""
    cola = f"informes-pruebas-{os.getpid()}-{time.monotonic_ns()}"
    db = settings.DATABASES["default"]
    base = dict(os.environ)
    base["DATABASE_URL"] = (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db.get('PORT') or 5432}/{db['NAME']}"
    )
    base["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    procesos: list[tuple[subprocess.Popen, Path]] = []

    def arrancar(**entorno) -> subprocess.Popen:
        nombre = f"{cola}-{len(procesos)}@pruebas"
        registro = tmp_path / f"worker-{len(procesos)}.log"
        proceso = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "att", "worker", "-P", "solo", "-c", "1", "-Q", cola,
             "--without-gossip", "--without-mingle", "-l", "INFO", "-n", nombre],
            env={**base, **{k: str(v) for k, v in entorno.items()}},
            stdout=registro.open("w"), stderr=subprocess.STDOUT,
        )
        procesos.append((proceso, registro))
        limite = time.monotonic() + 60
        while time.monotonic() < limite:
            if proceso.poll() is not None:
                pytest.fail(f"El worker {nombre} terminó al arrancar:\n{registro.read_text()}")
            if app.control.ping(destination=[nombre], timeout=1.0):
                return proceso
        pytest.fail(f"El worker {nombre} no respondió en 60 s:\n{registro.read_text()}")

    arrancar.cola = cola
    arrancar.registros = lambda: "\n".join(f"--- {r.name}\n{r.read_text()}" for _p, r in procesos)
    yield arrancar
    for proceso, _r in procesos:
        if proceso.poll() is None:
            proceso.terminate()
    for proceso, _r in procesos:
        try:
            proceso.wait(20)
        except subprocess.TimeoutExpired:
            proceso.kill()


def test_dos_mensuales_a_la_vez_un_par_de_archivos_y_la_anterior_siempre_descargable(
        referencia_cargada, workers, client, seguimiento_dnp):
    v1 = informes.generar(periodo=PERIODO)
    client.force_login(seguimiento_dnp)
    url = f"/seguimiento/informes/{v1.pk}/pdf/"
    for _ in range(2):
        workers(ATT_INFORME_PAUSA_PRUEBAS_S=0.7)

    tareas = [generar_informe_mensual.apply_async(args=["2026-10"], queue=workers.cola) for _ in range(2)]
    descargas, estados = [], set()
    limite = time.monotonic() + 120
    while not all(t.ready() for t in tareas):
        if time.monotonic() > limite:
            pytest.fail("Los informes no terminaron en 120 s:\n" + workers.registros())
        estados.add(InformeMensual.objects.values_list("estado", flat=True).get(pk=v1.pk))
        r = client.get(url)
        descargas.append((r.status_code, b"".join(r.streaming_content)[:4] if r.status_code == 200 else b""))
        time.sleep(0.1)

    resultados = [t.get(timeout=10) for t in tareas]
    assert EstadoInforme.GENERANDO in estados  # se descargó mientras se generaba
    assert set(descargas) == {(200, b"%PDF")}, descargas
    assert sorted(r["omitido"] for r in resultados) == [False, True], workers.registros()
    fila = InformeMensual.objects.get()
    assert (fila.estado, fila.version, fila.intentos) == (EstadoInforme.LISTO, 2, 2)
    assert _archivos(settings.MEDIA_ROOT) == sorted([fila.pdf.name, fila.xlsx.name])


def test_worker_muerto_a_mitad_el_informe_termina_una_vez_dentro_del_plazo_de_visibilidad(
        referencia_cargada, workers, client, seguimiento_dnp):
    visibilidad = 15
    entorno = {"CELERY_VISIBILITY_TIMEOUT": visibilidad, "CELERY_REDIS_BARRIDO_S": 1,
               "ATT_INFORME_PAUSA_PRUEBAS_S": 1.5}
    v1 = informes.generar(periodo=PERIODO)
    client.force_login(seguimiento_dnp)
    primero = workers(**entorno)
    tarea = generar_informe_mensual.apply_async(args=["2026-10"], queue=workers.cola)
    _esperar(lambda: InformeMensual.objects.filter(estado=EstadoInforme.GENERANDO, progreso__gte=40).exists(),
             60, "El primer worker no llegó a la mitad del informe:\n" + workers.registros())
    os.kill(primero.pid, signal.SIGKILL)
    primero.wait(10)
    muerto_en = time.monotonic()

    # Murió a mitad: la fila sigue «generándose», PostgreSQL soltó el candado y la versión 1 se descarga.
    _esperar(lambda: esta_libre(informes.clave_informe("mensual", PERIODO, "nacional")), 10,
             "PostgreSQL no soltó el candado del worker muerto.")
    fila = InformeMensual.objects.get()
    assert (fila.estado, fila.version, fila.pdf.name) == (EstadoInforme.GENERANDO, 1, v1.pdf.name)
    assert client.get(f"/seguimiento/informes/{v1.pk}/pdf/").status_code == 200

    workers(**entorno)  # Redis le devuelve el mensaje sin confirmar pasado el plazo de visibilidad
    _esperar(lambda: InformeMensual.objects.filter(estado=EstadoInforme.LISTO).exists(), 90,
             "El informe no terminó tras arrancar otro worker:\n" + workers.registros(), cada=0.5)
    assert time.monotonic() - muerto_en < visibilidad + 30
    resultado = AsyncResult(tarea.id).get(timeout=30)
    assert (resultado["omitido"], resultado["version"]) == (False, 2)
    time.sleep(3)  # no hay una tercera ejecución
    fila = InformeMensual.objects.get()
    assert (fila.estado, fila.version, fila.intentos) == (EstadoInforme.LISTO, 2, 3)
    assert _archivos(settings.MEDIA_ROOT) == sorted([fila.pdf.name, fila.xlsx.name])
