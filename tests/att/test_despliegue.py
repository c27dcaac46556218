"""La forma de producción: docker-compose con los cinco servicios, y ajustes seguros con DEBUG=0."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
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


def test_paradas_ordenadas_mas_largas_que_la_solicitud_o_tarea_mas_larga(monkeypatch):
    from django.conf import settings

    servicios = _compose()
    cfg = _gunicorn(monkeypatch, _entorno_compose("web"))
    timeout, gracia = cfg.timeout, cfg.graceful_timeout
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
    assert 'CMD ["gunicorn", "att.wsgi:application", "-c", "gunicorn.conf.py"]' in dockerfile
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


def test_gunicorn_acota_la_solicitud_y_no_cree_x_forwarded_proto_por_defecto(monkeypatch):
    servicios = _compose()
    cfg = _gunicorn(monkeypatch, _entorno_compose("web"))
    assert (cfg.limit_request_line, cfg.limit_request_fields, cfg.limit_request_field_size) == (8190, 100, 8190)
    entorno = servicios["web"]["environment"]
    # gunicorn expuesto directamente: la cabecera del proxy solo se cree si se activa a propósito.
    assert "ATT_DETRAS_DE_PROXY" not in entorno
    assert entorno["ATT_SOLICITUD_MAX_BYTES"] == "${ATT_SOLICITUD_MAX_BYTES:-26214400}"


# --- gunicorn (gunicorn.conf.py) y conexiones a PostgreSQL ------------------------------------------
VARIABLES_GUNICORN = ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT", "GUNICORN_GRACEFUL_TIMEOUT",
                      "GUNICORN_KEEPALIVE", "GUNICORN_MAX_REQUESTS", "GUNICORN_MAX_REQUESTS_JITTER",
                      "GUNICORN_BIND", "GUNICORN_ACCESSLOG", "GUNICORN_CMD_ARGS", "LOG_FORMAT")


def _entorno_compose(servicio: str) -> dict:
    """El entorno de un servicio de compose con los valores por defecto de `${VAR:-valor}`."""
    import re

    entorno = {}
    for clave, valor in _compose()[servicio]["environment"].items():
        valor = str(valor)
        defecto = re.fullmatch(r"\$\{\w+:-(.*)\}", valor)
        if defecto:
            valor = defecto.group(1)
        if "${" not in valor:
            entorno[clave] = valor
    return entorno


def _gunicorn(monkeypatch, entorno: dict | None = None, argv: tuple = ()):
    """La configuración que gunicorn arma con gunicorn.conf.py, el entorno dado y la línea de comandos."""
    from gunicorn.app.wsgiapp import WSGIApplication

    for nombre in VARIABLES_GUNICORN:
        monkeypatch.delenv(nombre, raising=False)
    for nombre, valor in (entorno or {}).items():
        monkeypatch.setenv(nombre, valor)
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-c", str(RAIZ / "gunicorn.conf.py"), *argv])
    return WSGIApplication().cfg


def test_dockerfile_y_compose_arrancan_gunicorn_con_su_archivo_de_configuracion():
    servicios = _compose()
    assert servicios["web"]["command"] == ["gunicorn", "att.wsgi:application", "-c", "gunicorn.conf.py"]
    dockerfile = (RAIZ / "Dockerfile").read_text(encoding="utf-8")
    assert 'CMD ["gunicorn", "att.wsgi:application", "-c", "gunicorn.conf.py"]' in dockerfile
    # Los valores viven en un solo lugar: ni el Dockerfile ni compose los repiten.
    for opcion in ("--workers", "--threads", "--timeout", "--limit-request-line", "--max-requests"):
        assert opcion not in dockerfile, opcion
    # El porqué queda escrito junto al comando.
    texto_compose = (RAIZ / "docker-compose.yml").read_text(encoding="utf-8")
    assert "gthread" in texto_compose and "gthread" in dockerfile


def test_gunicorn_de_produccion_con_hilos_timeouts_y_reciclaje(monkeypatch):
    cfg = _gunicorn(monkeypatch, _entorno_compose("web"))
    assert cfg.worker_class_str == "gthread"
    assert (cfg.workers, cfg.threads) == (4, 4)
    assert (cfg.timeout, cfg.graceful_timeout, cfg.keepalive) == (30, 25, 5)
    assert cfg.graceful_timeout < cfg.timeout
    assert (cfg.max_requests, cfg.max_requests_jitter) == (10_000, 1_000)
    assert 0 < cfg.max_requests_jitter < cfg.max_requests
    assert cfg.bind == ["0.0.0.0:8000"]
    # Registro de acceso en JSON con el X-Request-ID, como los demás registros de producción.
    assert cfg.accesslog == "-" and '"request_id": "%({x-request-id}o)s"' in cfg.access_log_format


def test_gunicorn_sin_variables_usa_los_nucleos_y_la_linea_de_comandos_manda(monkeypatch):
    cfg = _gunicorn(monkeypatch)
    assert cfg.workers == len(os.sched_getaffinity(0)) * 2
    assert cfg.threads == 4 and cfg.worker_class_str == "gthread"
    # Como lo arranca el arnés de bench/: --workers y --bind por encima del archivo.
    cfg = _gunicorn(monkeypatch, {"WEB_CONCURRENCY": "7"}, ("--workers", "2", "--bind", "127.0.0.1:8715"))
    assert cfg.workers == 2 and cfg.bind == ["127.0.0.1:8715"] and cfg.threads == 4
    assert "%(h)s" in cfg.access_log_format  # sin LOG_FORMAT=json, el formato de siempre


@pytest.mark.parametrize("variable, ajuste, valor", [
    ("WEB_CONCURRENCY", "workers", 3), ("GUNICORN_THREADS", "threads", 8), ("GUNICORN_TIMEOUT", "timeout", 60),
    ("GUNICORN_GRACEFUL_TIMEOUT", "graceful_timeout", 20), ("GUNICORN_KEEPALIVE", "keepalive", 65),
    ("GUNICORN_MAX_REQUESTS", "max_requests", 500), ("GUNICORN_MAX_REQUESTS_JITTER", "max_requests_jitter", 50),
])
def test_cada_valor_de_gunicorn_se_ajusta_por_el_entorno(monkeypatch, variable, ajuste, valor):
    assert getattr(_gunicorn(monkeypatch, {variable: str(valor)}), ajuste) == valor


def test_gunicorn_sirve_la_pagina_de_vida_con_su_configuracion(tmp_path):
    """Arranca gunicorn de verdad con gunicorn.conf.py (DEBUG=0) y pide /salud/vivo."""
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        puerto = s.getsockname()[1]
    entorno = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", *VARIABLES_GUNICORN)}
    entorno.update(DEBUG="0", SECRET_KEY="k" * 50, ALLOWED_HOSTS="127.0.0.1", ATT_URL_BASE="https://att.example.gov.co",
                   SECURE_SSL_REDIRECT="0", DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
                   GUNICORN_ACCESSLOG="", ATT_VAR_DIR=str(tmp_path))
    proceso = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "1", "--bind", f"127.0.0.1:{puerto}"],
        cwd=RAIZ, env=entorno, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        limite = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{puerto}/salud/vivo", timeout=5) as respuesta:
                    assert respuesta.status == 200
                    break
            except OSError:
                assert proceso.poll() is None, proceso.stdout.read()
                assert time.monotonic() < limite, "gunicorn no respondió en 60 s"
                time.sleep(0.3)
    finally:
        proceso.terminate()
        salida, _err = proceso.communicate(timeout=40)
    assert "gthread" in salida, salida  # «Using worker: gthread»


def test_conexiones_de_web_worker_y_beat_caben_en_max_connections():
    """La cuenta del comentario de docker-compose.yml: con --scale web=8 --scale worker=4, réplicas ×
    procesos × hilos (= el pool de cada proceso) + worker × (concurrencia + 1) + beat + reserva ≤
    max_connections del servicio postgres."""
    servicios = _compose()
    comando_pg = servicios["postgres"]["command"]
    max_connections = int(next(a.split("=", 1)[1] for a in comando_pg if a.startswith("max_connections=")))
    web = _entorno_compose("web")
    procesos, hilos = int(web["WEB_CONCURRENCY"]), int(web["GUNICORN_THREADS"])
    assert web["DB_POOL"] == "1" and int(web["DB_POOL_MAX_SIZE"]) == hilos
    worker = servicios["worker"]["command"]
    concurrencia = int(worker[worker.index("--concurrency") + 1])
    for nombre in ("worker", "beat", "migrate"):
        assert "DB_POOL" not in _entorno_compose(nombre), nombre
    total = 8 * procesos * hilos + 4 * (concurrencia + 1) + 2 + 8
    assert total <= max_connections, total


def test_compose_enciende_el_pool_y_la_imagen_trae_psycopg_pool():
    """web usa DB_POOL=1: sin psycopg-pool en uv.lock (psycopg[pool]) la imagen no lo tendría y cada
    solicitud fallaría al conectar."""
    assert _entorno_compose("web")["DB_POOL"] == "1"
    bloqueo = (RAIZ / "uv.lock").read_text(encoding="utf-8")
    assert 'name = "psycopg-pool"' in bloqueo, "falta psycopg[pool] en las dependencias (uv add 'psycopg[binary,pool]')"


_BD = "from django.conf import settings; bd = settings.DATABASES['default']; "


def test_sin_db_pool_no_hay_pool_y_las_conexiones_persisten():
    salida = _ajustes_en_proceso_aparte(
        {"DEBUG": "1"}, _BD + "print(bd['OPTIONS'].get('pool'), bd['CONN_MAX_AGE'])")
    assert salida.returncode == 0, salida.stderr
    assert salida.stdout.split() == ["None", "60"]


def test_db_pool_por_entorno_con_tope_igual_a_los_hilos():
    salida = _ajustes_en_proceso_aparte(
        {"DEBUG": "1", "DB_POOL": "1", "GUNICORN_THREADS": "6", "CONN_MAX_AGE": "60"},
        _BD + "p = bd['OPTIONS']['pool']; print(p['min_size'], p['max_size'], p['timeout'], bd['CONN_MAX_AGE'])")
    assert salida.returncode == 0, salida.stderr
    # Django exige CONN_MAX_AGE = 0 con el pool: se fuerza aunque el entorno diga otra cosa.
    assert salida.stdout.split() == ["1", "6", "10.0", "0"]
    salida = _ajustes_en_proceso_aparte(
        {"DEBUG": "1", "DB_POOL": "1", "DB_POOL_MIN_SIZE": "2", "DB_POOL_MAX_SIZE": "3"},
        _BD + "p = bd['OPTIONS']['pool']; print(p['min_size'], p['max_size'])")
    assert salida.stdout.split() == ["2", "3"], salida.stderr


def test_db_pool_con_minimo_mayor_que_el_maximo_no_arranca():
    salida = _ajustes_en_proceso_aparte({"DEBUG": "1", "DB_POOL": "1", "DB_POOL_MIN_SIZE": "5", "DB_POOL_MAX_SIZE": "2"}, "")
    assert salida.returncode == 1
    assert "ImproperlyConfigured: DB_POOL_MIN_SIZE y DB_POOL_MAX_SIZE" in salida.stderr


def test_el_worker_de_celery_no_usa_el_pool():
    from django.conf import settings
    from django.db import connections

    from att.limites import usar_limite_de_tareas

    bd = settings.DATABASES["default"]
    antes = {"options": bd["OPTIONS"]["options"], "CONN_MAX_AGE": bd["CONN_MAX_AGE"]}
    # Sin conexión abierta, como el proceso del worker al arrancar: una que dejó abierta otra prueba del
    # mismo proceso (CONN_MAX_AGE de 60 s) no se puede cerrar con `pool` en los ajustes (Django lo rechaza).
    connections.close_all()
    try:
        bd["OPTIONS"]["pool"] = {"min_size": 1, "max_size": 4}
        connections.settings["default"]["OPTIONS"]["pool"] = {"min_size": 1, "max_size": 4}
        usar_limite_de_tareas()
        assert "pool" not in bd["OPTIONS"] and "pool" not in connections.settings["default"]["OPTIONS"]
        assert bd["CONN_MAX_AGE"] == 0 and connections["default"].pool is None
    finally:
        bd["OPTIONS"]["options"], bd["CONN_MAX_AGE"] = antes["options"], antes["CONN_MAX_AGE"]
        connections.settings["default"]["OPTIONS"]["options"] = antes["options"]
        connections.settings["default"]["CONN_MAX_AGE"] = antes["CONN_MAX_AGE"]
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_el_pool_reutiliza_conexiones_y_no_pasa_de_su_tope():
    """Con DB_POOL=1 y tope 2, en otro proceso: cuatro solicitudes seguidas (conexión cerrada al terminar
    cada una, como hace Django) y cinco hilos a la vez se atienden con las mismas dos conexiones de
    PostgreSQL (sin pool serían nueve)."""
    pytest.importorskip("psycopg_pool")
    from django.db import connection

    codigo = (
        "import threading; from django.db import connection, close_old_connections; "
        "from django.db import connections\n"
        "def pid():\n"
        "    with connection.cursor() as c:\n"
        "        c.execute('SELECT pg_backend_pid(), pg_sleep(0.2)'); r = c.fetchone()[0]\n"
        "    connection.close(); return r\n"
        "seguidas = {pid() for _ in range(4)}\n"
        "vistos = set()\n"
        "hilos = [threading.Thread(target=lambda: vistos.add(pid())) for _ in range(5)]\n"
        "[h.start() for h in hilos]; [h.join() for h in hilos]\n"
        "e = connection.pool.get_stats()\n"
        "print(len(seguidas | vistos), e['pool_max'], e['connections_num'])\n"
    )
    # La base de pruebas donde esté: la de la máquina (anfitrión y puerto en la URL) o la embebida (un
    # directorio de socket: la URL va sin anfitrión y libpq lo toma de PGHOST/PGPORT).
    d = connection.settings_dict
    libpq = {"PGHOST": d["HOST"] or "127.0.0.1", "PGPORT": str(d.get("PORT") or 5432)}
    url = f"postgres://{d['USER']}@/{d['NAME']}"
    salida = _ajustes_en_proceso_aparte(
        {"DEBUG": "1", "DATABASE_URL": url, "DB_POOL": "1", "DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": "2", **libpq},
        codigo)
    assert salida.returncode == 0, salida.stderr
    distintas, tope, abiertas = map(int, salida.stdout.split())
    assert tope == 2 and 1 <= distintas <= 2 and abiertas <= 2
