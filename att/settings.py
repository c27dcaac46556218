"""Configuración única del proyecto, leída del entorno (DEBUG apagado salvo que se pida).

Variables: DEBUG, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, CELERY_BROKER_URL, CACHE_URL, CACHE_REDIS_DB,
EMAIL_URL, DEFAULT_FROM_EMAIL, ATT_URL_BASE, SECURE_SSL_REDIRECT, CSRF_TRUSTED_ORIGINS, ATT_VAR_DIR.
Seguridad: ATT_DETRAS_DE_PROXY, ATT_SOLICITUD_MAX_BYTES, ATT_ADJUNTO_MAX_BYTES,
OTP_TOTP_THROTTLE_FACTOR, OTP_STATIC_THROTTLE_FACTOR.
Operación: DB_CONNECT_TIMEOUT, DB_STATEMENT_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_TAREAS_MS, LOG_FORMAT,
LOG_LEVEL, SENTRY_DSN, SENTRY_ENVIRONMENT, SENTRY_TRACES_SAMPLE_RATE, SENTRY_RELEASE.
Tareas: ATT_TAREA_LIMITE_LARGO_S, ATT_TAREA_LIMITE_CORTO_S, CELERY_VISIBILITY_TIMEOUT,
CELERY_REDIS_BARRIDO_S, ATT_INFORME_ATASCADO_MIN, ATT_INFORME_RELANZAMIENTOS_MAX.
"""

import os
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("ATT_VAR_DIR", default=str(BASE_DIR / "var")))

# DEBUG está apagado salvo que se pida: `make` lo enciende para desarrollo (run, setup, test) y
# pytest lo trae encendido (PYTEST_VERSION lo define pytest ≥ 8.2 en su proceso y los hijos).
# Producción (docker-compose.yml) no lo define. La clave de respaldo solo existe con DEBUG=1.
_EN_PRUEBAS = "PYTEST_VERSION" in os.environ
DEBUG = env.bool("DEBUG", default=_EN_PRUEBAS)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Falta SECRET_KEY: defínala en el entorno (o use DEBUG=1 solo para desarrollo)."
        )
    SECRET_KEY = "solo-para-desarrollo-no-usar-en-produccion-att-conpes-4091"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # El admin de Django con el sitio de att/admin_sitio.py (exige la verificación en dos pasos).
    "att.apps.AdminATTConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_celery_beat",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",  # antes de "att": att/admin_autenticacion.py reemplaza su admin
    "att",
    "indicadores",
    "oferta",
    "demanda",
    "agenda",
    "seguimiento",
    "conocimiento",
    "rutas",
    "pas",
]

MIDDLEWARE = [
    # Primero: todo registro de la solicitud (también una redirección) lleva su id.
    "att.observabilidad.IdSolicitudMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "att.cabeceras.PermissionsPolicyMiddleware",
    # 413 antes de leer el cuerpo si Content-Length supera ATT_SOLICITUD_MAX_BYTES (nadie antes lo lee).
    "att.cabeceras.LimiteSolicitudMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "att.cabeceras.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "att.limites.SinNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): la sesión pasó el segundo factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # Registro de seguridad: guarda la solicitud para las señales y anota cada 403 (att/bitacora.py).
    "att.bitacora.BitacoraMiddleware",
    # Cache-Control: private, no-store para personas autenticadas y descargas (no para estáticos).
    "att.cabeceras.SinCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Vida de la sesión: cierre por inactividad y a las SESSION_COOKIE_AGE del ingreso.
    "att.autenticacion.InactividadSesionMiddleware",
    # Administradores sin el segundo factor verificado: solo activar/verificar (att/mfa.py).
    "att.mfa.MFAObligatorioMiddleware",
    # Reenvíos con el mismo token de formulario o `Idempotency-Key`: la primera respuesta, no otro registro.
    "att.idempotencia.IdempotenciaMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Último: convierte un ingreso bloqueado por intentos fallidos en la página de aviso (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "att.urls"
SILENCED_SYSTEM_CHECKS = ["templates.W003"]  # la `i18n` y la `static` reemplazadas (ver TEMPLATES)
WSGI_APPLICATION = "att.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "att.context_processors.plataforma",
            ],
            "builtins": ["att.templatetags.envios", "att.templatetags.formularios", "att.templatetags.rapidas"],
            # `{% load i18n %}` con `translate` que recuerda sus textos y `{% load static %}` con `static` que
            # recuerda sus rutas (att/templatetags/rapidas.py). Reemplazan a propósito las de Django: su aviso
            # templates.W003 se silencia abajo y una prueba (tests/att/test_plantillas_rapidas.py) exige que no
            # haya ningún otro nombre repetido.
            "libraries": {"i18n": "att.templatetags.rapidas_i18n", "static": "att.templatetags.rapidas_static"},
        },
    },
]

# --- Base de datos: DATABASE_URL o PostgreSQL embebido (nunca SQLite) ---------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from att.db import config_embebida

    DATABASES = {"default": config_embebida(VAR_DIR / "pgdata")}
# El motor PostgreSQL de Django con la verificación de salud de cada conexión (CONN_HEALTH_CHECKS, también la del
# pool) a lo sumo una vez cada DB_VERIFICACION_VENTANA_S segundos por conexión, no en cada solicitud; 0 = en cada
# una, como Django. Qué se gana y qué se acepta a cambio: att/motor_postgresql/base.py.
DATABASES["default"]["ENGINE"] = "att.motor_postgresql"
ATT_DB_VERIFICACION_VENTANA_S = env.float("DB_VERIFICACION_VENTANA_S", default=1.0)
if ATT_DB_VERIFICACION_VENTANA_S < 0:
    raise ImproperlyConfigured(
        f"DB_VERIFICACION_VENTANA_S son segundos (0 o más); hay {ATT_DB_VERIFICACION_VENTANA_S}."
    )
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Las consultas de la plataforma son cortas (páginas, API): el compilador JIT de PostgreSQL gasta
# más en compilar (0,5–1,2 s medidos en la lista de demandas) de lo que ahorra al ejecutar.
ATT_DB_JIT = env.bool("DB_JIT", default=False)
# Un PostgreSQL colgado no debe retener la solicitud (con el worker gthread, gunicorn no corta una solicitud
# lenta; su timeout de 30 s solo reinicia un proceso colgado):
# conectar espera a lo sumo DB_CONNECT_TIMEOUT s y cada consulta DB_STATEMENT_TIMEOUT_MS ms. El
# worker de Celery (att/celery.py) y los comandos de manage.py (migrate, generar_demo, respaldar),
# trabajo largo por naturaleza, usan DB_STATEMENT_TIMEOUT_TAREAS_MS; 0 quita el límite.
ATT_DB_STATEMENT_TIMEOUT_TAREAS_MS = env.int("DB_STATEMENT_TIMEOUT_TAREAS_MS", default=25 * 60 * 1000)
_ES_COMANDO = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] != ["runserver"]
ATT_DB_STATEMENT_TIMEOUT_MS = (
    ATT_DB_STATEMENT_TIMEOUT_TAREAS_MS if _ES_COMANDO else env.int("DB_STATEMENT_TIMEOUT_MS", default=15000)
)
from att.limites import opciones_libpq

# Consultas preparadas solo para las de forma fija que corren en casi cada petición (`att.consultas.ConsultaFija`:
# token de la API, página de ids de la API, usuario de la sesión y sus membresías): psycopg las prepara en
# cada conexión desde su ejecución número DB_PREPARE_THRESHOLD y PostgreSQL deja de analizarlas y planificarlas.
# El resto del ORM usa el cursor de Django, que nunca prepara. Con un PgBouncer en modo transacción delante
# (que no lleva sentencias preparadas entre conexiones), DB_PREPARE_THRESHOLD=-1 las apaga.
_UMBRAL_PREPARAR = env.int("DB_PREPARE_THRESHOLD", default=2)
DATABASES["default"].setdefault("OPTIONS", {}).update(
    connect_timeout=env.int("DB_CONNECT_TIMEOUT", default=5),
    options=opciones_libpq(jit=ATT_DB_JIT, statement_timeout_ms=ATT_DB_STATEMENT_TIMEOUT_MS),
    prepare_threshold=_UMBRAL_PREPARAR if _UMBRAL_PREPARAR >= 0 else None,
)
DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str("TEST_DATABASE_NAME", default="test_att")
# Pool de conexiones de psycopg por proceso (DB_POOL=1; docker-compose.yml lo enciende en web; además
# DB_POOL_MIN_SIZE, DB_POOL_MAX_SIZE, DB_POOL_TIMEOUT, DB_POOL_MAX_IDLE, DB_POOL_MAX_LIFETIME). Cada
# hilo de gunicorn toma una conexión al empezar la solicitud y la devuelve al terminarla, así que el
# tope útil por proceso es su número de hilos (DB_POOL_MAX_SIZE, por defecto GUNICORN_THREADS): nadie
# espera conexión y no sobra ninguna. La cuenta del despliegue (réplicas × WEB_CONCURRENCY × hilos
# + réplicas del worker × (concurrencia + 1) + beat + reserva ≤ max_connections) está en el servicio
# postgres de docker-compose.yml. Django exige CONN_MAX_AGE = 0 con el pool. Sin DB_POOL (desarrollo,
# PostgreSQL embebido, pruebas, worker y beat de Celery) cada hilo guarda su conexión CONN_MAX_AGE s;
# el worker de Celery además cierra la suya al terminar cada tarea (att/limites.py quita el pool allí).
ATT_DB_POOL = env.bool("DB_POOL", default=False)
if ATT_DB_POOL:
    _pool = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=env.int("GUNICORN_THREADS", default=4)),
        # Un hilo que espera conexión más que esto recibe un error (PoolTimeout) en vez de colgarse: el pool
        # quedó más chico que los hilos.
        "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
        # Las conexiones por encima de min_size se cierran tras 5 min sin uso; todas se renuevan cada hora.
        "max_idle": env.float("DB_POOL_MAX_IDLE", default=300.0),
        "max_lifetime": env.float("DB_POOL_MAX_LIFETIME", default=3600.0),
    }
    if not 0 <= _pool["min_size"] <= _pool["max_size"] or _pool["max_size"] < 1:
        raise ImproperlyConfigured(
            "DB_POOL_MIN_SIZE y DB_POOL_MAX_SIZE: el mínimo va de 0 al máximo y el máximo es al menos 1 "
            f"(hay {_pool['min_size']} y {_pool['max_size']})."
        )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"]["pool"] = _pool
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "att.Usuario"
AUTHENTICATION_BACKENDS = [
    # Primero: rechaza el ingreso bloqueado antes de revisar la contraseña (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "escritorio"  # mi escritorio: lo que espera a la persona
LOGOUT_REDIRECT_URL = "inicio"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Bloqueo por intentos fallidos (django-axes) y vida de la sesión: ver att/autenticacion.py ---
# Se bloquea la combinación (correo, IP) tras AXES_FAILURE_LIMIT fallos, y el correo desde cualquier
# IP tras AXES_FAILURE_LIMIT_USUARIO (más holgado: un tercero no bloquea fácilmente a un funcionario).
# El bloqueo dura AXES_COOLOFF_MIN minutos desde el último fallo; un ingreso exitoso borra los
# fallos de esa combinación. Detrás de proxies propios, ATT_PROXIES_CONFIABLES dice cuántos hay
# (para tomar la IP real de X-Forwarded-For); 0 = se usa REMOTE_ADDR.
from datetime import timedelta

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
ATT_AXES_LIMITE_POR_USUARIO = env.int("AXES_FAILURE_LIMIT_USUARIO", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MIN", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # el formulario de ingreso (IngresoForm) llama así al correo
AXES_USERNAME_CALLABLE = "att.autenticacion.usuario_intento"
AXES_CLIENT_IP_CALLABLE = "att.autenticacion.ip_cliente"
ATT_PROXIES_CONFIABLES = env.int("ATT_PROXIES_CONFIABLES", default=0)
AXES_HANDLER = "att.autenticacion.ManejadorIntentos"
AXES_LOCKOUT_CALLABLE = "att.autenticacion.respuesta_bloqueo"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # registro permanente de cada fallo (correo, IP, hora, bloqueo)
# Sesión: vida absoluta desde el ingreso (SESSION_COOKIE_AGE, 12 h) y cierre tras
# SESSION_IDLE_TIMEOUT segundos sin actividad (30 min); la cookie no sobrevive al navegador.
# Las sesiones van en la base de datos, que es su fuente (reiniciar o perder Redis no cierra ninguna), y
# se leen de la caché (cached_db): una consulta menos en cada página con sesión.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)
ATT_SESION_INACTIVIDAD_S = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
# Verificación en dos pasos (att/mfa.py): obligatoria para el admin y los administradores DNP. Tras
# cada código errado, django-otp exige esperar OTP_*_THROTTLE_FACTOR · 2^(n-1) segundos.
OTP_TOTP_ISSUER = "ATT DNP"
# El admin de django-otp no muestra la clave ni el QR de ningún dispositivo (copiar el segundo factor
# de otra persona); quien perdió el teléfono recibe un dispositivo nuevo tras borrar el suyo.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_TOTP_THROTTLE_FACTOR = env.int("OTP_TOTP_THROTTLE_FACTOR", default=1)
OTP_STATIC_THROTTLE_FACTOR = env.int("OTP_STATIC_THROTTLE_FACTOR", default=1)

# --- Idioma y zona horaria ------------------------------------------------------------------------
LANGUAGE_CODE = "es-co"
LANGUAGES = [("es-co", "Español (Colombia)")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Bogota"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Fechas de los formularios en ISO primero (<input type="date">): att/formatos/es/formats.py.
FORMAT_MODULE_PATH = ["att.formatos"]

# --- Archivos estáticos (WhiteNoise) y cargados ---------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise avisa si no existe
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Límite de los adjuntos que suben los usuarios (evidencias, anexos): tipos y tamaño.
ATT_ADJUNTO_MAX_BYTES = env.int("ATT_ADJUNTO_MAX_BYTES", default=10 * 1024 * 1024)
ATT_ADJUNTO_EXTENSIONES = ["pdf", "docx", "xlsx", "odt", "ods", "csv", "jpg", "jpeg", "png"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Tope de toda solicitud (Content-Length), por encima del adjunto más el resto del formulario:
# att.cabeceras.LimiteSolicitudMiddleware responde 413 sin leer el cuerpo. Los archivos se copian
# por partes a un temporal (FILE_UPLOAD_MAX_MEMORY_SIZE), nunca enteros a memoria.
ATT_SOLICITUD_MAX_BYTES = env.int("ATT_SOLICITUD_MAX_BYTES", default=25 * 1024 * 1024)

# --- Caché, Celery -----------------------------------------------------------------------------
# Registro de seguridad (att/bitacora.py): filas de denegación o ingreso fallido por IP y minuto.
ATT_BITACORA_TOPE_POR_MINUTO = env.int("ATT_BITACORA_TOPE_POR_MINUTO", default=60)
# La caché es compartida por todos los procesos (gunicorn, Celery) siempre que haya broker: sin CACHE_URL,
# el mismo Redis del broker en otra base (CACHE_REDIS_DB, o la primera desde la 2 que no usen el broker
# ni los resultados). Solo sin broker (desarrollo con el PostgreSQL embebido) queda en memoria del
# proceso. Las cifras de la portada, del repositorio y del tablero (att/cifras.py) se invalidan por
# área desde cualquier proceso: con una caché por proceso, un worker seguiría sirviendo la cifra vieja.
from att.cache import url_cache_del_broker

_CACHE_DEL_BROKER = url_cache_del_broker(
    env.str("CELERY_BROKER_URL", default=""), ocupadas=(env.str("CELERY_RESULT_BACKEND", default=""),),
    base=env.int("CACHE_REDIS_DB", default=None),
)
CACHES = {"default": env.cache_url("CACHE_URL", default=_CACHE_DEL_BROKER or "locmemcache://att")}
# Con Redis, la caché falla abierta (att.cache.RedisTolerante): si no responde en medio segundo,
# las páginas se calculan de la base de datos y queda un aviso en el registro; nunca un 500.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "att.cache.RedisTolerante"
    CACHES["default"].setdefault("OPTIONS", {}).update({
        "socket_connect_timeout": env.float("CACHE_TIMEOUT", default=0.5),
        "socket_timeout": env.float("CACHE_TIMEOUT", default=0.5),
        "PAUSA_TRAS_FALLO": env.float("CACHE_PAUSA_TRAS_FALLO", default=5.0),
    })

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or "cache+memory://")
# Sin broker las tareas corren en el mismo proceso: el modo embebido funciona completo.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Límites de las tareas, más largos que los de una página. Duro: el worker mata el proceso; blando
# (un minuto antes): la tarea recibe SoftTimeLimitExceeded y deja su trabajo como fallido. Por
# defecto, largo (informes, importaciones, exportaciones); las alertas y correos, corto.
ATT_TAREA_LIMITE_LARGO_S = env.int("ATT_TAREA_LIMITE_LARGO_S", default=60 * 60)
ATT_TAREA_LIMITE_CORTO_S = env.int("ATT_TAREA_LIMITE_CORTO_S", default=15 * 60)
CELERY_TASK_TIME_LIMIT = ATT_TAREA_LIMITE_LARGO_S
CELERY_TASK_SOFT_TIME_LIMIT = ATT_TAREA_LIMITE_LARGO_S - 60
CELERY_TASK_ANNOTATIONS = {
    nombre: {"time_limit": ATT_TAREA_LIMITE_CORTO_S, "soft_time_limit": ATT_TAREA_LIMITE_CORTO_S - 60}
    for nombre in (
        "att.contar_territorio", "att.enviar_notificaciones_inmediatas", "att.enviar_resumen_diario",
        "att.despachar_salida", "att.purgar_solicitudes_idempotentes", "agenda.alertar_compromisos_vencidos",
        "demanda.alertar_importadas", "seguimiento.actualizar_y_alertar", "seguimiento.revisar_informes_atascados",
        "att.entregar_webhook", "att.reintentar_webhooks", "pas.alertar_plazos",
    )
}
# Redis devuelve a la cola un mensaje sin confirmar (acks_late) después de visibility_timeout: debe
# ser mayor que la tarea más larga, o una tarea viva se entregaría dos veces. El barrido que los
# devuelve corre cada CELERY_REDIS_BARRIDO_S segundos (las pruebas lo acortan junto con el plazo).
ATT_VISIBILITY_TIMEOUT_S = env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * ATT_TAREA_LIMITE_LARGO_S)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": ATT_VISIBILITY_TIMEOUT_S,
    "unacked_restore_interval": min(10, env.int("CELERY_REDIS_BARRIDO_S", default=100)),
    "unacked_restore_throttle": max(1, env.int("CELERY_REDIS_BARRIDO_S", default=100) // 10),
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": ATT_VISIBILITY_TIMEOUT_S}
# Informes: un «generándose» sin latido por más de estos minutos y con el candado libre es un proceso
# muerto; se relanza hasta ATT_INFORME_RELANZAMIENTOS_MAX veces y después queda fallido.
ATT_INFORME_ATASCADO_MIN = env.int("ATT_INFORME_ATASCADO_MIN", default=15)
ATT_INFORME_RELANZAMIENTOS_MAX = env.int("ATT_INFORME_RELANZAMIENTOS_MAX", default=2)
# Solo para pruebas de integración: pausa entre pasos del informe para poder matar el worker a mitad.
ATT_INFORME_PAUSA_PRUEBAS_S = env.float("ATT_INFORME_PAUSA_PRUEBAS_S", default=0)
# Bandeja de salida (att.salida): la web publica con tiempos cortos y sin reintentos de kombu
# (`retry=False` en cada publicación); lo que no sale queda pendiente y lo publica
# `att.despachar_salida` cada minuto, con espera creciente. El beat, en cambio, publica con
# reintentos largos: ya marcó la corrida como hecha antes de publicar, y un Redis que se reinicia
# a las 06:00 del día 1 no debe costar el informe del mes.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 40, "interval_start": 1, "interval_step": 2, "interval_max": 15}
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
ATT_SALIDA_ESPERA_BROKER = env.float("ATT_SALIDA_ESPERA_BROKER", default=1.0)
ATT_SALIDA_MAX_INTENTOS = env.int("ATT_SALIDA_MAX_INTENTOS", default=10)
CELERY_TIMEZONE = TIME_ZONE
# Los registros del worker pasan por LOGGING (JSON con el id de la tarea), no por el formato de Celery.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# El beat guarda en la base cuándo corrió cada tarea (last_run_at): tras un reinicio pone al día
# lo que se perdió. CELERY_BEAT_SCHEDULE sigue siendo la fuente: el beat lo copia a la base.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
from celery.schedules import crontab

# Cada app agrega sus tareas periódicas aquí (un solo lugar para el beat).
CELERY_BEAT_SCHEDULE: dict = {
    "despachar-bandeja-de-salida": {"task": "att.despachar_salida", "schedule": 60.0, "options": {"expires": 55}},
    "purgar-solicitudes-idempotentes": {"task": "att.purgar_solicitudes_idempotentes", "schedule": crontab(minute=17)},
    "purgar-formularios": {"task": "att.purgar_formularios", "schedule": crontab(minute=23)},
    "resumen-diario-de-alertas": {"task": "att.enviar_resumen_diario", "schedule": crontab(hour=6, minute=30)},
    "agenda-compromisos-vencidos": {"task": "agenda.alertar_compromisos_vencidos", "schedule": crontab(hour=6, minute=0)},
    "seguimiento-diario": {"task": "seguimiento.actualizar_y_alertar", "schedule": crontab(hour=5, minute=30)},
    "seguimiento-informe-mensual": {
        "task": "seguimiento.generar_informe_mensual", "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    "seguimiento-corte-semestral": {
        "task": "seguimiento.generar_corte_semestral",
        "schedule": crontab(month_of_year="1,7", day_of_month=2, hour=6, minute=0),
    },
    "seguimiento-informes-atascados": {"task": "seguimiento.revisar_informes_atascados", "schedule": crontab(minute="*/10")},
    "reintentar-webhooks": {"task": "att.reintentar_webhooks", "schedule": 60.0, "options": {"expires": 55}},
    "purgar-eliminaciones": {"task": "att.purgar_eliminaciones", "schedule": crontab(hour=3, minute=40)},
    "purgar-importaciones": {"task": "att.purgar_importaciones", "schedule": crontab(minute=47)},
    "purgar-exportaciones": {"task": "att.purgar_exportaciones", "schedule": crontab(hour=3, minute=55)},
    "pas-alertar-plazos": {"task": "pas.alertar_plazos", "schedule": crontab(hour=7, minute=0)},
    "oferta-vocabulario": {"task": "oferta.refrescar_vocabulario", "schedule": crontab(minute=23)},
    "conocimiento-vocabulario": {"task": "conocimiento.refrescar_vocabulario", "schedule": crontab(minute=29)},
}
# Lápidas de lo eliminado (/api/v1/eliminaciones/): cuántos días se guardan. Un integrador que no
# sincroniza en ese plazo debe hacer una sincronización completa.
ATT_ELIMINACIONES_DIAS = env.int("ATT_ELIMINACIONES_DIAS", default=90)
# Webhooks: plazo total de un envío (conexión, envío y lectura de la respuesta) y suscripciones
# activas por persona.
ATT_WEBHOOK_PLAZO_S = env.float("ATT_WEBHOOK_PLAZO_S", default=10.0)
ATT_WEBHOOK_MAX_SUSCRIPCIONES = env.int("ATT_WEBHOOK_MAX_SUSCRIPCIONES", default=10)
# Base de los enlaces absolutos (correos, feeds): obligatoria en producción, como SECRET_KEY; sin
# ella un correo llevaría enlaces a 127.0.0.1. El dominio de su host firma también el Message-ID.
ATT_URL_BASE = env.str("ATT_URL_BASE", default="").rstrip("/")
if not ATT_URL_BASE:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Falta ATT_URL_BASE: defina la dirección pública del sitio (p. ej., https://att.dnp.gov.co) "
            "para los enlaces de los correos (o use DEBUG=1 solo para desarrollo)."
        )
    ATT_URL_BASE = "http://127.0.0.1:8000"

# --- Correo ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ATT DNP <no-responder@att.dnp.gov.co>")
# Datos de contacto que muestran /contacto/ y /privacidad/ (el DNP los confirma en cada despliegue).
ATT_CONTACTO = {
    "dependencia": env.str("ATT_CONTACTO_DEPENDENCIA",
                           default="Departamento Nacional de Planeación – Dirección de Estrategia Regional"),
    "correo": env.str("ATT_CONTACTO_CORREO", default="servicioalciudadano@dnp.gov.co"),
    "correo_datos": env.str("ATT_CONTACTO_CORREO_DATOS", default="servicioalciudadano@dnp.gov.co"),
    "telefono": env.str("ATT_CONTACTO_TELEFONO", default="(601) 381 5000"),
    "direccion": env.str("ATT_CONTACTO_DIRECCION", default="Calle 26 # 13-19, Bogotá D.C., Colombia"),
    "horario": env.str("ATT_CONTACTO_HORARIO", default="lunes a viernes, 8:00 a. m. a 5:00 p. m."),
}
# Segundos de espera al servidor SMTP: uno colgado no debe bloquear al worker que envía alertas.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10)

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "att.api.autenticacion.TokenIntegracionAuthentication",
        "att.api.autenticacion.SesionConSegundoFactor",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "att.api.filtros.FiltroActualizadoDesde",
        "rest_framework.filters.OrderingFilter",
    ],
    # Los de DRF, sin el carácter NUL en ningún texto (att/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "att.api.parsers.JSONSinNul", "att.api.parsers.FormularioSinNul", "att.api.parsers.MultiparteSinNul",
    ],
    # Un solo manejador: errores de los servicios (Django) y de DRF en JSON y en español.
    "EXCEPTION_HANDLER": "att.api.errores.manejador_excepciones",
    "DEFAULT_PAGINATION_CLASS": "att.api.paginacion.PaginacionCursor",
    # La elección de renderizador, recordada por (renderizadores, formato, Accept): att/api/negociacion.py.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "att.api.negociacion.NegociacionRecordada",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "att.api.esquema.EsquemaATT",
    "DEFAULT_THROTTLE_CLASSES": [
        # Si la caché (Redis) no responde, dejan pasar la petición y lo registran.
        "att.api.limites.LimiteAnonimo",
        "att.api.limites.LimiteUsuario",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/min"),
        "user": env.str("API_THROTTLE_USER", default="1200/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API de la plataforma ATT",
    "DESCRIPTION": "Asistencia Técnica Territorial (CONPES 4091 de 2022): oferta, demanda, agenda, "
    "seguimiento y conocimiento. Autenticación por token de integración: "
    "`Authorization: Token <clave>`. Reintentos seguros: envíe en cada escritura (POST, PUT, PATCH, "
    "DELETE) la cabecera `Idempotency-Key` con un valor único por operación (hasta 200 caracteres); "
    "un reenvío con la misma clave en las 24 horas siguientes recibe la primera respuesta (cabecera "
    "`Idempotent-Replayed: true`) en lugar de crear otro registro, y la misma clave con otro cuerpo "
    "recibe un 422. Listas: 50 filas por página y `tamano` hasta 500 (recorra `next` para bajar "
    "todo); en ofertas, demandas, líneas y avances `fields=a,b` pide solo esos campos y cada "
    "respuesta lleva `ETag`: reenvíela en `If-None-Match` y si nada cambió recibirá un 304 sin cuerpo.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Nombres estables para los enumerados del esquema (varias apps tienen «estado» o «tipo»).
    "ENUM_NAME_OVERRIDES": {
        "TipoDescriptorEnum": "att.models.TipoDescriptor",
        "EstructuraEnum": "att.models.Estructura",
        "TipoEntidadEnum": "att.models.TipoEntidad",
        "RegionEnum": "att.models.Region",
        "CategoriaLey617Enum": "att.models.CategoriaLey617",
        "GrupoMDMEnum": "att.models.GrupoMDM",
        "RolEnum": "att.models.Rol",
        "OfertaEstadoOfertaEnum": "oferta.models.EstadoOferta",
        "OfertaPublicoObjetivoEnum": "oferta.models.PublicoObjetivo",
        "OfertaEstadoImportacionEnum": "oferta.models.EstadoImportacion",
        "DemandaEstadoDemandaEnum": "demanda.models.EstadoDemanda",
        "DemandaFuenteNecesidadEnum": "demanda.models.FuenteNecesidad",
        "AgendaEstadoAgendaEnum": "agenda.models.EstadoAgenda",
        "AgendaEstadoPlanEnum": "agenda.models.EstadoPlan",
        "AgendaDecisionRevisionEnum": "agenda.models.DecisionRevision",
        "AgendaEstadoConcertadoEnum": "agenda.models.EstadoConcertado",
        "AgendaTipoEvidenciaEnum": "agenda.models.TipoEvidencia",
        "AgendaEstadoCompromisoEnum": "agenda.models.EstadoCompromiso",
        "SeguimientoSemaforoEnum": "seguimiento.models.Semaforo",
        "SeguimientoEstadoAvanceEnum": "seguimiento.models.EstadoAvance",
        "SeguimientoTipoIndicadorEnum": "indicadores.models.TipoIndicador",
        "SeguimientoTipoAcumulacionEnum": "indicadores.models.TipoAcumulacion",
        "SeguimientoFrecuenciaEnum": "indicadores.models.Frecuencia",
        "SeguimientoTipoInformeEnum": "seguimiento.models.TipoInforme",
        "SeguimientoEstadoInformeEnum": "seguimiento.models.EstadoInforme",
        "ConocimientoTipoRecursoEnum": "conocimiento.models.TipoRecurso",
        "ConocimientoEstadoRecursoEnum": "conocimiento.models.EstadoRecurso",
        "ConocimientoTipoMaterialEnum": "conocimiento.models.TipoMaterial",
        "ConocimientoTipoEspacioEnum": "conocimiento.models.TipoEspacio",
        "ConocimientoRolMiembroEnum": "conocimiento.models.RolMiembro",
        "ConocimientoEstadoReporteEnum": "conocimiento.models.EstadoReporte",
        "ConocimientoModalidadSesionEnum": "conocimiento.models.ModalidadSesion",
        "ConocimientoEstadoInscripcionEnum": "conocimiento.models.EstadoInscripcion",
        "ConocimientoTipoEventoEnum": "conocimiento.models.TipoEvento",
        "RutasEstadoRutaEnum": "rutas.models.EstadoRuta",
        "RutasEstadoPasoEnum": "rutas.models.EstadoPaso",
        "PasEstadoReporteEnum": "pas.models.EstadoReporte",
    },
}

# --- Seguridad en producción ---------------------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# X-Forwarded-Proto solo se cree si hay un proxy que lo fija (ATT_DETRAS_DE_PROXY=1); con gunicorn
# expuesto directamente cualquiera podría enviarlo y hacer pasar por https una solicitud http.
# Quien declara proxies confiables (ATT_PROXIES_CONFIABLES, para la IP del bloqueo de ingreso)
# también está detrás de uno: un solo ajuste basta para las dos cosas.
ATT_DETRAS_DE_PROXY = env.bool("ATT_DETRAS_DE_PROXY", default=ATT_PROXIES_CONFIABLES > 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if ATT_DETRAS_DE_PROXY else None
# Los chequeos de salud de los contenedores llaman por http dentro de la red interna.
SECURE_REDIRECT_EXEMPT = [r"^salud/"]
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# El fallo de CSRF (formulario vencido) en español, con el diseño del sitio.
CSRF_FAILURE_VIEW = "att.views_errores.csrf_fallo"
# Las páginas no traen scripts ni estilos de terceros ni en línea (los de la documentación de la API
# relajan style-src en att/api/urls.py). Permissions-Policy y no-store: att/cabeceras.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Registros y errores ------------------------------------------------------------------------
# JSON con request_id/task_id en producción (LOG_FORMAT=json), texto legible en desarrollo.
from att.observabilidad import configuracion_logging, iniciar_sentry

LOGGING = configuracion_logging(
    formato=env.str("LOG_FORMAT", default="texto" if DEBUG else "json"),
    nivel=env.str("LOG_LEVEL", default="WARNING"),
    nivel_att=env.str("LOG_LEVEL_ATT", default="INFO"),
)
# La versión del despliegue (p. ej. el commit): el `release` de Sentry y el sello de las cifras y fragmentos de
# HTML guardados en la caché (att/cifras.py `version_del_codigo`; sin ella, un resumen del código).
ATT_VERSION_DESPLIEGUE = env.str("SENTRY_RELEASE", default="")
# Sentry solo si hay DSN (sin datos personales: send_default_pii=False).
iniciar_sentry(
    env.str("SENTRY_DSN", default=""),
    entorno=env.str("SENTRY_ENVIRONMENT", default="produccion"),
    tasa_trazas=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    version=ATT_VERSION_DESPLIEGUE or None,
)

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
# Los archivos se guardan en el historial como la ruta en un CharField con su largo (no TextField sin tope).
SIMPLE_HISTORY_FILEFIELD_TO_CHARFIELD = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# --- Exportaciones (issue #17, att/exportacion.py) ------------------------------------------------------
# Un XLSX de más filas que el umbral se genera en Celery y la página da un enlace (el CSV siempre va en
# flujo). Cupo: exportaciones simultáneas por cliente (usuario, o IP si es anónimo), en la caché compartida;
# cada puesto caduca a los ATT_EXPORTACION_CUPO_SEGUNDOS si un worker muere sin liberarlo (mientras una
# descarga avanza se renueva).
ATT_EXPORTACION_UMBRAL_FILAS = env.int("ATT_EXPORTACION_UMBRAL_FILAS", default=5000)
ATT_EXPORTACIONES_POR_CLIENTE = env.int("ATT_EXPORTACIONES_POR_CLIENTE", default=2)
ATT_EXPORTACION_CUPO_SEGUNDOS = env.int("ATT_EXPORTACION_CUPO_SEGUNDOS", default=120)
# Días que se guardan las exportaciones grandes ya generadas (y sus archivos); la tarea nocturna
# att.purgar_exportaciones borra las más viejas.
ATT_EXPORTACIONES_DIAS = env.int("ATT_EXPORTACIONES_DIAS", default=7)
