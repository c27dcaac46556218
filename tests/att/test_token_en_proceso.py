"""La fila del token que cada proceso guarda (att/api/autenticacion.py): se ahorra la consulta del token en
las peticiones siguientes, pero revocar, desactivar a la persona o terminar su membresía se ve en la petición
siguiente, y lo que cambia fuera del ORM se ve al cambiar el minuto."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from att import cuentas, services
from att.api import autenticacion
from att.models import Membresia, Rol, TokenIntegracion, Usuario
from tests import factories

pytestmark = pytest.mark.django_db

RUTA = "/api/v1/ofertas/"


@pytest.fixture
def con_token(admin_dnp):
    return factories.api_con_token(factories.alcaldia("76001"), Rol.FUNCIONARIO_ET, admin_dnp, "Sistema de Cali")


def _consultas_del_token(api) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as capturadas:
        respuesta = api.get(RUTA)
    sql = [c["sql"] for c in capturadas.captured_queries]
    return respuesta.status_code, [s for s in sql if '"att_tokenintegracion"' in s]


def test_la_segunda_peticion_no_lee_el_token(con_token):
    api, _token = con_token
    codigo, primera = _consultas_del_token(api)
    assert codigo == 200
    # La lectura del token (con persona, entidad y membresía) y la anotación del último uso.
    assert [s.split()[0] for s in primera] == ["SELECT", "UPDATE"]
    codigo, segunda = _consultas_del_token(api)
    assert codigo == 200 and segunda == []
    assert len(autenticacion._FILAS_EN_PROCESO) == 1


def test_revocar_se_ve_en_la_peticion_siguiente(con_token, admin_dnp):
    api, token = con_token
    assert api.get(RUTA).status_code == 200
    services.token_revocar(token=token, por=admin_dnp)
    respuesta = api.get(RUTA)
    assert respuesta.status_code == 401
    assert respuesta.json()["detail"] == "Token inválido o revocado."


def test_desactivar_a_la_persona_se_ve_en_la_peticion_siguiente(con_token):
    api, token = con_token
    assert api.get(RUTA).status_code == 200
    persona = token.usuario
    persona.is_active = False
    persona.save()
    respuesta = api.get(RUTA)
    assert respuesta.status_code == 401
    assert respuesta.json()["detail"] == "El usuario del token está inactivo."


def test_membresia_terminada_hoy_vale_hoy_y_no_manana(con_token, admin_dnp, monkeypatch):
    api, token = con_token
    assert api.get(RUTA).status_code == 200
    membresia = Membresia.objects.get(usuario=token.usuario, entidad=token.entidad, rol=token.rol)
    hoy = timezone.localdate()
    cuentas.membresia_terminar(membresia=membresia, por=admin_dnp, hasta=hoy)
    assert api.get(RUTA).status_code == 200  # el día en que termina todavía cuenta
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: hoy + datetime.timedelta(days=1))
    respuesta = api.get(RUTA)
    assert respuesta.status_code == 401
    assert respuesta.json()["detail"] == (
        "El usuario del token ya no tiene una membresía activa con esa entidad y ese rol.")


@pytest.mark.parametrize("modelo, cambio, detalle", [
    ("usuario", {"is_active": False}, "El usuario del token está inactivo."),
    ("membresia", {"activa": False}, "El usuario del token ya no tiene una membresía activa con esa entidad y ese rol."),
    ("token", {"revocado_en": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)}, "Token inválido o revocado."),
])
def test_un_update_en_bloque_se_ve_en_la_peticion_siguiente(con_token, modelo, cambio, detalle):
    """`QuerySet.update()` no envía post_save: `att.models.avisos` sube la generación igual."""
    api, token = con_token
    assert api.get(RUTA).status_code == 200
    filas = {"usuario": Usuario.objects.filter(pk=token.usuario_id),
             "membresia": Membresia.objects.filter(usuario_id=token.usuario_id),
             "token": TokenIntegracion.objects.filter(pk=token.pk)}[modelo]
    assert filas.update(**cambio) == 1
    respuesta = api.get(RUTA)
    assert respuesta.status_code == 401
    assert respuesta.json()["detail"] == detalle


def test_un_cambio_fuera_del_orm_se_ve_al_cambiar_el_minuto(con_token, monkeypatch):
    api, token = con_token
    reloj = autenticacion.time.time()
    monkeypatch.setattr(autenticacion.time, "time", lambda: reloj)
    assert api.get(RUTA).status_code == 200
    # Un UPDATE que no pasa por el ORM (sin señales): la fila guardada sirve hasta el minuto siguiente.
    with connection.cursor() as c:
        c.execute("UPDATE att_tokenintegracion SET revocado_en = now() WHERE id = %s", [token.pk])
    assert api.get(RUTA).status_code == 200
    monkeypatch.setattr(autenticacion.time, "time", lambda: reloj + autenticacion._VIDA_S)
    assert api.get(RUTA).status_code == 401


def test_el_ultimo_uso_se_escribe_una_vez_cada_cinco_minutos(con_token, monkeypatch):
    api, token = con_token
    assert api.get(RUTA).status_code == 200
    token.refresh_from_db()
    primero = token.ultimo_uso
    assert primero is not None
    monkeypatch.setattr(timezone, "now", lambda: primero + datetime.timedelta(seconds=300))
    _, sql = _consultas_del_token(api)
    assert sql == []  # 300 s justos: todavía no
    monkeypatch.setattr(timezone, "now", lambda: primero + datetime.timedelta(seconds=301))
    _, sql = _consultas_del_token(api)
    assert [s.split()[0] for s in sql] == ["UPDATE"]
    _, sql = _consultas_del_token(api)
    assert sql == []  # la fila guardada ya lleva el uso nuevo
    token.refresh_from_db()
    assert token.ultimo_uso == primero + datetime.timedelta(seconds=301)


def test_una_clave_inventada_no_ocupa_la_memoria():
    api = APIClient()
    for i in range(5):
        api.credentials(HTTP_AUTHORIZATION=f"Token inventada-{i}")
        assert api.get(RUTA).status_code == 401
    assert len(autenticacion._FILAS_EN_PROCESO) == 0
    assert not TokenIntegracion.objects.exists()
