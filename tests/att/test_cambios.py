"""Fuente de cambios: `actualizado_desde`, lápidas de lo eliminado y webhooks firmados (att/cambios.py).

Los webhooks se entregan a un servidor HTTP de verdad (http.server en un hilo, 127.0.0.1 y un puerto
libre): la firma se verifica aquí con el secreto que devolvió el registro."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from att import cambios, services
from att.models import Eliminacion, EntregaWebhook, EstadoEntrega, Rol, SuscripcionWebhook
from att.tasks import entregar_webhook, purgar_eliminaciones, reintentar_webhooks
from oferta.models import EstadoOferta
from tests import factories
from tests.hilos import en_hilo
from tests.oferta import fabricas

pytestmark = pytest.mark.django_db
OFERTAS = "/api/v1/ofertas/"
ELIMINACIONES = "/api/v1/eliminaciones/"


def _ids(respuesta) -> set[int]:
    assert respuesta.status_code == 200, respuesta.content
    return {fila["id"] for fila in respuesta.json()["results"]}


def _marca() -> str:
    return timezone.now().isoformat()


# ---------------------------------------------------------------- actualizado_desde

def test_sincronizacion_devuelve_exactamente_lo_cambiado_despues_de_la_marca(entidad_oferente):
    a, b, c = (fabricas.oferta(entidad_oferente, nombre=f"Oferta {n}") for n in "abc")
    marca = _marca()
    b.nombre = "Oferta b cambiada"
    b.save()
    d = fabricas.oferta(entidad_oferente, nombre="Oferta d")
    api = APIClient()
    assert _ids(api.get(OFERTAS, {"actualizado_desde": marca})) == {b.pk, d.pk}
    # Antes de todo: las cuatro, en orden de modificación (la cambiada después de c).
    desde_el_inicio = api.get(OFERTAS, {"actualizado_desde": "2000-01-01T00:00:00Z"}).json()["results"]
    assert [f["id"] for f in desde_el_inicio] == [a.pk, c.pk, b.pk, d.pk]
    assert _ids(api.get(OFERTAS, {"actualizado_desde": _marca()})) == set()


def test_la_marca_es_exclusiva_y_el_cursor_recorre_todo_en_orden(entidad_oferente):
    ofertas = [fabricas.oferta(entidad_oferente, buscar=False) for _ in range(5)]
    primera = ofertas[0]
    primera.refresh_from_db()
    api = APIClient()
    # Exclusiva: con la fecha exacta de la primera, la primera no vuelve.
    vistos, url, params = [], OFERTAS, {"actualizado_desde": primera.actualizada.isoformat(), "tamano": 2}
    while url:
        pagina = api.get(url, params).json()
        vistos += [f["id"] for f in pagina["results"]]
        url, params = pagina["next"], None
    assert vistos == [o.pk for o in ofertas[1:]]


def test_marca_invalida_y_lista_sin_fuente_responden_400(entidad_oferente):
    api = APIClient()
    r = api.get(OFERTAS, {"actualizado_desde": "ayer"})
    assert r.status_code == 400 and "ISO 8601" in r.json()["actualizado_desde"][0]
    r = api.get(ELIMINACIONES, {"actualizado_desde": _marca()})
    assert r.status_code == 400 and r.json()["actualizado_desde"] == ["Esta lista no admite actualizado_desde."]


def test_la_marca_filtra_tambien_otras_listas(funcionario_medellin):
    medellin = factories.alcaldia("05001")
    marca = _marca()
    medellin.sigla = "MED"
    medellin.save()
    assert _ids(APIClient().get("/api/v1/entidades/", {"actualizado_desde": marca})) == {medellin.pk}


def test_consultas_de_la_lista_con_marca_no_crecen(entidad_oferente, django_assert_num_queries):
    api = APIClient()
    marca = _marca()
    fabricas.oferta(entidad_oferente)
    # 2: la lista por lotes lee la página (ids y huella) y las filas que no tiene guardadas, con sus listas
    # muchos-a-muchos en la misma consulta (att/api/lotes.py).
    with django_assert_num_queries(2) as capturadas:
        assert len(_ids(api.get(OFERTAS, {"actualizado_desde": marca}))) == 1
    for _ in range(6):
        fabricas.oferta(entidad_oferente, buscar=False)
    with django_assert_num_queries(len(capturadas.captured_queries)):
        assert len(_ids(api.get(OFERTAS, {"actualizado_desde": marca}))) == 7


# ---------------------------------------------------------------- lápidas

def test_eliminaciones_lista_lo_borrado_despues_de_la_marca(entidad_oferente):
    antes, despues, queda = (fabricas.oferta(entidad_oferente, buscar=False) for _ in range(3))
    id_antes, id_despues = antes.pk, despues.pk
    antes.delete()
    marca = _marca()
    despues.delete()
    api = APIClient()
    filas = api.get(ELIMINACIONES, {"desde": marca}).json()["results"]
    assert [(f["tipo"], f["objeto_id"]) for f in filas] == [("oferta.oferta", str(id_despues))]
    todas = api.get(ELIMINACIONES, {"tipo": "oferta.oferta"}).json()["results"]
    assert [f["objeto_id"] for f in todas] == [str(id_antes), str(id_despues)]
    assert api.get(ELIMINACIONES, {"tipo": "demanda.demanda"}).json()["results"] == []
    assert queda.pk not in {int(f["objeto_id"]) for f in todas}


def test_lapida_de_lo_privado_solo_para_su_entidad(entidad_oferente, oferente, otro_oferente, auditor):
    publica = fabricas.oferta(entidad_oferente, buscar=False)
    borrador = fabricas.oferta(entidad_oferente, estado=EstadoOferta.BORRADOR, buscar=False)
    id_publica, id_borrador = str(publica.pk), str(borrador.pk)
    publica.delete()
    borrador.delete()
    lapida = Eliminacion.objects.get(objeto_id=id_borrador)
    assert (lapida.publico, lapida.entidad_id_alcance) == (False, entidad_oferente.pk)

    def vistas(usuario):
        api = APIClient()
        if usuario is not None:
            api.force_authenticate(usuario)
        return {f["objeto_id"] for f in api.get(ELIMINACIONES).json()["results"]}

    assert vistas(None) == {id_publica}
    assert vistas(otro_oferente) == {id_publica}
    assert vistas(oferente) == {id_publica, id_borrador}
    assert vistas(auditor) == {id_publica, id_borrador}


def test_purga_de_lapidas_viejas(settings):
    settings.ATT_ELIMINACIONES_DIAS = 90
    vieja = Eliminacion.objects.create(tipo="oferta.oferta", objeto_id="1",
                                       eliminado_en=timezone.now() - timedelta(days=91))
    reciente = Eliminacion.objects.create(tipo="oferta.oferta", objeto_id="2",
                                          eliminado_en=timezone.now() - timedelta(days=89))
    assert purgar_eliminaciones.apply().get() == 1
    assert list(Eliminacion.objects.values_list("pk", flat=True)) == [reciente.pk]
    assert not Eliminacion.objects.filter(pk=vieja.pk).exists()
    assert "purgar-eliminaciones" in settings.CELERY_BEAT_SCHEDULE


# ---------------------------------------------------------------- webhooks

class _Receptor:
    """Servidor HTTP real en un hilo; responde con los códigos de `respuestas` y luego 200."""

    def __init__(self, respuestas=(), pausa: float = 0.0):
        self.recibidas: list[tuple[dict, bytes]] = []
        self.respuestas = list(respuestas)
        receptor = self

        class Manejador(BaseHTTPRequestHandler):
            def do_POST(self):
                cuerpo = self.rfile.read(int(self.headers["Content-Length"]))
                receptor.recibidas.append(({k.lower(): v for k, v in self.headers.items()}, cuerpo))
                time.sleep(pausa)
                codigo = receptor.respuestas.pop(0) if receptor.respuestas else 200
                self.send_response(codigo)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.servidor = ThreadingHTTPServer(("127.0.0.1", 0), Manejador)
        self.url = f"http://127.0.0.1:{self.servidor.server_address[1]}/gancho"
        self.hilo = threading.Thread(target=self.servidor.serve_forever, daemon=True)
        self.hilo.start()

    def cerrar(self):
        self.servidor.shutdown()
        self.servidor.server_close()


@pytest.fixture
def receptor():
    creados = []

    def crear(respuestas=(), pausa=0.0):
        r = _Receptor(respuestas, pausa)
        creados.append(r)
        return r

    yield crear
    for r in creados:
        r.cerrar()


def _firma_valida(secreto: str, cabeceras: dict, cuerpo: bytes, marca: str | None = None) -> bool:
    """Como la verifica un receptor: HMAC-SHA256 de «marca.cuerpo» (README, webhooks)."""
    marca = cabeceras["x-att-marca-tiempo"] if marca is None else marca
    firmado = marca.encode() + b"." + cuerpo
    esperada = "sha256=" + hmac.new(secreto.encode(), firmado, hashlib.sha256).hexdigest()
    return hmac.compare_digest(cabeceras["x-att-firma"], esperada)


def test_webhook_entregado_una_vez_y_firmado(settings, receptor, entidad_oferente, oferente,
                                              django_capture_on_commit_callbacks):
    settings.DEBUG = True  # http y 127.0.0.1 solo se admiten en desarrollo
    r = receptor()
    oferta = fabricas.oferta(entidad_oferente, buscar=False)
    suscripcion, secreto = services.webhook_suscribir(por=oferente, url=r.url, eventos=["oferta.oferta.actualizado"])
    with django_capture_on_commit_callbacks(execute=True):
        oferta.nombre = "Nombre nuevo"
        oferta.save()
    assert len(r.recibidas) == 1
    cabeceras, cuerpo = r.recibidas[0]
    assert _firma_valida(secreto, cabeceras, cuerpo)
    assert not _firma_valida("otro-secreto", cabeceras, cuerpo)
    # La marca de tiempo va firmada: con otra marca (una repetición vieja reetiquetada) no valida, y
    # la firma solo del cuerpo (el esquema anterior) tampoco.
    assert not _firma_valida(secreto, cabeceras, cuerpo, marca=str(int(cabeceras["x-att-marca-tiempo"]) + 600))
    solo_cuerpo = "sha256=" + hmac.new(secreto.encode(), cuerpo, hashlib.sha256).hexdigest()
    assert cabeceras["x-att-firma"] != solo_cuerpo
    evento = json.loads(cuerpo)
    assert (evento["evento"], evento["objeto_id"]) == ("oferta.oferta.actualizado", str(oferta.pk))
    assert cabeceras["x-att-evento"] == evento["id"] and cabeceras["x-att-marca-tiempo"].isdigit()
    entrega = EntregaWebhook.objects.get(suscripcion=suscripcion)
    assert (entrega.estado, entrega.intentos) == (EstadoEntrega.ENTREGADA, 1)
    # La tarea redelivered (dos veces más) no vuelve a enviar.
    assert entregar_webhook.apply(args=[entrega.pk]).get() is False
    assert entregar_webhook.apply(args=[entrega.pk]).get() is False
    assert len(r.recibidas) == 1


def test_webhook_fallido_se_reintenta_con_espera_y_se_entrega_una_vez(settings, receptor, entidad_oferente,
                                                                      oferente, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    r = receptor(respuestas=[500])
    suscripcion, secreto = services.webhook_suscribir(por=oferente, url=r.url, eventos=["oferta.oferta.creado"])
    with django_capture_on_commit_callbacks(execute=True):
        oferta = fabricas.oferta(entidad_oferente, buscar=False)
    entrega = EntregaWebhook.objects.get(suscripcion=suscripcion)
    assert len(r.recibidas) == 1
    assert (entrega.estado, entrega.intentos) == (EstadoEntrega.PENDIENTE, 1)
    assert "500" in entrega.ultimo_error
    assert timedelta(seconds=25) < entrega.proximo_intento - timezone.now() <= timedelta(seconds=30)
    # Antes de la espera, el reintento no la toca.
    assert reintentar_webhooks.apply().get() == {"intentadas": 0, "entregadas": 0}
    EntregaWebhook.objects.filter(pk=entrega.pk).update(proximo_intento=timezone.now() - timedelta(seconds=1))
    assert reintentar_webhooks.apply().get() == {"intentadas": 1, "entregadas": 1}
    assert reintentar_webhooks.apply().get() == {"intentadas": 0, "entregadas": 0}
    assert entregar_webhook.apply(args=[entrega.pk]).get() is False
    assert len(r.recibidas) == 2
    (c1, cuerpo1), (c2, cuerpo2) = r.recibidas
    assert cuerpo1 == cuerpo2 and c1["x-att-evento"] == c2["x-att-evento"]
    assert _firma_valida(secreto, c2, cuerpo2) and json.loads(cuerpo2)["objeto_id"] == str(oferta.pk)
    entrega.refresh_from_db()
    assert (entrega.estado, entrega.intentos) == (EstadoEntrega.ENTREGADA, 2)
    assert "reintentar-webhooks" in settings.CELERY_BEAT_SCHEDULE


def test_webhook_solo_de_lo_que_su_dueno_puede_leer(settings, entidad_oferente, otro_oferente,
                                                    django_capture_on_commit_callbacks):
    settings.DEBUG = True
    services.webhook_suscribir(por=otro_oferente, url="http://127.0.0.1:9/x",
                               eventos=["oferta.oferta.creado", "oferta.oferta.eliminado"])
    with django_capture_on_commit_callbacks(execute=False):
        borrador = fabricas.oferta(entidad_oferente, estado=EstadoOferta.BORRADOR, buscar=False)
        borrador.delete()
        fabricas.oferta(entidad_oferente, buscar=False)  # publicada: sí
    assert EntregaWebhook.objects.count() == 1
    assert json.loads(EntregaWebhook.objects.get().cuerpo)["evento"] == "oferta.oferta.creado"


def test_registro_por_api_valida_y_muestra_el_secreto_una_vez(settings, oferente, auditor):
    settings.DEBUG = False
    api = APIClient()
    api.force_authenticate(oferente)
    r = api.post("/api/v1/webhooks/", {"url": "http://ejemplo.com/x", "eventos": ["oferta.oferta.creado"]},
                 format="json")
    assert r.status_code == 400 and r.json()["url"] == ["La URL del webhook debe usar https."]
    r = api.post("/api/v1/webhooks/", {"url": "https://127.0.0.1/x", "eventos": ["oferta.oferta.creado"]},
                 format="json")
    assert r.status_code == 400 and r.json()["url"] == ["La URL del webhook no puede apuntar a una red interna."]
    r = api.post("/api/v1/webhooks/", {"url": "https://93.184.216.34/x", "eventos": ["oferta.nada.creado"]},
                 format="json")
    assert r.status_code == 400 and "Eventos desconocidos: oferta.nada.creado" in r.json()["eventos"][0]
    r = api.post("/api/v1/webhooks/", {"url": "https://93.184.216.34/x", "eventos": ["oferta.oferta.creado"]},
                 format="json")
    assert r.status_code == 201, r.json()
    secreto = r.json()["secreto"]
    assert len(secreto) > 30 and SuscripcionWebhook.objects.get().secreto == secreto
    lista = api.get("/api/v1/webhooks/").json()["results"]
    assert [f["secreto"] for f in lista] == [None]
    r = api.patch(f"/api/v1/webhooks/{lista[0]['id']}/", {"activa": False}, format="json")
    assert r.status_code == 200 and r.json()["activa"] is False
    # El auditor solo lee; otro usuario no ve la suscripción ajena.
    lector = APIClient()
    lector.force_authenticate(auditor)
    assert lector.post("/api/v1/webhooks/", {"url": "https://93.184.216.34/y", "eventos": []},
                       format="json").status_code == 403
    ajeno = APIClient()
    ajeno.force_authenticate(factories.persona(factories.alcaldia("76001"), Rol.FUNCIONARIO_ET))
    assert ajeno.get("/api/v1/webhooks/").json()["results"] == []


def test_eventos_validos_cubren_los_tipos_de_la_api():
    assert {"oferta.oferta", "demanda.demanda", "att.entidad", "seguimiento.avance"} <= set(cambios.tipos())
    assert "demanda.demanda.eliminado" in cambios.eventos_validos()


def _listas_de_la_api() -> list[str]:
    from django.urls import get_resolver, reverse
    from django.urls.exceptions import NoReverseMatch

    nombres = sorted({n for n in get_resolver().reverse_dict if isinstance(n, str) and n.endswith("-list")})
    urls = []
    for n in nombres:
        try:
            urls.append(reverse(n))
        except NoReverseMatch:  # los cortes SETA (/seguimiento/cortes/<dimensión>/) son agregados, no recursos
            assert n == "seguimiento-corte-list", n
    return [u for u in urls if u.startswith("/api/v1/")]


def test_toda_lista_de_la_api_admite_actualizado_desde(auditor, entidad_oferente):
    fabricas.oferta(entidad_oferente, buscar=False)
    api = APIClient()
    api.force_authenticate(auditor)
    sin_fuente = {ELIMINACIONES, "/api/v1/webhooks/"}
    listas = [u for u in _listas_de_la_api() if u not in sin_fuente]
    assert OFERTAS in listas and "/api/v1/seguimiento/avances/" in listas and len(listas) >= 25
    fallas = {u: r.status_code for u in listas
              if (r := api.get(u, {"actualizado_desde": "2000-01-01T00:00:00Z"})).status_code != 200}
    assert fallas == {}
    assert _ids(api.get(OFERTAS, {"actualizado_desde": "2000-01-01T00:00:00Z"}))


def test_admin_dnp_registra_un_webhook_y_ve_el_secreto_una_vez(client, settings, admin_dnp, oferente):
    settings.DEBUG = True
    client.force_login(admin_dnp)
    r = client.post("/admin/att/suscripcionwebhook/add/", {
        "url": "https://receptor.ejemplo.com/att", "eventos": json.dumps(["oferta.oferta.creado"]),
        "usuario": oferente.pk, "entidad": "", "activa": "on",
    }, follow=True)
    assert r.status_code == 200
    suscripcion = SuscripcionWebhook.objects.get()
    assert suscripcion.usuario == oferente and suscripcion.eventos == ["oferta.oferta.creado"]
    assert suscripcion.secreto in r.content.decode()  # en la página de respuesta, no en un mensaje
    cambio = client.get(f"/admin/att/suscripcionwebhook/{suscripcion.pk}/change/")
    assert cambio.status_code == 200 and suscripcion.secreto not in cambio.content.decode()
    assert "secreto" not in {f.name for f in suscripcion.historial.model._meta.fields}


def test_el_relleno_de_la_migracion_toma_la_fecha_del_ultimo_historial(entidad_oferente):
    import importlib

    from django.apps import apps
    from django.db import connection

    from att.models import Entidad

    migracion = importlib.import_module("att.migrations.0009_fuente_cambios_datos")
    entidad_oferente.sigla = "MP2"
    entidad_oferente.save()
    ultima = entidad_oferente.historial.latest("history_date").history_date
    Entidad.objects.filter(pk=entidad_oferente.pk).update(actualizado=timezone.now() + timedelta(days=3))
    with connection.schema_editor() as editor:
        migracion.llenar(apps, editor)
    entidad_oferente.refresh_from_db()
    assert entidad_oferente.actualizado == ultima


@pytest.mark.django_db(transaction=True)
def test_dos_corridas_a_la_vez_de_la_misma_entrega_envian_una(settings, receptor, referencia_cargada):
    """La segunda corrida (p. ej. la tarea entregada dos veces por el broker) salta la fila bloqueada."""
    settings.DEBUG = True
    r = receptor(pausa=0.5)
    oferente = factories.persona(factories.EntidadNacionalFactory(), Rol.OFERENTE)
    suscripcion, _secreto = services.webhook_suscribir(por=oferente, url=r.url, eventos=["att.entidad.creado"])
    entrega = EntregaWebhook.objects.create(suscripcion=suscripcion, cuerpo='{"id":"x"}')
    corridas = [en_hilo(cambios.entregar, entrega.pk) for _ in range(2)]
    for hilo, _resultado in corridas:
        hilo.join(10)
    assert sorted(resultado["valor"] for _hilo, resultado in corridas) == [False, True]
    assert len(r.recibidas) == 1
    assert EntregaWebhook.objects.get(pk=entrega.pk).estado == EstadoEntrega.ENTREGADA


# ---------------------------------------------------------------- revisión de seguridad de los webhooks

def _curso(entidad, *, publicado: bool):
    from att.models import NivelCapacidad, TipoCapacidad
    from conocimiento.models import Curso

    return Curso.objects.create(nombre="Curso interno", descripcion="Sin publicar", publicado=publicado,
                                nivel=NivelCapacidad.objects.first(), tipo_capacidad=TipoCapacidad.objects.first(),
                                entidad=entidad)


def test_curso_sin_publicar_no_llega_a_otra_entidad_ni_a_la_lapida_publica(
        settings, entidad_oferente, oferente, otro_oferente, auditor, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    eventos = ["conocimiento.curso.creado", "conocimiento.curso.eliminado", "conocimiento.sesionformacion.creado"]
    ajena, _s = services.webhook_suscribir(por=otro_oferente, url="http://127.0.0.1:9/b", eventos=eventos)
    propia, _s = services.webhook_suscribir(por=oferente, url="http://127.0.0.1:9/a", eventos=eventos)
    de_otro_rol, _s = services.webhook_suscribir(por=factories.persona(entidad_oferente, Rol.INTEGRADOR),
                                                 url="http://127.0.0.1:9/i", eventos=eventos)
    with django_capture_on_commit_callbacks(execute=False):
        curso = _curso(entidad_oferente, publicado=False)
        inicio = timezone.now() + timedelta(days=3)
        curso.sesiones.create(modalidad="virtual", inicio=inicio, fin=inicio + timedelta(hours=2), cupos=5)
    assert EntregaWebhook.objects.filter(suscripcion=ajena).count() == 0
    assert EntregaWebhook.objects.filter(suscripcion=propia).count() == 2  # el curso y su sesión
    assert EntregaWebhook.objects.filter(suscripcion=de_otro_rol).count() == 0  # solo el rol oferente
    curso_id = curso.pk
    with django_capture_on_commit_callbacks(execute=False):
        curso.delete()
    assert EntregaWebhook.objects.filter(suscripcion=ajena).count() == 0
    lapidas = {(f["tipo"], f["objeto_id"]) for f in APIClient().get(ELIMINACIONES).json()["results"]}
    assert ("conocimiento.curso", str(curso_id)) not in lapidas
    lector = APIClient()
    lector.force_authenticate(auditor)
    lapidas = {(f["tipo"], f["objeto_id"]) for f in lector.get(ELIMINACIONES).json()["results"]}
    assert ("conocimiento.curso", str(curso_id)) in lapidas
    # El publicado sí es público.
    publicado = _curso(entidad_oferente, publicado=True)
    publicado_id = publicado.pk
    publicado.delete()
    lapidas = {(f["tipo"], f["objeto_id"]) for f in APIClient().get(ELIMINACIONES).json()["results"]}
    assert ("conocimiento.curso", str(publicado_id)) in lapidas


def test_discusion_oculta_y_espacio_inactivo_no_son_publicos(settings, oferente, otro_oferente,
                                                             django_capture_on_commit_callbacks):
    from conocimiento.models import Discusion, EspacioComunidad

    settings.DEBUG = True
    ajena, _s = services.webhook_suscribir(
        por=otro_oferente, url="http://127.0.0.1:9/b",
        eventos=["conocimiento.discusion.actualizado", "conocimiento.espaciocomunidad.actualizado"])
    from att.models import Tema

    espacio = EspacioComunidad.objects.create(nombre="Espacio", slug="espacio-prueba", tipo="tematico",
                                              tema=Tema.objects.first())
    discusion = Discusion.objects.create(espacio=espacio, autor=oferente, titulo="Tema", cuerpo="Texto")
    with django_capture_on_commit_callbacks(execute=False):
        discusion.oculta = True
        discusion.save()
        espacio.activo = False
        espacio.save()
    assert EntregaWebhook.objects.filter(suscripcion=ajena).count() == 0
    ids = (discusion.pk, espacio.pk)
    discusion.delete()
    espacio.delete()
    lapidas = {(f["tipo"], f["objeto_id"]) for f in APIClient().get(ELIMINACIONES).json()["results"]}
    assert lapidas & {("conocimiento.discusion", str(ids[0])), ("conocimiento.espaciocomunidad", str(ids[1]))} == set()


def test_recurso_sin_publicar_no_llega_a_la_entidad_de_la_experiencia(settings, funcionario_medellin, oferente,
                                                                     django_capture_on_commit_callbacks):
    from conocimiento.models import EstadoRecurso, Recurso, TipoRecurso

    settings.DEBUG = True
    medellin = funcionario_medellin.membresias.get().entidad
    suscripcion, _s = services.webhook_suscribir(por=funcionario_medellin, url="http://127.0.0.1:9/m",
                                                 eventos=["conocimiento.recurso.creado"])
    with django_capture_on_commit_callbacks(execute=False):
        Recurso.objects.create(tipo=TipoRecurso.BUENA_PRACTICA, titulo="Propuesta", resumen="R", entidad=medellin,
                               propuesto_por=oferente, estado=EstadoRecurso.PROPUESTO)
    assert EntregaWebhook.objects.filter(suscripcion=suscripcion).count() == 0


def test_webhook_registrado_con_token_recibe_solo_lo_de_su_entidad(settings, admin_dnp,
                                                                    django_capture_on_commit_callbacks):
    from tests.demanda import fabricas as fabricas_demanda

    settings.DEBUG = True
    a, b = factories.alcaldia("05001"), factories.alcaldia("76001")
    persona = factories.persona(a, Rol.FUNCIONARIO_ET, is_superuser=True)
    from att.models import Membresia

    Membresia.objects.create(usuario=persona, entidad=b, rol=Rol.FUNCIONARIO_ET)
    token, clave = services.token_emitir(nombre="Sistema A", usuario=persona, entidad=a, rol=Rol.FUNCIONARIO_ET,
                                         por=admin_dnp)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {clave}")
    eventos = ["demanda.demanda.creado"]
    con_entidad = api.post("/api/v1/webhooks/", {"url": "http://127.0.0.1:9/a", "eventos": eventos, "entidad": a.pk},
                           format="json")
    sin_entidad = api.post("/api/v1/webhooks/", {"url": "http://127.0.0.1:9/b", "eventos": eventos}, format="json")
    assert (con_entidad.status_code, sin_entidad.status_code) == (201, 201), con_entidad.content
    assert SuscripcionWebhook.objects.get(pk=con_entidad.json()["id"]).token == token
    # El token no puede registrar a nombre de B.
    otra = api.post("/api/v1/webhooks/", {"url": "http://127.0.0.1:9/c", "eventos": eventos, "entidad": b.pk},
                    format="json")
    assert otra.status_code == 400 and otra.json()["entidad"] == ["Con este token solo puede registrar webhooks de su entidad."]
    with django_capture_on_commit_callbacks(execute=False):
        demanda_b = fabricas_demanda.demanda(b, persona)
    assert api.get(f"/api/v1/demandas/{demanda_b.pk}/").status_code == 404
    assert EntregaWebhook.objects.count() == 0  # ni con la membresía en B ni por ser superusuario
    with django_capture_on_commit_callbacks(execute=False):
        fabricas_demanda.demanda(a, persona)
    assert EntregaWebhook.objects.count() == 2
    # Revocado el token, no se entrega nada más.
    services.token_revocar(token=token, por=admin_dnp)
    with django_capture_on_commit_callbacks(execute=False):
        fabricas_demanda.demanda(a, persona)
    assert EntregaWebhook.objects.count() == 2


def test_suscripcion_con_entidad_recibe_lo_privado_solo_de_esa_entidad(settings, django_capture_on_commit_callbacks):
    from att.models import Membresia
    from tests.demanda import fabricas as fabricas_demanda

    settings.DEBUG = True
    a, b = factories.alcaldia("05001"), factories.alcaldia("76001")
    persona = factories.persona(a, Rol.FUNCIONARIO_ET)
    Membresia.objects.create(usuario=persona, entidad=b, rol=Rol.FUNCIONARIO_ET)
    suscripcion, _s = services.webhook_suscribir(por=persona, url="http://127.0.0.1:9/a", entidad=a,
                                                 eventos=["demanda.demanda.creado"])
    with django_capture_on_commit_callbacks(execute=False):
        fabricas_demanda.demanda(b, persona)
    assert EntregaWebhook.objects.filter(suscripcion=suscripcion).count() == 0
    with django_capture_on_commit_callbacks(execute=False):
        fabricas_demanda.demanda(a, persona)
    assert EntregaWebhook.objects.filter(suscripcion=suscripcion).count() == 1


class _Goteo:
    """Receptor lento de verdad: lee la petición y responde un byte cada `pausa` segundos. Anota si la
    conexión de la base de datos de la prueba estaba dentro de una transacción durante la llamada."""

    def __init__(self, pausa: float = 0.3):
        from django.db import connections

        self.en_transaccion: list[bool] = []
        self.recibidas = 0
        goteo = self
        conexion_bd = connections["default"]

        class Manejador(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                goteo.recibidas += 1
                goteo.en_transaccion.append(conexion_bd.in_atomic_block)
                try:
                    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(pausa)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.servidor = ThreadingHTTPServer(("127.0.0.1", 0), Manejador)
        self.servidor.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.servidor.server_address[1]}/lento"
        threading.Thread(target=self.servidor.serve_forever, daemon=True).start()

    def cerrar(self):
        self.servidor.shutdown()
        self.servidor.server_close()


@pytest.mark.django_db(transaction=True)
def test_receptor_que_gotea_termina_en_el_plazo_sin_transaccion_abierta(settings, referencia_cargada):
    settings.DEBUG = True
    settings.ATT_WEBHOOK_PLAZO_S = 1.0
    goteo = _Goteo(pausa=0.3)
    try:
        oferente = factories.persona(factories.EntidadNacionalFactory(), Rol.OFERENTE)
        suscripcion, _secreto = services.webhook_suscribir(por=oferente, url=goteo.url,
                                                           eventos=["att.entidad.creado"])
        entrega = EntregaWebhook.objects.create(suscripcion=suscripcion, cuerpo='{"id":"x"}')
        inicio = time.monotonic()
        assert entregar_webhook.apply(args=[entrega.pk]).get() is False
        assert time.monotonic() - inicio < 2.5
    finally:
        goteo.cerrar()
    assert goteo.recibidas == 1
    assert goteo.en_transaccion == [False]
    entrega.refresh_from_db()
    assert (entrega.estado, entrega.intentos) == (EstadoEntrega.PENDIENTE, 1)
    assert entrega.ultimo_error.startswith("TimeoutError")
    assert entrega.proximo_intento > timezone.now() + timedelta(seconds=20)


def test_entrega_tomada_por_una_corrida_muerta_se_retoma(settings, receptor, oferente):
    settings.DEBUG = True
    r = receptor()
    suscripcion, _s = services.webhook_suscribir(por=oferente, url=r.url, eventos=["att.entidad.creado"])
    vieja = EntregaWebhook.objects.create(suscripcion=suscripcion, cuerpo='{"id":"v"}', estado=EstadoEntrega.ENVIANDO,
                                          tomada_en=timezone.now() - cambios.PLAZO_TOMA - timedelta(seconds=5),
                                          intentos=1)
    EntregaWebhook.objects.create(suscripcion=suscripcion, cuerpo='{"id":"n"}', estado=EstadoEntrega.ENVIANDO,
                                  tomada_en=timezone.now(), intentos=1)
    assert entregar_webhook.apply(args=[vieja.pk + 1]).get() is False  # tomada ahora por otra corrida
    assert reintentar_webhooks.apply().get() == {"intentadas": 1, "entregadas": 1}
    vieja.refresh_from_db()
    assert (vieja.estado, vieja.intentos) == (EstadoEntrega.ENTREGADA, 2)
    assert [json.loads(c)["id"] for _h, c in r.recibidas] == ["v"]


def test_tareas_de_webhooks_con_limite_corto_y_tope_de_suscripciones(settings, oferente):
    from django.core.exceptions import ValidationError

    for nombre in ("att.entregar_webhook", "att.reintentar_webhooks"):
        assert settings.CELERY_TASK_ANNOTATIONS[nombre]["time_limit"] == settings.ATT_TAREA_LIMITE_CORTO_S
    settings.DEBUG = True
    settings.ATT_WEBHOOK_MAX_SUSCRIPCIONES = 3
    creadas = [services.webhook_suscribir(por=oferente, url=f"http://127.0.0.1:9/{n}",
                                          eventos=["att.entidad.creado"])[0] for n in range(3)]
    with pytest.raises(ValidationError, match="Ya tiene 3 suscripciones activas a webhooks, el máximo"):
        services.webhook_suscribir(por=oferente, url="http://127.0.0.1:9/x", eventos=["att.entidad.creado"])
    services.webhook_actualizar(suscripcion=creadas[0], por=oferente, activa=False)
    services.webhook_suscribir(por=oferente, url="http://127.0.0.1:9/y", eventos=["att.entidad.creado"])
    with pytest.raises(ValidationError, match="Ya tiene 3 suscripciones activas a webhooks, el máximo"):
        services.webhook_actualizar(suscripcion=creadas[0], por=oferente, activa=True)


def _dns_falso(monkeypatch, respuestas: dict[str, list[str]]):
    """DNS de fuera de la máquina, falso: cada nombre da, en orden, las IPs de `respuestas` (la última
    se repite). Las IPs literales se resuelven de verdad. Devuelve las consultas hechas."""
    import socket

    real = socket.getaddrinfo
    consultas: list[str] = []

    def falso(host, puerto, *args, **kwargs):
        if host in respuestas:
            consultas.append(host)
            lista = respuestas[host]
            ip = lista.pop(0) if len(lista) > 1 else lista[0]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, puerto or 0))]
        return real(host, puerto, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", falso)
    return consultas


@pytest.mark.parametrize("ip", ["127.0.0.1", "100.64.1.1", "10.1.2.3", "169.254.169.254"])
def test_url_que_resuelve_a_red_interna_o_nat_de_operador_se_rechaza(settings, monkeypatch, ip):
    from django.core.exceptions import ValidationError

    settings.DEBUG = False
    _dns_falso(monkeypatch, {"receptor.ejemplo.co": [ip]})
    with pytest.raises(ValidationError, match="no puede apuntar a una red interna"):
        cambios.validar_url("https://receptor.ejemplo.co/gancho")
    with pytest.raises(ValueError, match="red interna"):
        cambios._enviar("https://receptor.ejemplo.co/gancho", b"{}", {})


def test_la_conexion_va_a_la_ip_revisada_aunque_el_dns_cambie(settings, monkeypatch):
    """Rebinding: la primera respuesta es global, la segunda local; se conecta a la primera."""
    import socket

    settings.DEBUG = False
    consultas = _dns_falso(monkeypatch, {"receptor.ejemplo.co": ["93.184.216.34", "127.0.0.1"]})
    conexiones = []

    def conectar(direccion, *args, **kwargs):
        conexiones.append(direccion)
        raise ConnectionRefusedError("sin red en la prueba")

    monkeypatch.setattr(socket, "create_connection", conectar)
    with pytest.raises(ConnectionRefusedError):
        cambios._enviar("https://receptor.ejemplo.co/gancho", b"{}", {})
    assert conexiones == [("93.184.216.34", 443)]
    assert consultas == ["receptor.ejemplo.co"]


def test_la_conexion_a_la_ip_lleva_el_nombre_en_host(settings, monkeypatch, receptor):
    settings.DEBUG = True
    r = receptor()
    puerto = r.servidor.server_address[1]
    _dns_falso(monkeypatch, {"receptor.ejemplo.co": ["127.0.0.1"]})
    assert cambios._enviar(f"http://receptor.ejemplo.co:{puerto}/gancho", b"{}", {"Content-Type": "application/json"}) == 200
    assert r.recibidas[0][0]["host"] == f"receptor.ejemplo.co:{puerto}"


@pytest.mark.parametrize("consulta", [
    ("/api/v1/departamentos/", "actualizado_desde", "2026-02-30T00:00:00"),
    ("/api/v1/departamentos/", "actualizado_desde", "2026-01-01T00:00:00+24:00"),
    ("/api/v1/departamentos/", "actualizado_desde", "0001-01-01T00:00:00+05:00"),
    ("/api/v1/departamentos/", "actualizado_desde", "9999-12-31T23:59:59-05:00"),
    (ELIMINACIONES, "desde", "0001-01-01T00:00:00+05:00"),
    (ELIMINACIONES, "desde", "9999-12-31T23:59:59-05:00"),
])
def test_marcas_fuera_de_rango_dan_400_en_espanol(consulta):
    ruta, parametro, valor = consulta
    r = APIClient().get(ruta, {parametro: valor})
    assert r.status_code == 400, r.content
    assert r.json()[parametro] == ["Use una fecha y hora ISO 8601 válida, p. ej. 2026-11-30T15:00:00Z."]


def test_el_secreto_no_queda_en_la_clave_de_idempotencia(settings, admin_dnp, oferente):
    from att.models import SolicitudIdempotente

    settings.DEBUG = True
    _token, clave = services.token_emitir(nombre="Sistema", usuario=oferente, entidad=oferente.membresias.get().entidad,
                                         rol=Rol.OFERENTE, por=admin_dnp)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {clave}")
    cuerpo = {"url": "http://127.0.0.1:9/x", "eventos": ["oferta.oferta.creado"]}
    primera = api.post("/api/v1/webhooks/", cuerpo, format="json", HTTP_IDEMPOTENCY_KEY="webhook-1")
    assert primera.status_code == 201
    secreto = primera.json()["secreto"]
    assert secreto == SuscripcionWebhook.objects.get().secreto
    guardada = SolicitudIdempotente.objects.get()
    assert secreto.encode() not in bytes(guardada.cuerpo)
    assert "Location" not in primera  # no la URL del receptor como si fuera la del recurso
    segunda = api.post("/api/v1/webhooks/", cuerpo, format="json", HTTP_IDEMPOTENCY_KEY="webhook-1")
    assert segunda.status_code == 201 and segunda["Idempotent-Replayed"] == "true"
    assert segunda.json()["id"] == primera.json()["id"]
    assert segunda.json()["secreto"].startswith("El secreto se mostró una sola vez")
    assert SuscripcionWebhook.objects.count() == 1


def test_admin_muestra_el_secreto_en_la_pagina_y_no_en_la_cookie(client, settings, admin_dnp, oferente):
    settings.DEBUG = True
    client.force_login(admin_dnp)
    r = client.post("/admin/att/suscripcionwebhook/add/", {
        "url": "https://receptor.ejemplo.com/att", "eventos": json.dumps(["oferta.oferta.creado"]),
        "usuario": oferente.pk, "entidad": "", "activa": "on",
    })
    secreto = SuscripcionWebhook.objects.get().secreto
    assert r.status_code == 200
    assert secreto in r.content.decode()
    assert all(secreto not in morsel.value for morsel in r.cookies.values())
    assert secreto not in str(dict(client.session))
