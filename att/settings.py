"""Configuración única del proyecto, leída del entorno (valores seguros para desarrollo).

Variables: DEBUG, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, CELERY_BROKER_URL, CACHE_URL,
EMAIL_URL, DEFAULT_FROM_EMAIL, SECURE_SSL_REDIRECT, CSRF_TRUSTED_ORIGINS, ATT_VAR_DIR.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("ATT_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=True)
_CLAVE_DESARROLLO = "solo-para-desarrollo-no-usar-en-produccion-att-conpes-4091"
SECRET_KEY = env.str("SECRET_KEY", default=_CLAVE_DESARROLLO if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("Con DEBUG=0 hay que definir SECRET_KEY en el entorno.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "att",
    "oferta",
    "demanda",
    "agenda",
    "seguimiento",
    "conocimiento",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "att.urls"
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
        },
    },
]

# --- Base de datos: DATABASE_URL o PostgreSQL embebido (nunca SQLite) ---------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from att.db import config_embebida

    DATABASES = {"default": config_embebida(VAR_DIR / "pgdata")}
DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Las consultas de la plataforma son cortas (páginas, API): el compilador JIT de PostgreSQL gasta
# más en compilar (0,5–1,2 s medidos en la lista de demandas) de lo que ahorra al ejecutar.
if not env.bool("DB_JIT", default=False):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str("TEST_DATABASE_NAME", default="test_att")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "att.Usuario"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inicio"
LOGOUT_REDIRECT_URL = "inicio"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Idioma y zona horaria ------------------------------------------------------------------------
LANGUAGE_CODE = "es-co"
LANGUAGES = [("es-co", "Español (Colombia)")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Bogota"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

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

# --- Caché, Celery -----------------------------------------------------------------------------
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://att")}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or "cache+memory://")
# Sin broker las tareas corren en el mismo proceso: el modo embebido funciona completo.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TIMEZONE = TIME_ZONE
from celery.schedules import crontab  # noqa: E402

# Cada app agrega sus tareas periódicas aquí (un solo lugar para el beat).
CELERY_BEAT_SCHEDULE: dict = {
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
}
ATT_URL_BASE = env.str("ATT_URL_BASE", default="http://127.0.0.1:8000")

# --- Correo ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ATT DNP <no-responder@att.dnp.gov.co>")

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "att.api.autenticacion.TokenIntegracionAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "att.api.paginacion.PaginacionCursor",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
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
    "`Authorization: Token <clave>`.",
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
        "SeguimientoTipoIndicadorEnum": "seguimiento.models.TipoIndicador",
        "SeguimientoTipoAcumulacionEnum": "seguimiento.models.TipoAcumulacion",
        "SeguimientoFrecuenciaEnum": "seguimiento.models.Frecuencia",
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
    },
}

# --- Seguridad en producción ---------------------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
