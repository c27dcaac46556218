"""Bandeja de salida (outbox), envío de alertas una sola vez y Redis que falla abierto.

Sin mocks: el broker «vivo» es el transporte en memoria de kombu; el caído, un puerto cerrado de
verdad (127.0.0.1:1), igual que la caché y el servidor de correo caídos."""

import logging
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from att import salida
from att.api.limites import LimiteAnonimo, LimiteUsuario
from att.cache import RedisTolerante
from att.models import EstadoSalida, Notificacion, Salida
from att.notificaciones import enviar_pendientes, notificar
from tests import factories
from tests.hilos import en_hilo

PUERTO_CERRADO = "redis://127.0.0.1:1/0"

pytestmark = pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")


@pytest.fixture
def broker(settings):
    """Cambia el broker de la app de Celery (memoria o puerto cerrado) y quita el modo en proceso."""
    from att.celery import app

    anterior = app.conf.broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    salida._broker._abierto_hasta = 0.0

    def usar(url: str) -> None:
        app.conf.broker_url = url
        if url.startswith("memory://"):
            mensajes_en_memoria()  # vacía lo que dejó otra prueba

    yield usar
    app.conf.broker_url = anterior
    salida._broker._abierto_hasta = 0.0


def mensajes_en_memoria() -> list[str]:
    """Nombres de las tareas publicadas en el broker en memoria (y las saca de la cola)."""
    from att.celery import app

    nombres = []
    with app.connection_for_read() as conexion:
        cola = conexion.SimpleQueue("celery")
        while True:
            try:
                mensaje = cola.get(block=False)
            except cola.Empty:
                break
            nombres.append(mensaje.headers["task"])
            mensaje.ack()
        cola.close()
    return nombres


# --- encolar --------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_encolar_escribe_en_la_misma_transaccion():
    with pytest.raises(RuntimeError, match="se deshace el cambio"), transaction.atomic():
        salida.encolar("att.contar_territorio")
        assert Salida.objects.count() == 1
        raise RuntimeError("se deshace el cambio")
    assert not Salida.objects.exists()  # deshecha la transacción, no queda nada por enviar


@pytest.mark.django_db
def test_sin_broker_corre_en_el_proceso_al_confirmar(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        s = salida.encolar("att.contar_territorio")
    s.refresh_from_db()
    assert s.estado == EstadoSalida.PENDIENTE  # nada corre antes del commit
    for callback in callbacks:
        callback()
    s.refresh_from_db()
    assert (s.estado, s.intentos) == (EstadoSalida.PUBLICADA, 0) and s.publicada_en is not None


@pytest.mark.django_db
def test_sin_broker_una_tarea_que_falla_no_llega_a_la_peticion(django_capture_on_commit_callbacks, caplog):
    with django_capture_on_commit_callbacks(execute=True):
        s = salida.encolar("att.no_existe", 1)
    s.refresh_from_db()
    assert s.estado == EstadoSalida.PENDIENTE and s.intentos == 1 and "att.no_existe" in s.ultimo_error
    assert s.proximo_intento > timezone.now() + timedelta(seconds=20)


@pytest.mark.django_db
def test_clave_no_duplica_una_salida_pendiente():
    a = salida.encolar("att.contar_territorio", clave="informe-2026-10")
    b = salida.encolar("att.contar_territorio", clave="informe-2026-10")
    assert a.pk == b.pk and Salida.objects.count() == 1
    Salida.objects.filter(pk=a.pk).update(estado=EstadoSalida.PUBLICADA)
    c = salida.encolar("att.contar_territorio", clave="informe-2026-10")  # la anterior ya salió
    assert c.pk != a.pk and Salida.objects.count() == 2


@pytest.mark.django_db
def test_con_broker_caido_encolar_no_falla_y_es_rapido(broker, django_capture_on_commit_callbacks):
    import kombu.transport.redis  # noqa: F401 - se mide la espera del broker, no la importación
    broker(PUERTO_CERRADO)
    inicio = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        s = salida.encolar("att.contar_territorio")
    assert time.monotonic() - inicio < 2
    s.refresh_from_db()
    assert s.estado == EstadoSalida.PENDIENTE and s.intentos == 1 and s.ultimo_error
    # Con el cortacircuitos abierto, la siguiente ni lo intenta: queda para el despachador.
    inicio = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        otra = salida.encolar("att.contar_territorio")
    assert time.monotonic() - inicio < 0.5
    otra.refresh_from_db()
    assert otra.estado == EstadoSalida.PENDIENTE and otra.intentos == 0


@pytest.mark.django_db
def test_con_broker_vivo_se_publica_al_confirmar(broker, django_capture_on_commit_callbacks):
    broker("memory://")
    with django_capture_on_commit_callbacks(execute=True):
        s = salida.encolar("att.enviar_notificaciones_inmediatas", [1, 2])
    s.refresh_from_db()
    assert s.estado == EstadoSalida.PUBLICADA
    assert mensajes_en_memoria() == ["att.enviar_notificaciones_inmediatas"]


# --- despachador ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_despachador_publica_lo_pendiente_y_vencido(broker):
    broker("memory://")
    vencidas = [salida.encolar("att.contar_territorio") for _ in range(3)]
    futura = salida.encolar("att.contar_territorio")
    Salida.objects.filter(pk=futura.pk).update(proximo_intento=timezone.now() + timedelta(minutes=5))
    assert salida.despachar(lote=2) == {"publicadas": 3, "reprogramadas": 0, "fallidas": 0}
    assert mensajes_en_memoria() == ["att.contar_territorio"] * 3
    assert set(Salida.objects.filter(estado=EstadoSalida.PUBLICADA).values_list("pk", flat=True)) == {
        s.pk for s in vencidas}
    assert salida.despachar() == {"publicadas": 0, "reprogramadas": 0, "fallidas": 0}  # nada dos veces


@pytest.mark.django_db
def test_despachador_reintenta_con_espera_creciente_y_marca_fallida(broker, settings):
    import kombu.transport.redis  # noqa: F401 - se mide la espera del broker, no la importación
    settings.ATT_SALIDA_MAX_INTENTOS = 3
    broker(PUERTO_CERRADO)
    s = salida.encolar("att.contar_territorio")
    inicio = time.monotonic()
    assert salida.despachar()["reprogramadas"] == 1
    assert time.monotonic() - inicio < 2
    s.refresh_from_db()
    assert s.estado == EstadoSalida.PENDIENTE and s.intentos == 1 and "127.0.0.1:1" in s.ultimo_error
    espera = s.proximo_intento - timezone.now()
    assert timedelta(seconds=25) < espera <= timedelta(seconds=30)
    assert salida.despachar()["reprogramadas"] == 0  # aún no vence: no se intenta
    Salida.objects.filter(pk=s.pk).update(proximo_intento=timezone.now())
    salida.despachar()
    s.refresh_from_db()
    assert s.intentos == 2 and timedelta(seconds=55) < s.proximo_intento - timezone.now() <= timedelta(minutes=1)
    Salida.objects.filter(pk=s.pk).update(proximo_intento=timezone.now())
    assert salida.despachar()["fallidas"] == 1
    s.refresh_from_db()
    assert s.estado == EstadoSalida.FALLIDA and s.intentos == 3 and s.ultimo_error
    # Al volver el broker, «reintentar» la devuelve a la cola y sale.
    broker("memory://")
    assert salida.reintentar(salidas=Salida.objects.filter(pk=s.pk)) == 1
    assert salida.despachar()["publicadas"] == 1
    assert mensajes_en_memoria() == ["att.contar_territorio"]


def test_espera_creciente_con_tope():
    assert [salida.espera_tras(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert salida.espera_tras(30) == timedelta(hours=1)




def _pendientes(n: int) -> None:
    """Salidas pendientes y vencidas, como las deja un broker caído (fuera de una transacción,
    `encolar` las publicaría en el acto)."""
    Salida.objects.bulk_create([Salida(tarea="att.contar_territorio") for _ in range(n)])


def _alerta_sin_enviar(persona, titulo: str) -> Notificacion:
    """Una alerta cuyo correo inmediato nunca se encoló (Redis caído al crearla)."""
    return Notificacion.objects.create(usuario=persona, categoria="prueba", titulo=titulo)


@pytest.mark.django_db(transaction=True)
def test_dos_reclamos_con_skip_locked_no_toman_la_misma_fila():
    _pendientes(3)
    tomada, soltar = threading.Event(), threading.Event()

    def primero():
        with transaction.atomic():
            filas = salida._reclamar(None, 1)
            tomada.set()
            soltar.wait(10)
            return [f.pk for f in filas]

    hilo, resultado = en_hilo(primero)
    assert tomada.wait(10)
    try:
        with transaction.atomic():
            segundo = [f.pk for f in salida._reclamar(None, 10)]
    finally:
        soltar.set()
        hilo.join(10)
    assert len(resultado["valor"]) == 1 and len(segundo) == 2
    assert not set(resultado["valor"]) & set(segundo)


@pytest.mark.django_db(transaction=True)
def test_dos_despachadores_a_la_vez_publican_cada_fila_una_vez(broker):
    broker("memory://")
    _pendientes(40)
    barrera = threading.Barrier(2)

    def despachar():
        barrera.wait(10)
        return salida.despachar(lote=5)

    hilos = [en_hilo(despachar) for _ in range(2)]
    for hilo, _r in hilos:
        hilo.join(30)
    assert [r.get("error") for _h, r in hilos] == [None, None]
    assert sum(r["valor"]["publicadas"] for _h, r in hilos) == 40
    assert len(mensajes_en_memoria()) == 40
    assert not Salida.objects.exclude(estado=EstadoSalida.PUBLICADA).exists()


# --- correos de alertas: una sola vez --------------------------------------------------------------

@pytest.mark.django_db
def test_enviar_pendientes_dos_veces_envia_una(django_capture_on_commit_callbacks):
    persona = factories.UsuarioFactory()
    notificar(usuarios=[persona], categoria="prueba", titulo="Una sola vez")
    assert enviar_pendientes(usuarios_ids=[persona.pk]) == 1
    assert enviar_pendientes(usuarios_ids=[persona.pk]) == 0
    assert enviar_pendientes() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_un_envio_salta_las_alertas_que_otro_tiene_tomadas():
    persona = factories.UsuarioFactory()
    _alerta_sin_enviar(persona, "Alerta disputada")
    tomada, soltar = threading.Event(), threading.Event()

    def otro_envio_en_curso():
        with transaction.atomic():
            list(Notificacion.objects.select_for_update().filter(usuario=persona))
            tomada.set()
            soltar.wait(10)

    hilo, _r = en_hilo(otro_envio_en_curso)
    assert tomada.wait(10)
    try:
        assert enviar_pendientes(usuarios_ids=[persona.pk]) == 0  # no espera ni duplica: la salta
    finally:
        soltar.set()
        hilo.join(10)
    assert mail.outbox == []
    assert enviar_pendientes(usuarios_ids=[persona.pk]) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_envios_simultaneos_mandan_cada_alerta_una_vez():
    personas = [factories.UsuarioFactory() for _ in range(6)]
    for p in personas:
        _alerta_sin_enviar(p, f"Alerta para {p.email}")
    barrera = threading.Barrier(3)

    def enviar():
        barrera.wait(10)
        return enviar_pendientes()

    hilos = [en_hilo(enviar) for _ in range(3)]
    for hilo, _r in hilos:
        hilo.join(30)
    assert sum(r["valor"] for _h, r in hilos) == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in personas)
    assert not Notificacion.objects.filter(correo_enviado_en__isnull=True).exists()


@pytest.mark.django_db
def test_correo_caido_deja_la_alerta_para_el_despachador(settings):
    from att.tasks import despachar_salida

    persona = factories.UsuarioFactory()
    _alerta_sin_enviar(persona, "Alerta con el correo caído")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with pytest.raises(ConnectionRefusedError):
        enviar_pendientes(usuarios_ids=[persona.pk])
    assert Notificacion.objects.get(usuario=persona).correo_enviado_en is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Recién creada la deja para la tarea inmediata; pasado un minuto la toma el despachador.
    assert despachar_salida()["correos"] == 0
    Notificacion.objects.filter(usuario=persona).update(creada=timezone.now() - timedelta(minutes=2))
    assert despachar_salida()["correos"] == 1
    assert despachar_salida()["correos"] == 0
    assert [m.to for m in mail.outbox] == [[persona.email]]


# --- Redis que falla abierto --------------------------------------------------------------------

def test_cache_con_redis_caido_es_un_fallo_y_avisa_una_vez(caplog):
    cache = RedisTolerante(PUERTO_CERRADO, {"OPTIONS": {"PAUSA_TRAS_FALLO": 30}})
    with caplog.at_level(logging.WARNING, logger="att.cache"):
        inicio = time.monotonic()
        assert cache.get("clave", "por-defecto") == "por-defecto"
        cache.set("clave", 1)
        cache.delete("clave")
        assert cache.get_many(["a", "b"]) == {}
        assert cache.add("clave", 1) is False
        assert cache.get_or_set("version", 1) == 1
        with pytest.raises(ValueError, match="version"):
            cache.incr("version")
        assert time.monotonic() - inicio < 2
    avisos = [r for r in caplog.records if r.name == "att.cache"]
    assert len(avisos) == 1 and "no responde" in avisos[0].getMessage()


def test_cache_cortacircuitos_no_vuelve_a_intentar_durante_la_pausa():
    cache = RedisTolerante(PUERTO_CERRADO, {"OPTIONS": {"PAUSA_TRAS_FALLO": 30}})
    cache.get("x")
    assert cache.cortacircuitos.abierto()
    # Aun apuntando a un Redis que no existe, durante la pausa ni siquiera se conecta.
    inicio = time.monotonic()
    for _ in range(200):
        cache.get("x")
    assert time.monotonic() - inicio < 0.1


def _peticion_api(usuario=None):
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.request import Request

    request = Request(RequestFactory().get("/api/v1/ofertas/", REMOTE_ADDR="10.0.0.1"))
    request.user = usuario or AnonymousUser()
    return request


@pytest.mark.django_db
@pytest.mark.parametrize("clase", [LimiteAnonimo, LimiteUsuario])
def test_limites_fallan_abiertos_con_la_cache_caida(clase, caplog):
    from django.core.cache.backends.redis import RedisCache

    limite = clase()
    limite.cache = RedisCache(PUERTO_CERRADO, {})  # la de Django, sin tolerancia: el límite la cubre
    usuario = factories.UsuarioFactory() if clase is LimiteUsuario else None
    from att.api import limites

    limites._ultimo_aviso[0] = 0.0
    with caplog.at_level(logging.WARNING, logger="att.api.limites"):
        assert all(limite.allow_request(_peticion_api(usuario), None) for _ in range(3))
    avisos = [r for r in caplog.records if r.name == "att.api.limites"]
    assert len(avisos) == 1 and "se deja pasar" in avisos[0].getMessage()


@pytest.mark.django_db
def test_limites_siguen_limitando_con_la_cache_viva(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "2/min"}}
    from django.core.cache import cache

    cache.clear()
    limite = LimiteAnonimo()
    limite.THROTTLE_RATES = {"anon": "2/min"}
    limite.rate = "2/min"
    limite.num_requests, limite.duration = limite.parse_rate("2/min")
    assert [limite.allow_request(_peticion_api(), None) for _ in range(3)] == [True, True, False]


@pytest.mark.django_db
def test_limite_por_ventana_fija_con_un_contador(monkeypatch):
    """Un número por (quién, ventana), no la lista de horas de DRF; a la ventana siguiente vuelve a pasar
    y `wait` (Retry-After) dice cuánto falta para ella."""
    from django.core.cache import cache

    cache.clear()
    limite = LimiteUsuario()
    limite.rate = "3/min"
    limite.num_requests, limite.duration = limite.parse_rate("3/min")
    usuario = factories.UsuarioFactory()
    reloj = [6_000_030.0]  # 30 s dentro de una ventana de un minuto
    monkeypatch.setattr(limite, "timer", lambda: reloj[0])
    assert [limite.allow_request(_peticion_api(usuario), None) for _ in range(4)] == [True, True, True, False]
    assert limite.wait() == 30.0
    guardado = cache.get(f"{limite.get_cache_key(_peticion_api(usuario), None)}:v100000")
    assert guardado == 4
    otro = factories.UsuarioFactory()
    assert limite.allow_request(_peticion_api(otro), None)  # cada persona con su contador
    reloj[0] = 6_000_059.999  # último instante de la ventana: sigue cerrada
    assert not limite.allow_request(_peticion_api(usuario), None)
    reloj[0] = 6_000_060.0  # ventana nueva
    assert limite.allow_request(_peticion_api(usuario), None) and limite.wait() == 60.0


def test_lote_del_limite_por_su_tamano():
    from att.api.limites import LOTE_MAXIMO, lote_de

    assert [lote_de(n) for n in (2, 120, 199, 200, 1_200, 1_699, 100_000_000)] == [1, 1, 1, 2, 12, 16, LOTE_MAXIMO]


@pytest.mark.django_db
def test_limite_alto_suma_en_redis_de_a_lotes_y_corta_con_lo_de_otros_procesos(monkeypatch):
    """Con 1.000/min (lote de 10) el proceso va a Redis en la 1.ª petición de la ventana y luego cada 10:
    Redis ve 1, 11, 21… y el proceso decide con ese total más lo suyo sin enviar. Lo que sumaron los otros
    procesos entra en cuanto el lote vuelve a Redis: a lo sumo `lote - 1` de más por proceso."""
    from django.core.cache import cache

    from att.api import limites

    cache.clear()
    limites.olvidar_cuentas_locales()
    limite = LimiteUsuario()
    limite.rate = "1000/min"
    limite.num_requests, limite.duration = limite.parse_rate("1000/min")
    monkeypatch.setattr(limite, "timer", lambda: 6_000_030.0)
    usuario = factories.UsuarioFactory()
    clave = f"{limite.get_cache_key(_peticion_api(usuario), None)}:v100000"
    assert all(limite.allow_request(_peticion_api(usuario), None) for _ in range(25))
    assert cache.get(clave) == 21  # 25 peticiones: 1 + 10 + 10 enviadas, 4 sin enviar
    cache.incr(clave, 970)  # los otros workers: 991 en Redis, 995 con lo de este proceso
    assert [limite.allow_request(_peticion_api(usuario), None) for _ in range(7)] == [True] * 5 + [False] * 2
    # La 6.ª completó el lote (991 + 10 = 1.001 en Redis): de ahí en adelante, cortado por el total leído.
    assert cache.get(clave) == 1_001
    limites.olvidar_cuentas_locales()


@pytest.mark.django_db
def test_limite_alto_con_la_cache_caida_deja_pasar_sin_acumular(caplog):
    from django.core.cache.backends.redis import RedisCache

    from att.api import limites

    limites.olvidar_cuentas_locales()
    limite = LimiteUsuario()
    limite.rate = "5000/min"
    limite.num_requests, limite.duration = limite.parse_rate("5000/min")
    limite.cache = RedisCache(PUERTO_CERRADO, {})
    usuario = factories.UsuarioFactory()
    with caplog.at_level(logging.WARNING, logger="att.api.limites"):
        assert all(limite.allow_request(_peticion_api(usuario), None) for _ in range(40))
    assert limites._local == {}  # sin total leído no hay lote local: cada petición intenta Redis y pasa


@pytest.mark.django_db
def test_portal_y_api_responden_con_la_cache_caida(client, settings, entidad_oferente):
    from oferta.models import EstadoOferta
    from tests.oferta import fabricas

    settings.CACHES = {"default": {"BACKEND": "att.cache.RedisTolerante", "LOCATION": PUERTO_CERRADO}}
    fabricas.oferta(entidad_oferente, estado=EstadoOferta.PUBLICADA, nombre="Oferta visible sin Redis")
    inicio = time.monotonic()
    r = client.get("/oferta/")
    assert r.status_code == 200 and "Oferta visible sin Redis" in r.content.decode()
    r = client.get("/api/v1/ofertas/")
    assert r.status_code == 200 and "Oferta visible sin Redis" in r.content.decode()
    assert time.monotonic() - inicio < 5


@pytest.mark.django_db
def test_sesiones_en_la_base_de_datos_y_la_cache_solo_para_leerlas(client, settings, admin_dnp):
    """La base es la fuente de las sesiones (cached_db): vaciar o perder Redis no cierra ninguna; la caché
    solo ahorra leerlas de la base en cada página."""
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    client.force_login(admin_dnp)
    assert Session.objects.filter(session_key=client.session.session_key).exists()
    cache.clear()
    r = client.get("/cuenta/")
    assert r.status_code == 200 and r.context["user"] == admin_dnp
    settings.CACHES = {"default": {"BACKEND": "att.cache.RedisTolerante", "LOCATION": PUERTO_CERRADO}}
    r = client.get("/cuenta/")
    assert r.status_code == 200 and r.context["user"] == admin_dnp


# --- admin ------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_admin_lista_filtra_y_reintenta_ahora(client, admin_dnp):
    s = salida.encolar("att.contar_territorio")
    Salida.objects.filter(pk=s.pk).update(estado=EstadoSalida.FALLIDA, intentos=10, ultimo_error="Redis caído")
    client.force_login(admin_dnp)
    r = client.get("/admin/att/salida/", {"estado__exact": "fallida"})
    assert r.status_code == 200 and "att.contar_territorio" in r.content.decode()
    r = client.post("/admin/att/salida/", {"action": "reintentar_ahora", "_selected_action": [s.pk]})
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.estado == EstadoSalida.PUBLICADA  # sin broker (pruebas) corre en el acto


@pytest.mark.django_db
def test_purgar_borra_solo_las_publicadas_viejas():
    vieja, reciente, fallida = (salida.encolar("att.contar_territorio") for _ in range(3))
    hace_un_mes = timezone.now() - timedelta(days=30)
    Salida.objects.filter(pk=vieja.pk).update(estado=EstadoSalida.PUBLICADA, publicada_en=hace_un_mes)
    Salida.objects.filter(pk=reciente.pk).update(estado=EstadoSalida.PUBLICADA, publicada_en=timezone.now())
    Salida.objects.filter(pk=fallida.pk).update(estado=EstadoSalida.FALLIDA, creada=hace_un_mes)
    assert salida.purgar() == 1
    assert set(Salida.objects.values_list("pk", flat=True)) == {reciente.pk, fallida.pk}


def test_redis_no_revisa_claves_al_estilo_memcached_pero_la_cache_de_las_pruebas_si():
    """Redis acepta cualquier clave: la caché de producción no recorre cada carácter de cada clave
    buscando lo que memcached rechazaría; la de las pruebas (en memoria) sigue avisando."""
    import warnings

    from django.core.cache.backends.base import CacheKeyWarning
    from django.core.cache.backends.locmem import LocMemCache

    clave = "con espacio " + "x" * 300
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        RedisTolerante(PUERTO_CERRADO, {}).make_and_validate_key(clave)
        with pytest.raises(CacheKeyWarning, match="memcached"):
            LocMemCache("pruebas-claves", {}).make_and_validate_key(clave)
