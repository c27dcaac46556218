"""Configuración de gunicorn para la plataforma (gunicorn la lee sola desde el directorio de trabajo).

Cada valor sale de una variable de entorno con un valor por defecto pensado para la máquina de
producción (contenedor con pocos núcleos, gunicorn expuesto directamente, sin proxy delante). La
línea de comandos manda sobre este archivo: el arnés de bench/ arranca
`gunicorn att.wsgi:application -c gunicorn.conf.py --workers 2 --bind 127.0.0.1:PUERTO`.

Variables: WEB_CONCURRENCY, GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_GRACEFUL_TIMEOUT,
GUNICORN_KEEPALIVE, GUNICORN_MAX_REQUESTS, GUNICORN_MAX_REQUESTS_JITTER, GUNICORN_BIND,
GUNICORN_ACCESSLOG, LOG_FORMAT. Las conexiones a PostgreSQL se cuentan con estos números: ver el
bloque de DATABASES de att/settings.py y el comentario del servicio postgres en docker-compose.yml.
"""

import os


def _entero(nombre: str, defecto: int) -> int:
    valor = os.environ.get(nombre, "").strip()
    return int(valor) if valor else defecto


def nucleos() -> int:
    """Núcleos que este proceso puede usar (respeta el cpuset del contenedor; no la cuota de CPU de
    cgroups: con `cpus:` en compose, fije WEB_CONCURRENCY)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # sistemas sin sched_getaffinity
        return os.cpu_count() or 1


wsgi_app = "att.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Procesos con hilos (gthread): una exportación en flujo (StreamingHttpResponse), un cliente lento que
# descarga un informe o una consulta que espera a PostgreSQL ocupan un hilo, no el proceso entero. Con
# el worker `sync` de antes, dos exportaciones anónimas a la vez dejaban a los dos procesos sin atender
# el portal hasta que gunicorn los mataba.
worker_class = "gthread"

# Procesos: núcleos × 2. Django gasta CPU con el GIL tomado (plantillas, serialización), así que los
# hilos de un proceso no usan más de un núcleo; el segundo proceso por núcleo lo aprovecha mientras el
# otro espera a PostgreSQL o a la red. Más procesos solo suman memoria (~100–150 MB cada uno) y
# conexiones. Al escalar con `--scale web=N` o limitar CPU, fije WEB_CONCURRENCY.
workers = _entero("WEB_CONCURRENCY", nucleos() * 2)

# Hilos por proceso: 4. Bastan para que una descarga en flujo o una petición lenta no bloqueen las
# demás, y cada hilo puede tener una conexión a PostgreSQL (el pool por proceso del bloque DATABASES
# usa este mismo número como tope): más hilos compiten por el GIL y suben las conexiones sin dar más
# rendimiento.
threads = _entero("GUNICORN_THREADS", 4)

# timeout 30 s: con gthread vigila que el bucle principal del proceso siga vivo (un proceso colgado se
# reinicia); no corta una solicitud lenta en un hilo. A cada consulta la corta antes PostgreSQL
# (DB_STATEMENT_TIMEOUT_MS, 15 s) y las exportaciones grandes van a Celery.
timeout = _entero("GUNICORN_TIMEOUT", 30)
# Al detener (despliegue, `docker compose stop`), 25 s para terminar lo que se atiende, exportaciones
# en flujo incluidas; el stop_grace_period de compose (40 s) es mayor para que Docker no lo mate antes.
graceful_timeout = _entero("GUNICORN_GRACEFUL_TIMEOUT", 25)
# 5 s de conexión viva entre solicitudes: el navegador reutiliza la conexión para la página y sus
# estáticos (WhiteNoise); con gthread una conexión en espera no ocupa un hilo. Detrás de un
# balanceador, súbalo por encima de su tiempo de inactividad (p. ej. 65 s con 60 s del balanceador).
keepalive = _entero("GUNICORN_KEEPALIVE", 5)

# Cada proceso se recicla tras 10.000 solicitudes (± 1.000 al azar, para que no se reinicien todos a la
# vez): acota la memoria que crece por fragmentación tras informes y exportaciones grandes. No menos:
# reiniciar un proceso cuesta cargar Django (~1–2 s de CPU) y a 500 solicitudes por segundo un tope de
# 1.000 reiniciaría cada proceso cada pocos segundos.
max_requests = _entero("GUNICORN_MAX_REQUESTS", 10_000)
max_requests_jitter = _entero("GUNICORN_MAX_REQUESTS_JITTER", 1_000)

# Línea de la solicitud, número y tamaño de las cabeceras acotados (los valores de siempre del
# Dockerfile); el cuerpo lo acota Django (ATT_SOLICITUD_MAX_BYTES, 413 antes de leerlo).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# El latido de los procesos en memoria y no en el disco del contenedor (una escritura lenta en la capa
# del contenedor podía hacer creer al maestro que el proceso se colgó).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Registro de acceso en la salida estándar; con LOG_FORMAT=json (producción), una línea JSON con el
# X-Request-ID de la respuesta, como los demás registros. GUNICORN_ACCESSLOG vacío lo apaga.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
if os.environ.get("LOG_FORMAT", "").lower() == "json":
    access_log_format = (
        '{"time": "%(t)s", "level": "INFO", "logger": "gunicorn.access", "request_id": "%({x-request-id}o)s", '
        '"method": "%(m)s", "path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "ms": %(M)s}'
    )
