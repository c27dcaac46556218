"""`att.motor_postgresql`: la conexión se verifica a lo sumo una vez por ventana (`ATT_DB_VERIFICACION_VENTANA_S`),
con y sin el pool de psycopg. Cada prueba abre su propia conexión (no la de la transacción de la prueba) y la
corta de verdad desde el servidor con `pg_terminate_backend`."""

import copy
import time

import psycopg
import pytest
from django.db import OperationalError, connection, connections
from django.test import override_settings

from att.motor_postgresql import base as motor

pytestmark = pytest.mark.django_db


@pytest.fixture
def propia():
    """Una conexión de Django aparte, a la base de pruebas, fuera de la transacción de la prueba."""
    conexion = connections.create_connection("default")
    yield conexion
    conexion.close()


def _pid(conexion) -> int:
    with conexion.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _cortar(pid: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)  # el servidor cierra el socket un momento después


def _nueva_solicitud(conexion) -> None:
    """Lo que hace Django al empezar una solicitud (`request_started`)."""
    conexion.close_if_unusable_or_obsolete()


def test_el_motor_de_la_plataforma():
    assert isinstance(connections["default"], motor.DatabaseWrapper)
    assert connections["default"].settings_dict["CONN_HEALTH_CHECKS"] is True


@override_settings(ATT_DB_VERIFICACION_VENTANA_S=60)
def test_dentro_de_la_ventana_no_verifica(propia, monkeypatch):
    verificaciones = []
    original = motor.base.DatabaseWrapper.is_usable
    monkeypatch.setattr(motor.base.DatabaseWrapper, "is_usable", lambda self: verificaciones.append(1) or original(self))
    pid = _pid(propia)
    for _ in range(5):
        _nueva_solicitud(propia)
        assert _pid(propia) == pid
    assert verificaciones == []


@override_settings(ATT_DB_VERIFICACION_VENTANA_S=60)
def test_lo_que_se_acepta_conexion_cortada_dentro_de_la_ventana_falla_una_vez(propia):
    """El precio de la ventana, fijado: cortada la conexión en la ventana, la solicitud que la usa falla; Django la
    cierra al terminar esa solicitud y la siguiente abre otra (sin esperar la ventana)."""
    pid = _pid(propia)
    _cortar(pid)
    _nueva_solicitud(propia)
    with pytest.raises(OperationalError, match="terminat|closed|server"):
        _pid(propia)
    assert propia.errors_occurred is True
    _nueva_solicitud(propia)  # fin de la solicitud fallida: verifica sin ventana y cierra la conexión rota
    assert propia.connection is None
    assert _pid(propia) != pid


@override_settings(ATT_DB_VERIFICACION_VENTANA_S=60)
def test_cumplida_la_ventana_verifica_y_reconecta(propia, monkeypatch):
    """En el borde: a 59,999 s de la verificación no verifica; a exactamente la ventana (60 s) ya verifica y
    encuentra la conexión cortada."""
    pid = _pid(propia)
    _cortar(pid)
    monkeypatch.setattr(motor, "_reloj", lambda: propia._verificada_en + 59.999)
    _nueva_solicitud(propia)
    propia.close_if_health_check_failed()
    assert propia.health_check_done is True
    assert propia.connection is not None  # no se enteró del corte
    verificada = propia._verificada_en
    monkeypatch.setattr(motor, "_reloj", lambda: verificada + 60)
    _nueva_solicitud(propia)
    assert _pid(propia) != pid
    assert propia.errors_occurred is False


@override_settings(ATT_DB_VERIFICACION_VENTANA_S=0)
def test_ventana_cero_verifica_en_cada_solicitud_como_django(propia):
    pid = _pid(propia)
    _nueva_solicitud(propia)
    antes = propia._verificada_en
    _pid(propia)
    assert propia._verificada_en > antes  # verificó otra vez
    _cortar(pid)
    _nueva_solicitud(propia)
    assert _pid(propia) != pid


def test_la_verificacion_renueva_la_ventana(propia, settings):
    settings.ATT_DB_VERIFICACION_VENTANA_S = 60
    _pid(propia)
    propia._verificada_en = time.monotonic() - 61
    _nueva_solicitud(propia)
    _pid(propia)
    assert time.monotonic() - propia._verificada_en < 5


# --- Con el pool de psycopg (DB_POOL=1) ------------------------------------------------------------

def _psycopg_directa():
    parametros = copy.copy(connection.get_connection_params())
    parametros.pop("cursor_factory", None)
    parametros.pop("context", None)
    parametros.pop("prepare_threshold", None)
    return psycopg.connect(**parametros, autocommit=True)


@override_settings(ATT_DB_VERIFICACION_VENTANA_S=60)
def test_pool_verifica_la_nueva_y_no_la_reciente(monkeypatch):
    conexion = _psycopg_directa()
    try:
        motor.verificar_prestada(conexion)  # nueva: se verifica y queda marcada
        marcada = getattr(conexion, motor._ATRIBUTO_POOL)
        pid = conexion.info.backend_pid
        _cortar(pid)
        motor.verificar_prestada(conexion)  # dentro de la ventana: no va al servidor (no se entera del corte)
        assert getattr(conexion, motor._ATRIBUTO_POOL) == marcada
        monkeypatch.setattr(motor, "_reloj", lambda: marcada + 60)  # en el borde de la ventana
        with pytest.raises(psycopg.OperationalError):
            motor.verificar_prestada(conexion)
    finally:
        conexion.close()


def test_el_pool_usa_la_verificacion_con_ventana():
    """Django le da al pool `ConnectionPool.check_connection`; el motor la cambia por la de la ventana."""
    ajustes = copy.deepcopy(connection.settings_dict)
    ajustes["CONN_MAX_AGE"] = 0
    ajustes["OPTIONS"]["pool"] = {"min_size": 0, "max_size": 1}
    conexion = motor.DatabaseWrapper(ajustes, alias="prueba_pool")
    try:
        assert conexion.pool._check is motor.verificar_prestada
        ajustes_sin = copy.deepcopy(ajustes)
        ajustes_sin["CONN_HEALTH_CHECKS"] = False
        sin = motor.DatabaseWrapper(ajustes_sin, alias="prueba_pool_sin")
        try:
            assert sin.pool._check is None
        finally:
            sin.close_pool()
    finally:
        conexion.close_pool()
