"""Envíos simultáneos de verdad (hilos, cada uno con su conexión a PostgreSQL): un solo registro.

- 20 envíos del mismo formulario con el mismo token → una demanda, y todos reciben la misma redirección.
- 20 POST a la API con la misma `Idempotency-Key` → un registro, y todas las respuestas iguales a la primera.
- 10 avances idénticos a la vez (sin clave) → un avance.
- 10 primeras mediciones del mismo mes a la vez → una medición; las demás 201 (actualizan) o 409 con
  el mensaje en español; ningún 500.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from att import services as att_services
from att.idempotencia import CAMPO_FORMULARIO
from att.models import Rol, SolicitudIdempotente, Tema
from demanda.models import Demanda
from indicadores.models import Medicion
from seguimiento import services as seguimiento
from seguimiento.models import Avance
from tests import factories
from tests.seguimiento import fabricas

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
MENSAJE_MEDICION = "Ya existe una medición de este indicador para ese periodo; edítela en lugar de crear otra."


def _a_la_vez(n: int, hacer):
    """Corre `hacer(i)` en n hilos que arrancan juntos; cada hilo cierra su conexión al terminar."""
    salida = threading.Barrier(n)

    def correr(i):
        try:
            salida.wait(timeout=30)
            return hacer(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=n) as grupo:
        return list(grupo.map(correr, range(n)))


def _cliente_con_sesion(de: Client) -> Client:
    cliente = Client(raise_request_exception=False)
    cliente.cookies = de.cookies
    return cliente


def _api_con_token(usuario, entidad, admin):
    _token, clave = att_services.token_emitir(nombre="SI municipal", usuario=usuario, entidad=entidad,
                                              rol=Rol.INTEGRADOR, por=admin)
    return clave


def test_veinte_envios_del_mismo_formulario_una_demanda(referencia_cargada):
    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    sesion = Client()
    sesion.force_login(persona)
    datos = {
        "entidad": factories.alcaldia("05001").pk, "titulo": "Apoyo para formular el plan indicativo",
        "descripcion": "La secretaría de planeación necesita acompañamiento.",
        "temas": [Tema.objects.get(codigo="planeacion").pk], "fuente": "metas_pdt", "fecha_deseada": "2099-03-15",
        CAMPO_FORMULARIO: "token-del-formulario-unico",
    }

    def enviar(_i):
        r = _cliente_con_sesion(sesion).post(reverse("demanda:nueva"), datos)
        return r.status_code, r.headers.get("Location")

    respuestas = _a_la_vez(20, enviar)
    demanda = Demanda.objects.get()
    assert set(respuestas) == {(302, reverse("demanda:detalle", args=[demanda.pk]))}
    assert SolicitudIdempotente.objects.get().completa


def test_veinte_posts_a_la_api_con_la_misma_clave_un_registro(referencia_cargada):
    medellin = factories.alcaldia("05001")
    admin = factories.persona(factories.dnp(), Rol.ADMIN_DNP, is_staff=True)
    clave = _api_con_token(factories.persona(medellin, Rol.INTEGRADOR), medellin, admin)
    cuerpo = {"entidad": medellin.pk, "titulo": "Apoyo con el marco fiscal", "descripcion": "Detalle",
              "temas": ["hacienda-finanzas"], "fuente": "indicadores", "etapa": "planeacion", "canal": "virtual"}

    def enviar(_i):
        api = APIClient(raise_request_exception=False)
        api.credentials(HTTP_AUTHORIZATION=f"Token {clave}")
        r = api.post("/api/v1/demandas/", cuerpo, format="json", HTTP_IDEMPOTENCY_KEY="integrador-42")
        return r.status_code, r.content

    respuestas = _a_la_vez(20, enviar)
    demanda = Demanda.objects.get()
    assert len(set(respuestas)) == 1
    codigo, contenido = respuestas[0]
    assert codigo == 201 and f'"id":{demanda.pk},'.encode() in contenido


@pytest.fixture
def hito(referencia_cargada):
    entidad = factories.EntidadNacionalFactory(nombre="Ministerio de Prueba", sigla="MinPrueba")
    oferente = factories.persona(entidad, Rol.OFERENTE)
    linea = fabricas.linea(entidad, responsable=oferente, territorios=[factories.alcaldia("05001")])
    h = fabricas.hito(linea)
    seguimiento.recalcular_linea(linea)
    return h


def test_diez_avances_identicos_a_la_vez_son_uno(hito):
    oferente = hito.linea.responsable
    sesion = Client()
    sesion.force_login(oferente)
    datos = {"hito": hito.pk, "porcentaje": "30", "fecha_corte": "2026-05-01", "narrativa": "Mesa técnica"}

    def enviar(_i):
        r = _cliente_con_sesion(sesion).post("/api/v1/seguimiento/avances/", datos)
        return r.status_code, r.json()["id"] if r.status_code == 201 else r.content

    respuestas = _a_la_vez(10, enviar)
    avance = Avance.objects.get()
    assert set(respuestas) == {(201, avance.pk)}


def test_diez_primeras_mediciones_a_la_vez_sin_500(hito):
    oferente = hito.linea.responsable
    indicador = fabricas.indicador(oferente.membresias.get().entidad)
    sesion = Client()
    sesion.force_login(oferente)

    def enviar(i):
        r = _cliente_con_sesion(sesion).post(
            "/api/v1/seguimiento/mediciones/",
            {"indicador": indicador.pk, "periodo": "2026-03-01", "valor": str(10 + i)},
        )
        return r.status_code, r.json()

    respuestas = _a_la_vez(10, enviar)
    codigos = [c for c, _cuerpo in respuestas]
    assert set(codigos) <= {201, 409} and 201 in codigos, respuestas
    assert all(cuerpo == {"detail": MENSAJE_MEDICION} for c, cuerpo in respuestas if c == 409)
    assert Medicion.objects.filter(indicador=indicador, periodo=date(2026, 3, 1)).count() == 1
