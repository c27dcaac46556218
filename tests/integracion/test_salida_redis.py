"""Redis caído de verdad (se detiene el de las pruebas) mientras una ET registra una demanda: la
petición no falla ni tarda, la demanda queda una vez y, al volver Redis, el despachador publica lo
pendiente y la alerta llega por correo exactamente una vez. Los correos los cuenta el directorio
del backend de archivos que usan este proceso y el worker (EMAIL_URL=filemail://… en `make
test-integracion`)."""

from __future__ import annotations

import email
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from att.models import EstadoSalida, Notificacion, Rol, Salida, Tema
from demanda.models import Demanda
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SEPARADOR = b"\n" + b"-" * 79 + b"\n"


class Correos:
    """Los correos escritos por el backend de archivos (de este proceso y del worker)."""

    def __init__(self, ruta: Path):
        self.ruta = ruta

    def para(self, destinatario: str) -> int:
        total = 0
        for archivo in self.ruta.glob("*.log"):
            for parte in archivo.read_bytes().split(SEPARADOR):
                if parte.strip() and email.message_from_bytes(parte.strip())["To"] == destinatario:
                    total += 1
        return total

    def esperar(self, destinatario: str, cuantos: int, segundos: float = 60) -> int:
        limite = time.monotonic() + segundos
        while time.monotonic() < limite and self.para(destinatario) < cuantos:
            time.sleep(0.3)
        return self.para(destinatario)


@pytest.fixture
def worker(worker_celery):
    return worker_celery


@pytest.fixture
def correos(settings):
    ruta = getattr(settings, "EMAIL_FILE_PATH", None)
    if not ruta:
        pytest.fail("Estas pruebas cuentan correos en archivos: defina EMAIL_URL=filemail:////tmp/… "
                    "(lo hace `make test-integracion`), visible también para el worker.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"  # también este proceso
    Path(ruta).mkdir(parents=True, exist_ok=True)
    return Correos(Path(ruta))


def _correo_unico(prefijo: str) -> str:
    return f"{prefijo}-{uuid.uuid4().hex[:10]}@prueba.gov.co"


@pytest.fixture
def et_y_dnp(referencia_cargada):
    """Una funcionaria de Medellín y el administrador DNP que recibe la alerta (no hay ofertas que
    coincidan: la demanda es una brecha y se avisa al DNP)."""
    et = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET, email=_correo_unico("et"))
    dnp = factories.persona(factories.dnp(), Rol.ADMIN_DNP, email=_correo_unico("dnp"))
    return et, dnp


def _datos_pagina():
    return {
        "entidad": factories.alcaldia("05001").pk, "titulo": "Apoyo para formular el plan indicativo",
        "descripcion": "La secretaría de planeación necesita acompañamiento.",
        "temas": [Tema.objects.get(codigo="planeacion").pk], "fuente": "metas_pdt", "fecha_deseada": "2099-03-15",
    }


def _despachar_en_el_worker():
    """Lo que hace el beat cada minuto: manda `att.despachar_salida` al worker."""
    from att.tasks import despachar_salida

    return despachar_salida.delay().get(timeout=90)


def _revisar_que_sale_una_vez(dnp, correos, despachar):
    # La alerta de una demanda nueva se calcula en una tarea (el cruce lee toda la oferta): con Redis caído
    # quedó pedida en la bandeja, en la misma transacción que la demanda, y aún no hay aviso ni correo.
    salida = Salida.objects.get(tarea="demanda.alertar_importadas")
    assert salida.estado == EstadoSalida.PENDIENTE and salida.publicada_en is None
    assert not Notificacion.objects.filter(usuario=dnp).exists() and correos.para(dnp.email) == 0
    Salida.objects.filter(pk=salida.pk).update(proximo_intento=salida.creada)  # que ya esté vencida
    despachar()
    # El worker cruza la demanda, avisa al DNP (es una brecha) y su correo inmediato sale una vez.
    assert correos.esperar(dnp.email, 1) == 1
    despachar()  # una segunda vuelta no reenvía
    time.sleep(2)
    assert correos.para(dnp.email) == 1
    notificacion = Notificacion.objects.get(usuario=dnp)
    salida.refresh_from_db()
    assert notificacion.correo_enviado_en is not None and salida.estado == EstadoSalida.PUBLICADA


def test_demanda_por_la_pagina_con_redis_caido(worker, redis_controlado, et_y_dnp, correos, client):
    et, dnp = et_y_dnp
    client.force_login(et)
    redis_controlado.detener()
    inicio = time.monotonic()
    r = client.post(reverse("demanda:nueva"), _datos_pagina())
    duracion = time.monotonic() - inicio
    assert r.status_code == 302, r.content.decode()[:500]
    assert duracion < 5, f"la petición tardó {duracion:.1f} s con Redis caído"
    demanda = Demanda.objects.get()
    assert r.url == reverse("demanda:detalle", args=[demanda.pk])
    assert client.get(r.url).status_code == 200  # y se puede ver sin Redis
    redis_controlado.arrancar()
    _revisar_que_sale_una_vez(dnp, correos, _despachar_en_el_worker)
    assert Demanda.objects.count() == 1


def test_demanda_por_la_api_con_redis_caido(worker, redis_controlado, et_y_dnp, correos):
    from att.salida import despachar

    et, dnp = et_y_dnp
    api = APIClient()
    api.force_authenticate(et)
    cuerpo = {"entidad": factories.alcaldia("05001").pk, "titulo": "Apoyo con el marco fiscal", "descripcion": "Detalle",
              "temas": ["hacienda-finanzas"], "fuente": "indicadores", "etapa": "planeacion", "canal": "virtual"}
    redis_controlado.detener()
    inicio = time.monotonic()
    r = api.post("/api/v1/demandas/", cuerpo, format="json")
    duracion = time.monotonic() - inicio
    assert r.status_code == 201, r.content.decode()[:500]
    assert duracion < 5, f"la petición tardó {duracion:.1f} s con Redis caído"
    assert Demanda.objects.count() == 1
    assert api.get("/api/v1/demandas/").status_code == 200  # el límite de peticiones falla abierto
    redis_controlado.arrancar()
    # Esta vez el despachador corre en este proceso (como lo haría el beat llamando a la tarea).
    _revisar_que_sale_una_vez(dnp, correos, despachar)


def test_la_misma_alerta_con_dos_envios_a_la_vez_sale_una_vez(worker, referencia_cargada, correos):
    from att.notificaciones import enviar_pendientes
    from att.tasks import enviar_notificaciones_inmediatas

    persona = factories.persona(factories.alcaldia("05001"), email=_correo_unico("disputa"))
    Notificacion.objects.create(usuario=persona, categoria="prueba", titulo="Alerta disputada")
    # Tres envíos en el worker y dos en este proceso, a la vez, por la misma alerta.
    resultados = [enviar_notificaciones_inmediatas.delay([persona.pk]) for _ in range(3)]
    hilos = [threading.Thread(target=enviar_pendientes, kwargs={"usuarios_ids": [persona.pk]}) for _ in range(2)]
    for h in hilos:
        h.start()
    for h in hilos:
        h.join(30)
    enviados_worker = sum(r.get(timeout=60) for r in resultados)
    assert correos.esperar(persona.email, 1) == 1
    time.sleep(1)
    assert correos.para(persona.email) == 1 and enviados_worker <= 1
    assert Notificacion.objects.get(usuario=persona).correo_enviado_en is not None


def test_portal_y_api_de_ofertas_desde_la_base_con_redis_caido(redis_controlado, referencia_cargada, client, settings):
    from oferta.models import Oferta
    from tests.oferta import fabricas

    assert settings.CACHES["default"]["BACKEND"] == "att.cache.RedisTolerante"
    oferta = fabricas.oferta(factories.EntidadNacionalFactory(), nombre="Oferta antes del corte")
    assert "Oferta antes del corte" in client.get("/oferta/").content.decode()  # queda en la caché
    redis_controlado.detener()
    Oferta.objects.filter(pk=oferta.pk).update(nombre="Oferta cambiada durante el corte", actualizada=timezone.now())
    inicio = time.monotonic()
    r = client.get("/oferta/")
    assert r.status_code == 200 and "Oferta cambiada durante el corte" in r.content.decode()
    r = client.get("/api/v1/ofertas/")
    assert r.status_code == 200 and "Oferta cambiada durante el corte" in r.content.decode()
    for _ in range(5):
        assert client.get("/oferta/").status_code == 200
    assert time.monotonic() - inicio < 5
    redis_controlado.arrancar()
    time.sleep(5.5)  # pasa la pausa del cortacircuitos de la caché
    Oferta.objects.filter(pk=oferta.pk).update(nombre="Oferta después del corte", actualizada=timezone.now())
    r = client.get("/oferta/")
    assert r.status_code == 200 and "Oferta después del corte" in r.content.decode()


def test_cache_reutiliza_un_cliente_redis_por_pool_entre_hilos_y_tras_reiniciar_redis(redis_controlado):
    """`att.cache.ClienteRedisReutilizado`: el mismo `redis.Redis` en cada operación (el de Django armaba uno
    nuevo cada vez), desde varios hilos a la vez; con Redis detenido es un fallo de caché, y al volver el
    mismo cliente sigue sirviendo (el pool cambia las conexiones muertas)."""
    from att.cache import RedisTolerante

    cache = RedisTolerante(redis_controlado.url(7), {"OPTIONS": {"PAUSA_TRAS_FALLO": 1}})
    cliente = cache._cache.get_client()
    assert cliente is cache._cache.get_client("otra") is cache._cache.get_client(write=True)
    errores = []

    def trabajar(i):
        try:
            for j in range(50):
                cache.set(f"att-prueba-cliente:{i}:{j}", j)
                if cache.get(f"att-prueba-cliente:{i}:{j}") != j:
                    errores.append((i, j))
        except Exception as error:  # noqa: BLE001 (se reporta abajo)
            errores.append(error)

    hilos = [threading.Thread(target=trabajar, args=(i,)) for i in range(4)]
    for h in hilos:
        h.start()
    for h in hilos:
        h.join(30)
    assert errores == []
    assert cache.get_many([f"att-prueba-cliente:{i}:49" for i in range(4)]) == {
        f"att-prueba-cliente:{i}:49": 49 for i in range(4)}
    redis_controlado.detener()
    assert cache.get("att-prueba-cliente:0:1", "sin-redis") == "sin-redis"
    redis_controlado.arrancar()
    time.sleep(1.2)  # pasa la pausa del cortacircuitos
    cache.set("att-prueba-cliente:vuelta", "ok")
    assert cache.get("att-prueba-cliente:vuelta") == "ok"
    assert cache._cache.get_client() is cliente


def test_api_de_ofertas_guarda_sus_filas_en_redis_y_sirve_sin_el(redis_controlado, referencia_cargada, settings):
    """Las filas JSON de la lista de ofertas (att/api/lotes.py) en el Redis real: la segunda petición solo lee
    la página de la base y da los mismos bytes; con Redis detenido la lista sale entera de la base (con lo
    cambiado durante el corte) y, al volver, la fila cambiada no se sirve vieja (su huella cambió)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oferta.models import Oferta
    from tests.oferta import fabricas

    assert settings.CACHES["default"]["BACKEND"] == "att.cache.RedisTolerante"
    oferta = fabricas.oferta(factories.EntidadNacionalFactory(), nombre="Fila guardada en Redis")
    api = APIClient()
    primera = api.get("/api/v1/ofertas/")
    with CaptureQueriesContext(connection) as consultas:
        segunda = api.get("/api/v1/ofertas/")
    assert segunda.status_code == 200 and segunda.content == primera.content
    assert len(consultas.captured_queries) == 1  # la página (ids y huella); las filas, de Redis
    redis_controlado.detener()
    Oferta.objects.filter(pk=oferta.pk).update(nombre="Cambiada sin Redis", actualizada=timezone.now())
    inicio = time.monotonic()
    r = api.get("/api/v1/ofertas/")
    assert r.status_code == 200 and [f["nombre"] for f in r.json()["results"]] == ["Cambiada sin Redis"]
    assert time.monotonic() - inicio < 5
    redis_controlado.arrancar()
    time.sleep(5.5)  # pasa la pausa del cortacircuitos de la caché
    assert [f["nombre"] for f in api.get("/api/v1/ofertas/").json()["results"]] == ["Cambiada sin Redis"]
