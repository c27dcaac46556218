"""Operación: límites de PostgreSQL, NUL en parámetros, salud, registros con id, Sentry y beat."""

import json
import logging
import logging.config

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.test import Client
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from att.observabilidad import ENCABEZADO


# --- Vistas de prueba (urlconf propio con @pytest.mark.urls) ---------------------------------------
@csrf_exempt
def _eco(request):
    return JsonResponse({"get": dict(request.GET.lists()), "post": dict(request.POST.lists())})


def _falla(request):
    raise RuntimeError("falla de prueba")


def _registra(request):
    logging.getLogger("att.pruebas").warning("registro de prueba")
    return HttpResponse("ok")


urlpatterns = [
    path("eco/", _eco),
    path("falla/", _falla),
    path("registra/", _registra),
    path("", include("att.urls")),
]
URLS = "tests.att.test_operacion"


@pytest.fixture
def registros_json():
    """LOGGING de producción (JSON) escribiendo en un búfer; se restaura al final."""
    import copy
    import io
    import sys

    from att.observabilidad import configuracion_logging

    bufer = io.StringIO()
    config = configuracion_logging(formato="json", nivel="INFO")
    config["handlers"]["console"]["stream"] = bufer
    logging.config.dictConfig(config)

    def leer():
        return [json.loads(linea) for linea in bufer.getvalue().splitlines()]

    yield leer
    original = copy.deepcopy(settings.LOGGING)
    original["handlers"]["console"]["stream"] = sys.__stderr__
    logging.config.dictConfig(original)


# --- 1. Límites ---------------------------------------------------------------------------------
def test_conexion_con_tiempos_de_espera(db):
    opciones = settings.DATABASES["default"]["OPTIONS"]
    assert opciones["connect_timeout"] == 5
    assert "-c jit=off" in opciones["options"] and "-c statement_timeout=15000" in opciones["options"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "15s"
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_consulta_que_pasa_el_limite_se_corta(db):
    from django.db import OperationalError, transaction

    with (pytest.raises(OperationalError, match="statement timeout"), transaction.atomic(),
          connection.cursor() as cursor):
        cursor.execute("SET LOCAL statement_timeout = 50")
        cursor.execute("SELECT pg_sleep(2)")


def test_el_worker_usa_su_propio_limite_mas_largo(transactional_db):
    from django.db import connections

    from att.limites import usar_limite_de_tareas

    bd = settings.DATABASES["default"]
    antes = bd["OPTIONS"]["options"]
    try:
        usar_limite_de_tareas()
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "25min"
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    finally:
        bd["OPTIONS"]["options"] = antes
        connections.close_all()


@pytest.mark.parametrize("argv, esperado", [
    (["manage.py", "runserver"], 15000), (["gunicorn", "att.wsgi"], 15000),
    (["manage.py", "migrate"], 1500000), (["manage.py", "generar_demo"], 1500000),
])
def test_los_comandos_de_manage_usan_el_limite_largo(argv, esperado):
    import subprocess
    import sys

    codigo = (f"import sys, os; sys.argv = {argv!r}; os.environ['DJANGO_SETTINGS_MODULE'] = 'att.settings'; "
              "from django.conf import settings; print(settings.ATT_DB_STATEMENT_TIMEOUT_MS)")
    entorno = {k: v for k, v in __import__("os").environ.items() if not k.startswith("DB_STATEMENT")}
    salida = subprocess.run([sys.executable, "-c", codigo], check=True, capture_output=True, text=True,
                            cwd=settings.BASE_DIR, env=entorno)
    assert salida.stdout.split()[-1] == str(esperado)


def test_el_worker_de_celery_aplica_el_limite_al_arrancar():
    from celery import signals

    from att.celery import _limite_de_tareas

    assert any(r is _limite_de_tareas for _, r in signals.celeryd_init.receivers)


@pytest.mark.urls(URLS)
def test_nul_se_quita_de_get_y_de_formularios(client):
    r = client.get("/eco/", {"q": "a\x00b", "x\x00": "\x00"})
    assert r.json()["get"] == {"q": ["ab"], "x": [""]}
    r = client.post("/eco/", {"campo": ["uno\x00", "d\x00os"]})  # multipart
    assert r.json()["post"] == {"campo": ["uno", "dos"]}
    r = client.post("/eco/", "campo=a%00b", content_type="application/x-www-form-urlencoded")
    assert r.json()["post"] == {"campo": ["ab"]}


def test_nul_en_filtros_de_la_api_no_rompe(client, db):
    from tests import factories

    client.force_login(factories.persona(factories.dnp(), "admin_dnp"))
    r = client.get("/api/v1/demandas/", {"estado": "\x00", "q": "a\x00", "tema": "\x00"})
    assert r.status_code in (200, 400)


def test_nul_en_un_cuerpo_json_de_la_api_es_un_400_y_no_un_500(client, db):
    """`"\\u0000"` en un JSON llegaba como NUL a un SlugRelatedField (canal) y PostgreSQL daba 500."""
    from att.limites import _sin_nul
    from att.models import Rol
    from tests import factories

    assert _sin_nul({"a\x00": ["x\x00y", {"b": "\x00"}], "n": 3}) == {"a": ["xy", {"b": ""}], "n": 3}
    entidad = factories.EntidadNacionalFactory()
    client.force_login(factories.persona(entidad, Rol.OFERENTE))
    r = client.post("/api/v1/ofertas/", {"entidad": entidad.pk, "nombre": "Oferta\x00", "canal": "\x00"},
                    content_type="application/json")
    assert r.status_code == 400
    assert "canal" in r.json()


# --- 2. Salud -----------------------------------------------------------------------------------
def test_vivo_no_toca_la_base(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        r = client.get("/salud/vivo")
    assert r.status_code == 200 and r.json() == {"estado": "ok"}
    assert r[ENCABEZADO]  # pasó por toda la pila de middleware
    assert "no-cache" in r["Cache-Control"]


def test_listo_comprueba_base_y_redis(client, db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CELERY_BROKER_URL = ""
    r = client.get("/salud/listo")
    assert r.status_code == 200
    assert r.json()["comprobaciones"]["base_de_datos"]["estado"] == "ok"
    assert set(r.json()["comprobaciones"]) == {"base_de_datos"}


def test_listo_degradado_pero_200_si_redis_no_responde(client, db, settings):
    """Sin Redis la plataforma sigue atendiendo desde la base: no se saca de servicio el web."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/2"}}
    r = client.get("/salud/listo")
    assert r.status_code == 200
    cuerpo = r.json()
    assert cuerpo["estado"] == "degradado"
    assert cuerpo["comprobaciones"]["base_de_datos"]["estado"] == "ok"
    assert cuerpo["comprobaciones"]["broker"]["estado"] == "falla"
    assert cuerpo["comprobaciones"]["cache"]["estado"] == "falla"


def test_listo_responde_503_si_la_base_no_responde(client, db, monkeypatch):
    from att import salud

    def caida():
        raise salud.connections["default"].Database.OperationalError("sin conexión")

    monkeypatch.setattr(salud, "_base_de_datos", caida)
    r = client.get("/salud/listo")
    assert r.status_code == 503
    assert r.json()["comprobaciones"]["base_de_datos"] == {
        "estado": "falla", "error": "OperationalError", "ms": r.json()["comprobaciones"]["base_de_datos"]["ms"]}


def test_salud_exenta_de_la_redireccion_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/salud/vivo").status_code == 200
    assert client.get("/salud/listo").status_code == 200
    assert client.get("/").status_code == 301


def test_comando_salud(db, settings):
    from django.core.management import CommandError, call_command

    settings.CELERY_BROKER_URL = ""
    call_command("salud")
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    with pytest.raises(CommandError, match="broker"):
        call_command("salud")


# --- 3. Id de solicitud y registros en JSON ---------------------------------------------------------
def test_id_de_solicitud_generado_o_respetado(client):
    generado = client.get("/salud/vivo")[ENCABEZADO]
    assert len(generado) == 32 and int(generado, 16) >= 0
    assert client.get("/salud/vivo", HTTP_X_REQUEST_ID="lb-1234567890")[ENCABEZADO] == "lb-1234567890"
    for malo in ("corto", "con espacios y más", "x" * 200, "a\nb-12345678"):
        assert client.get("/salud/vivo", HTTP_X_REQUEST_ID=malo)[ENCABEZADO] != malo


@pytest.mark.urls(URLS)
def test_linea_de_registro_lleva_el_id_de_la_respuesta(client, registros_json):
    r = client.get("/registra/")
    lineas = [linea for linea in registros_json() if linea.get("logger") == "att.pruebas"]
    assert lineas and lineas[0]["message"] == "registro de prueba"
    assert lineas[0]["request_id"] == r[ENCABEZADO]
    assert lineas[0]["level"] == "WARNING" and "time" in lineas[0]


@pytest.mark.urls(URLS)
def test_registro_de_django_request_tambien(client, registros_json):
    r = client.get("/no-existe/", HTTP_X_REQUEST_ID="proxy-abcdef12")
    assert r.status_code == 404
    lineas = [linea for linea in registros_json() if linea.get("logger") == "django.request"]
    assert lineas and all(linea["request_id"] == "proxy-abcdef12" for linea in lineas)


def test_tareas_registran_con_su_id(registros_json):
    from att.celery import app

    @app.task(name="pruebas.registrar_algo")
    def registrar_algo():
        logging.getLogger("att.pruebas").warning("desde la tarea")

    resultado = registrar_algo.apply()
    linea = next(x for x in registros_json() if x.get("message") == "desde la tarea")
    assert linea["task_id"] == resultado.id and linea["task_name"] == "pruebas.registrar_algo"


def test_registros_en_texto_en_desarrollo():
    from att.observabilidad import configuracion_logging

    assert "format" in configuracion_logging(formato="texto")["formatters"]["att"]
    assert configuracion_logging(formato="json")["formatters"]["att"]["()"].startswith("pythonjsonlogger")


# --- 4. Sentry --------------------------------------------------------------------------------------
@pytest.fixture
def sentry_local():
    """Sentry activo con un transporte que guarda los sobres en memoria; se apaga al final."""
    import sentry_sdk
    from sentry_sdk.transport import Transport

    from att.observabilidad import iniciar_sentry

    class Colector(Transport):
        def __init__(self, options=None):
            super().__init__(options)
            self.eventos = []

        def capture_envelope(self, envelope):
            evento = envelope.get_event()
            if evento is not None:
                self.eventos.append(evento)

    colector = Colector()
    iniciar_sentry("https://clave@sentry.example.invalid/1", entorno="pruebas", transport=colector)
    yield colector
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


@pytest.mark.urls(URLS)
def test_error_en_una_vista_llega_a_sentry_con_el_id(sentry_local, db):
    import sentry_sdk

    r = Client(raise_request_exception=False).get("/falla/")
    assert r.status_code == 500
    sentry_sdk.flush()
    assert len(sentry_local.eventos) == 1
    evento = sentry_local.eventos[0]
    assert evento["exception"]["values"][-1]["value"] == "falla de prueba"
    assert evento["tags"]["request_id"] == r[ENCABEZADO]
    assert evento["environment"] == "pruebas"
    assert evento.get("user", {}).get("email") is None  # send_default_pii=False


def test_sin_dsn_sentry_no_se_activa():
    import sentry_sdk

    from att.observabilidad import iniciar_sentry

    assert iniciar_sentry("") is None
    assert not sentry_sdk.get_client().is_active()


# --- 5. Beat en la base -----------------------------------------------------------------------------
@pytest.fixture
def beat_en_prueba(db, monkeypatch):
    """El beat cierra conexiones «viejas»; dentro de la transacción de la prueba no debe."""
    monkeypatch.setattr("django_celery_beat.schedulers.close_old_connections", lambda: None)


def test_beat_copia_el_horario_a_la_base(beat_en_prueba):
    from celery.schedules import crontab
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from att.celery import app

    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"
    DatabaseScheduler(app=app)
    filas = {t.name: t for t in PeriodicTask.objects.select_related("crontab", "interval")}
    for nombre, entrada in settings.CELERY_BEAT_SCHEDULE.items():
        assert nombre in filas, nombre
        fila, horario = filas[nombre], entrada["schedule"]
        assert fila.enabled and fila.task == entrada["task"]
        if isinstance(horario, crontab):
            assert (fila.crontab.minute, fila.crontab.hour, fila.crontab.day_of_month) == (
                str(horario._orig_minute), str(horario._orig_hour), str(horario._orig_day_of_month))
        else:
            segundos = horario.total_seconds() if hasattr(horario, "total_seconds") else horario
            assert fila.interval.every * {"seconds": 1, "minutes": 60}[fila.interval.period] == int(segundos)


def test_beat_pone_al_dia_la_corrida_mensual_perdida(beat_en_prueba):
    """last_run_at queda en la base: tras un reinicio, lo que venció mientras tanto corre ya."""
    from datetime import timedelta

    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from att.celery import app

    DatabaseScheduler(app=app)
    PeriodicTask.objects.filter(name="seguimiento-informe-mensual").update(
        last_run_at=timezone.now() - timedelta(days=45))
    # La diaria acaba de correr: no vence de nuevo al reiniciar.
    PeriodicTask.objects.filter(name="seguimiento-diario").update(last_run_at=timezone.now())
    beat = DatabaseScheduler(app=app)  # el beat que arranca de nuevo
    vencida, _ = beat.schedule["seguimiento-informe-mensual"].is_due()
    assert vencida
    al_dia, _ = beat.schedule["seguimiento-diario"].is_due()
    assert not al_dia


def test_cookie_de_sesion_con_nul_es_anonima_y_no_un_500(client, db):
    """Una cookie de sesión con NUL abría una consulta que PostgreSQL rechaza (500 en toda página)."""
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    r = client.get("/api/v1/seguimiento/avances/")
    assert r.status_code in {401, 403}
    assert client.get("/").status_code == 200
