"""Listas de la API por lotes (att/api/lotes.py): el mismo JSON que la serialización de DRF objeto por
objeto, consultas fijas de 10 a 1.000 filas, `?fields=` y ETag / `If-None-Match`."""

import datetime
import pickle

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from att.api import lotes
from att.api.lotes import ListaPorLotes
from att.models import Capacidad, Departamento, NivelCapacidad, Tema
from indicadores.models import Indicador
from oferta.models import Oferta
from oferta.services import actualizar_busqueda
from tests import factories
from tests.espias import contar_llamadas
from tests.oferta import fabricas
from tests.oferta.test_portal import _muchas

pytestmark = pytest.mark.django_db
OFERTAS = "/api/v1/ofertas/"


def _viejo(cliente, url, monkeypatch, **kw):
    """La misma petición con la serialización de DRF de antes (objeto por objeto, con prefetch)."""
    with monkeypatch.context() as m:
        m.setattr(ListaPorLotes, "lotes_activos", False)
        return cliente.get(url, **kw)


def _consultas(cliente, url, **kw):
    with CaptureQueriesContext(connection) as c:
        r = cliente.get(url, **kw)
    assert r.status_code == 200, r.content[:500]
    return len(c.captured_queries), r


@pytest.fixture
def ofertas_completas(db):
    """Ofertas con todas sus relaciones llenas (varios valores, en un orden distinto al de inserción)."""
    entidades = [factories.EntidadNacionalFactory() for _ in range(3)]
    indicador = Indicador.objects.create(
        nombre="Índice", descripcion="d", formula="f", tipo="producto", unidad="u",
        linea_base=0, meta_cuatrienio=10, tipo_acumulacion="flujo", unidad_responsable="DNP", entidad=entidades[0])
    hechas = []
    for i in range(4):
        o = fabricas.oferta(entidad=entidades[i % 3], nombre=f"Oferta {i}", temas=("salud", "planeacion"),
                            modalidades=("capacitacion", "asesoria"), cooferentes=entidades[1:][::-1],
                            departamentos=list(Departamento.objects.order_by("-codigo")[:3]))
        o.capacidades.set(Capacidad.objects.all()[:3])
        o.niveles_capacidad.set(NivelCapacidad.objects.all()[:2])
        o.focaliza_entidades.set([factories.alcaldia("05001")])
        o.indicadores.set([indicador])
        hechas.append(o)
    actualizar_busqueda([o.pk for o in hechas])
    return hechas


@pytest.mark.parametrize("consulta", ["", "?tamano=2", "?q=oferta", "?ordering=id", "?tema=salud"])
def test_ofertas_el_mismo_json_que_drf(ofertas_completas, monkeypatch, consulta):
    api = APIClient()
    nuevo = api.get(OFERTAS + consulta)
    viejo = _viejo(api, OFERTAS + consulta, monkeypatch)
    assert nuevo.status_code == viejo.status_code == 200
    assert nuevo.json()["results"], nuevo.json()
    assert nuevo.content == viejo.content  # mismas claves, tipos, orden y valores, byte a byte
    fila = nuevo.json()["results"][0]
    assert len(fila["temas"]) == 2 and len(fila["cooferentes"]) == 2 and fila["entidad_detalle"]["nombre"]


def test_ofertas_el_mismo_json_para_el_oferente(ofertas_completas, monkeypatch, oferente, entidad_oferente):
    fabricas.oferta(entidad=entidad_oferente, estado="borrador", nombre="Mi borrador")
    api = APIClient()
    api.force_authenticate(oferente)
    assert api.get(OFERTAS).content == _viejo(api, OFERTAS, monkeypatch).content


def _fria_y_caliente(api, url):
    """Consultas de la petición con la caché de filas vacía (la compartida y la del proceso) y de la
    siguiente, y esa respuesta."""
    cache.clear()
    lotes.olvidar_filas_en_proceso()
    fria, _r = _consultas(api, url)
    caliente, r = _consultas(api, url)
    return fria, caliente, r


@pytest.mark.parametrize("n", [10, 1000])
def test_consultas_de_la_lista_de_ofertas_planas(n, settings):
    # Redis no tiene tope de claves; la caché en memoria de las pruebas guarda 300 por defecto.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "filas-planas", "OPTIONS": {"MAX_ENTRIES": 5000}}}
    _muchas(n)
    api = APIClient()
    base = _fria_y_caliente(api, OFERTAS)
    *maximo, r = _fria_y_caliente(api, OFERTAS + "?tamano=500")
    assert len(r.json()["results"]) == min(n, 500)
    # Con la caché de filas vacía, dos consultas: la página (ids, huella y orden) y las filas que faltan
    # con cada lista muchos-a-muchos como arreglo agregado (antes de los lotes, 1 + 10 prefetch); con las
    # filas guardadas, solo la página. Lo mismo con 10 o 1.000 filas y con página de 50 o de 500.
    assert base[:2] == tuple(maximo) == (2, 1)


def test_fields_pide_menos(ofertas_completas):
    api = APIClient()
    consultas, r = _consultas(api, OFERTAS + "?fields=nombre,id,temas")
    assert list(r.json()["results"][0]) == ["id", "nombre", "temas"]  # el orden del recurso
    assert consultas == 2  # la página y sus filas con los temas; sin las demás relaciones
    assert "cooferentes" not in _sqls(api, OFERTAS + "?fields=nombre,id,temas&tamano=3")[-1]
    r = api.get(f"{OFERTAS}{ofertas_completas[0].pk}/?fields=id,temas")
    assert r.json() == {"id": ofertas_completas[0].pk, "temas": ["planeacion", "salud"]}


@pytest.mark.parametrize("url", [OFERTAS + "?fields=nombre,nada", "/api/v1/ofertas/{pk}/?fields=precio"])
def test_fields_desconocido_400_en_espanol(ofertas_completas, url):
    r = APIClient().get(url.format(pk=ofertas_completas[0].pk))
    assert r.status_code == 400
    mensaje = r.json()["fields"][0]
    assert "Campos desconocidos" in mensaje and "nombre" in mensaje and "cooferentes" in mensaje


def test_etag_y_304_en_la_lista(ofertas_completas):
    api = APIClient()
    r = api.get(OFERTAS)
    etag = r["ETag"]
    with CaptureQueriesContext(connection) as c:
        r304 = api.get(OFERTAS, HTTP_IF_NONE_MATCH=etag)
    assert r304.status_code == 304 and not r304.content and r304["ETag"] == etag
    assert len(c.captured_queries) == 1  # solo la página: sin serializar
    assert api.get(OFERTAS, HTTP_IF_NONE_MATCH=f'W/{etag}').status_code == 304  # comparación débil
    # Otra consulta, otros campos u otra persona: otra etiqueta.
    assert api.get(OFERTAS + "?fields=id")["ETag"] != etag
    assert api.get(OFERTAS + "?tamano=2", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_editar_una_oferta_cambia_el_etag(ofertas_completas, oferente, entidad_oferente):
    api = APIClient()
    etag = api.get(OFERTAS)["ETag"]
    o = ofertas_completas[0]
    Oferta.objects.filter(pk=o.pk).update(nombre="Cambiado")
    actualizar_busqueda([o.pk])  # lo que hacen los servicios al guardar
    r = api.get(OFERTAS, HTTP_IF_NONE_MATCH=etag)
    assert r.status_code == 200 and r["ETag"] != etag
    assert "Cambiado" in [f["nombre"] for f in r.json()["results"]]


def test_cambiar_una_relacion_o_un_catalogo_cambia_el_etag(ofertas_completas):
    api = APIClient()
    etag = api.get(OFERTAS)["ETag"]
    # Sin tocar la oferta (p. ej. desde el admin del catálogo): el código del tema cambia.
    tema = Tema.objects.get(codigo="salud")
    tema.codigo = "salud-publica"
    tema.save()
    r = api.get(OFERTAS, HTTP_IF_NONE_MATCH=etag)
    assert r.status_code == 200 and "salud-publica" in r.json()["results"][0]["temas"]
    etag = r["ETag"]
    ofertas_completas[-1].temas.remove(tema)  # la intermedia, sin guardar la oferta
    assert api.get(OFERTAS, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_etag_del_detalle(ofertas_completas):
    api = APIClient()
    o = ofertas_completas[0]
    url = f"{OFERTAS}{o.pk}/"
    etag = api.get(url)["ETag"]
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    Oferta.objects.filter(pk=o.pk).update(nombre="Otro", actualizada=datetime.datetime.now(datetime.UTC))
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


# --- Las demás listas grandes: demandas, avances, líneas de plan ------------------------------------
@pytest.fixture
def datos_de_seguimiento(entidad_oferente, oferente, auditor):
    from demanda.models import EstadoDemanda
    from seguimiento import services as servicios_seguimiento
    from seguimiento.models import Avance, EvidenciaAvance
    from tests.demanda import fabricas as fabricas_demanda
    from tests.seguimiento import fabricas as fabricas_seguimiento

    et = factories.alcaldia("05001")
    persona = factories.persona(et, "funcionario_et")
    for i in range(3):
        fabricas_demanda.demanda(et, persona, temas=("salud", "planeacion"), capacidad="planeacion",
                                 etapa="planeacion" if i else None, canal="virtual",
                                 estado=EstadoDemanda.REGISTRADA)
    linea = fabricas_seguimiento.linea(entidad_oferente)
    hito = fabricas_seguimiento.hito(linea)
    servicios_seguimiento.recalcular_linea(linea)
    for pct in (10, 20):
        a = Avance.objects.create(hito=hito, porcentaje=pct, fecha_corte=datetime.date(2026, 5, pct),
                                  narrativa="n", registrado_por=oferente)
        EvidenciaAvance.objects.create(avance=a, nombre=f"acta-{pct}.pdf", archivo="x.pdf")
        EvidenciaAvance.objects.create(avance=a, nombre=f"foto-{pct}.jpg", archivo="y.jpg")
    return auditor  # lee todo


@pytest.mark.parametrize("url", [
    "/api/v1/demandas/", "/api/v1/demandas/?tamano=2", "/api/v1/seguimiento/avances/", "/api/v1/agenda/lineas/",
])
def test_las_otras_listas_el_mismo_json_que_drf(datos_de_seguimiento, monkeypatch, url):
    api = APIClient()
    api.force_authenticate(datos_de_seguimiento)
    nuevo = api.get(url)
    assert nuevo.status_code == 200 and nuevo.json()["results"], nuevo.content[:300]
    assert nuevo.content == _viejo(api, url, monkeypatch).content
    etag = nuevo["ETag"]
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert api.get(url + ("&" if "?" in url else "?") + "fields=id", HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.parametrize("n", [10, 1000])
def test_consultas_de_la_lista_de_demandas_planas(auditor, n):
    from demanda.models import Demanda, EstadoDemanda, FuenteNecesidad

    et = factories.alcaldia("05001")
    persona = factories.persona(et, "funcionario_et")
    nuevas = Demanda.objects.bulk_create([
        Demanda(entidad=et, registrada_por=persona, titulo=f"D {i}", descripcion="x",
                fuente=FuenteNecesidad.DIAGNOSTICO, estado=EstadoDemanda.REGISTRADA) for i in range(n)])
    T = Demanda.temas.through
    temas = list(Tema.objects.filter(codigo__in=["planeacion", "salud"]))
    T.objects.bulk_create([T(demanda_id=d.pk, tema_id=t.pk) for d in nuevas for t in temas])
    api = APIClient()
    api.force_authenticate(auditor)
    api.get("/api/v1/demandas/?fields=id")  # lo que se lee una vez por persona (permisos) queda fuera
    base, _r = _consultas(api, "/api/v1/demandas/")
    maximo, r = _consultas(api, "/api/v1/demandas/?tamano=500")
    assert len(r.json()["results"]) == min(n, 500) and len(r.json()["results"][0]["temas"]) == 2
    assert base == maximo


def test_la_lista_de_ofertas_guarda_filas_no_la_respuesta(ofertas_completas, monkeypatch):
    """La API no guarda respuestas: como el portal, guarda el JSON de cada fila bajo su huella (fecha de
    modificación, generaciones de lo relacionado, campos, quién pide, idioma y zona). Cada petición lee
    su página de la base (ids, huella, orden) y arma el cuerpo; una fila que cambió se vuelve a
    serializar sola. El arnés HTTP juzga su % del techo con la caché caliente por eso."""

    cliente = APIClient()
    completa = cliente.get(OFERTAS)
    serializadas = []
    original = lotes.Plan.serializar

    def contar(self, filas, **kw):
        serializadas.append(len(filas))
        return original(self, filas, **kw)

    monkeypatch.setattr(lotes.Plan, "serializar", contar)
    sqls = _sqls(cliente, OFERTAS)
    assert serializadas == [] and len(sqls) == 1 and "oferta_oferta" in sqls[0]  # la página, sin serializar
    guardados = [v for v in cache._cache.values()]
    assert not any(b'"results"' in v for v in guardados if isinstance(v, bytes))
    assert not any(b'"results"' in pickle.loads(v) for v in guardados if isinstance(pickle.loads(v), bytes))
    # Editar una oferta (lo que hacen los servicios): solo su fila se vuelve a leer y serializar.
    o = ofertas_completas[1]
    Oferta.objects.filter(pk=o.pk).update(nombre="Renombrada")
    actualizar_busqueda([o.pk])
    r = cliente.get(OFERTAS)
    assert serializadas == [1]
    assert [f["nombre"] for f in r.json()["results"]] == [
        "Renombrada" if f["id"] == o.pk else f["nombre"] for f in completa.json()["results"]]


def test_filas_guardadas_el_mismo_json_que_drf(ofertas_completas, monkeypatch):
    """Fría, caliente, con una fila cambiada y con `?fields=`: byte a byte lo de DRF objeto por objeto."""
    api = APIClient()
    for _vez in range(2):
        assert api.get(OFERTAS).content == _viejo(api, OFERTAS, monkeypatch).content
    # `?fields=` (DRF objeto por objeto no lo conoce): la caliente igual a la fría.
    caliente = api.get(OFERTAS + "?fields=id,temas").content
    cache.clear()
    assert caliente == api.get(OFERTAS + "?fields=id,temas").content and b'"url"' not in caliente
    Oferta.objects.filter(pk=ofertas_completas[2].pk).update(nombre="Con “comillas” y \u2028 separador")
    actualizar_busqueda([ofertas_completas[2].pk])
    nuevo = api.get(OFERTAS)
    assert nuevo.content == _viejo(api, OFERTAS, monkeypatch).content
    assert b"\\u2028" in nuevo.content and "application/json" == nuevo["Content-Type"]


def test_filas_guardadas_por_idioma_zona_y_quien_pide(ofertas_completas, monkeypatch, oferente, entidad_oferente):
    """La fila guardada de una zona horaria, de un idioma o de una persona no se sirve a otra."""
    import zoneinfo

    from django.utils import timezone, translation

    api = APIClient()
    api.get(OFERTAS)
    with timezone.override(zoneinfo.ZoneInfo("UTC")):
        utc = api.get(OFERTAS)
        assert utc.content == _viejo(api, OFERTAS, monkeypatch).content
    assert utc.json()["results"][0]["actualizada"].endswith("Z")
    assert not api.get(OFERTAS).json()["results"][0]["actualizada"].endswith("Z")
    with translation.override("en"):
        assert api.get(OFERTAS).content == _viejo(api, OFERTAS, monkeypatch).content
    fabricas.oferta(entidad=entidad_oferente, estado="borrador", nombre="Mi borrador")
    api.force_authenticate(oferente)
    assert api.get(OFERTAS).content == _viejo(api, OFERTAS, monkeypatch).content


def test_lista_navegable_y_con_sangria_sin_filas_guardadas(ofertas_completas, monkeypatch):
    """Con `indent=` o el HTML navegable de DRF la página se serializa entera (las filas guardadas son
    JSON compacto)."""
    api = APIClient()
    api.get(OFERTAS)
    con_sangria = api.get(OFERTAS, HTTP_ACCEPT="application/json; indent=2")
    assert con_sangria.content.startswith(b'{\n  "next"')
    assert con_sangria.content == _viejo(api, OFERTAS, monkeypatch, HTTP_ACCEPT="application/json; indent=2").content


def _sqls(cliente, url):
    with CaptureQueriesContext(connection) as c:
        cliente.get(url)
    return [q["sql"] for q in c.captured_queries]


@pytest.mark.parametrize("zona", ["America/Bogota", "UTC"])
def test_fechas_con_hora_como_drf_en_la_zona_actual(zona):
    """El atajo de las fechas con hora da lo mismo que DateTimeField de DRF (zona actual, «Z» en UTC, nulos)."""
    import zoneinfo

    from django.utils import timezone
    from rest_framework import serializers

    from att.api.lotes import _representar

    campo = serializers.DateTimeField()
    atajo = _representar(campo)
    valores = [None, datetime.datetime(2026, 11, 30, 23, 59, 59, 123456, tzinfo=datetime.UTC),
               datetime.datetime(2026, 12, 1, 0, 0, tzinfo=zoneinfo.ZoneInfo("America/Bogota"))]
    with timezone.override(zoneinfo.ZoneInfo(zona)):
        assert [atajo(v) for v in valores] == [campo.to_representation(v) if v else None for v in valores]
        assert atajo(valores[1]).endswith("Z") == (zona == "UTC")


# --- La base de la lista sin filtros, armada una vez por clave ---------------------------------------
def _contar_bases(monkeypatch):
    """Cuántas veces la lista de ofertas arma su QuerySet (`get_queryset`), desde cero."""
    from oferta.api.views import OfertaViewSet

    monkeypatch.setattr(lotes, "_BASES_DE_LISTA", lotes.MemoriaAcotada(64))
    return contar_llamadas(monkeypatch, OfertaViewSet, "get_queryset")


def _con_token(admin_dnp, rol, entidad):
    from att import services as att_services

    persona = factories.persona(entidad, rol)
    _token, clave = att_services.token_emitir(nombre=f"Cliente {rol}", usuario=persona, entidad=entidad, rol=rol,
                                              por=admin_dnp)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {clave}")
    return api


def test_sin_filtros_la_base_se_arma_una_vez_y_da_el_mismo_json(ofertas_completas, monkeypatch):
    armadas = _contar_bases(monkeypatch)
    api = APIClient()
    primera = api.get(OFERTAS)
    siguiente = api.get(OFERTAS + "?tamano=2&fields=id,nombre")
    assert api.get(siguiente.json()["next"]).status_code == 200  # con cursor, la misma base
    n, _r = _consultas(api, OFERTAS + "?tamano=2")
    assert n == 1 and len(armadas) == 1  # la página de ids y huellas; las filas, de la caché
    assert [f["nombre"] for f in siguiente.json()["results"]] == ["Oferta 3", "Oferta 2"]
    assert primera.content == _viejo(api, OFERTAS, monkeypatch).content


@pytest.mark.parametrize("consulta", ["?tema=salud", "?ordering=id", "?q=oferta", "?actualizado_desde=2020-01-01T00:00Z",
                                      "?format=json"])
def test_con_cualquier_otro_parametro_la_base_se_arma_en_la_peticion(ofertas_completas, monkeypatch, consulta):
    armadas = _contar_bases(monkeypatch)
    api = APIClient()
    api.get(OFERTAS)
    r = api.get(OFERTAS + consulta)
    assert r.status_code == 200 and len(armadas) == 2
    assert r.content == _viejo(api, OFERTAS + consulta, monkeypatch).content


def test_la_base_de_las_publicadas_cambia_con_el_dia(monkeypatch):
    """La vigencia se compara con hoy: la que termina hoy se ve hoy y ya no mañana (otra clave, otra base)."""
    from django.utils import timezone

    armadas = _contar_bases(monkeypatch)
    hoy = timezone.localdate()
    fabricas.oferta(nombre="Termina hoy", vigencia_hasta=hoy)
    fabricas.oferta(nombre="Sigue", vigencia_hasta=hoy + datetime.timedelta(days=1))
    api = APIClient()
    assert sorted(f["nombre"] for f in api.get(OFERTAS).json()["results"]) == ["Sigue", "Termina hoy"]
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: hoy + datetime.timedelta(days=1))
    assert [f["nombre"] for f in api.get(OFERTAS).json()["results"]] == ["Sigue"]
    assert len(armadas) == 2


def test_el_integrador_usa_la_base_y_el_oferente_arma_la_suya(ofertas_completas, monkeypatch, admin_dnp,
                                                                entidad_oferente):
    """Un token de integrador ve lo publicado (la base compartida); el oferente ve además los borradores de su
    entidad: su lista depende de sus entidades y se arma en cada petición."""
    from att.models import Rol

    fabricas.oferta(entidad=entidad_oferente, estado="borrador", nombre="Mi borrador")
    armadas = _contar_bases(monkeypatch)
    integrador = _con_token(admin_dnp, Rol.INTEGRADOR, factories.alcaldia("05001"))
    anonimo = APIClient()
    assert "Mi borrador" not in {f["nombre"] for f in integrador.get(OFERTAS).json()["results"]}
    assert "Mi borrador" not in {f["nombre"] for f in anonimo.get(OFERTAS).json()["results"]}
    assert len(armadas) == 1
    oferente = _con_token(admin_dnp, Rol.OFERENTE, entidad_oferente)
    for _ in range(2):
        assert "Mi borrador" in {f["nombre"] for f in oferente.get(OFERTAS).json()["results"]}
    assert len(armadas) == 3


def _recorrer(api, url):
    """Ids de todas las páginas siguiendo `next`, y luego de vuelta siguiendo `previous`."""
    adelante, paginas = [], []
    while url:
        r = api.get(url)
        assert r.status_code == 200, r.content[:300]
        paginas.append(r.json())
        adelante.append([f["id"] for f in r.json()["results"]])
        url = r.json()["next"]
    atras, url = [], paginas[-1]["previous"]
    while url:
        r = api.get(url)
        atras.append([f["id"] for f in r.json()["results"]])
        url = r.json()["previous"]
    return adelante, atras


def test_la_pagina_preparada_recorre_igual_que_el_queryset_y_compila_una_vez_por_forma(monkeypatch):
    for i in range(7):
        fabricas.oferta(nombre=f"Oferta {i}")
    monkeypatch.setattr(lotes, "_BASES_DE_LISTA", lotes.MemoriaAcotada(64))
    monkeypatch.setattr(lotes, "_PAGINAS_PREPARADAS", lotes.MemoriaAcotada(256))
    monkeypatch.setattr(lotes, "_VALORES_DE_BASE", lotes.MemoriaAcotada(256))
    compiladas = contar_llamadas(monkeypatch, lotes.PaginaPreparada, "_preparar")
    api = APIClient()
    adelante, atras = _recorrer(api, OFERTAS + "?tamano=2&fields=id")
    ids = sorted(Oferta.objects.values_list("pk", flat=True), reverse=True)
    assert [i for pagina in adelante for i in pagina] == ids and len(adelante) == 4
    assert atras == adelante[-2::-1]  # de vuelta, las mismas páginas
    # Una compilación por forma: primera página, hacia adelante (pk__lt) y hacia atrás (pk__gt).
    assert sorted(str(filtro) for filtro, _rebanada in compiladas) == ["None", "pk__gt", "pk__lt"]
    # Con las filas ya guardadas, otro recorrido no arma ningún `.values()`: el de la página se armó
    # en la primera petición.
    valores = contar_llamadas(monkeypatch, QuerySet, "values")
    assert _recorrer(api, OFERTAS + "?tamano=2&fields=id") == (adelante, atras)
    assert valores == []
    with monkeypatch.context() as m:
        m.setattr(ListaPorLotes, "lotes_activos", False)
        assert _recorrer(api, OFERTAS + "?tamano=2&fields=id") == (adelante, atras)


@pytest.mark.parametrize("posicion", [b"abc", b"12.5", b"99999999999999999999999"])
def test_cursor_alterado_es_un_404_en_espanol(monkeypatch, posicion):
    """Una posición que no es un id (cursor alterado a mano) era un 500 al filtrar, por lotes y sin ellos."""
    import base64

    fabricas.oferta(nombre="Una")
    cursor = base64.b64encode(b"p=" + posicion).decode()
    api = APIClient(raise_request_exception=False)
    for r in (api.get(OFERTAS, {"cursor": cursor}), _viejo(api, OFERTAS + "?cursor=" + cursor, monkeypatch)):
        assert r.status_code == 404
        assert r.json()["detail"] == "Cursor inválido: siga los enlaces next y previous de la respuesta."


def test_cursor_con_fecha_en_actualizado_desde_sigue_valiendo():
    """Con `actualizado_desde` el orden es (fecha de modificación, id): la posición es una fecha."""
    for i in range(3):
        fabricas.oferta(nombre=f"Oferta {i}")
    api = APIClient()
    r = api.get(OFERTAS, {"actualizado_desde": "2020-01-01T00:00:00Z", "tamano": 1})
    assert r.status_code == 200 and r.json()["next"]
    siguiente = api.get(r.json()["next"])
    assert siguiente.status_code == 200 and len(siguiente.json()["results"]) == 1


def test_filas_en_el_proceso_sin_ir_a_la_cache_compartida_y_nunca_viejas(ofertas_completas, monkeypatch):
    """Una fila ya servida por este proceso sale de su copia local (ni `get_many` a Redis ni pickle); la
    copia va por la misma clave, así que un cambio en la fila o en una relación (otra huella u otra
    generación) se sirve nuevo aunque la copia vieja siga ahí."""
    from django.core.cache import caches

    api = APIClient()
    primera = api.get(OFERTAS)
    compartida = caches["default"]
    lecturas = contar_llamadas(monkeypatch, compartida, "get_many")
    assert api.get(OFERTAS).content == primera.content
    # Solo las generaciones de lo relacionado (una lectura de la caché por petición); las filas, del proceso.
    assert len(lecturas) == 1 and all(k.startswith(lotes._PREFIJO_GENERACION) for k in lecturas[0][0])
    o = ofertas_completas[1]
    o.temas.set(Tema.objects.filter(codigo="salud"))  # una relación: sube su generación, no la huella
    actualizada = api.get(OFERTAS)
    assert actualizada.content != primera.content
    assert len(next(f for f in actualizada.json()["results"] if f["id"] == o.pk)["temas"]) == 1
    assert actualizada.content == _viejo(api, OFERTAS, monkeypatch).content


def test_la_copia_local_de_filas_esta_acotada():
    assert lotes._FILAS_EN_PROCESO.tope == 4000
    filas = lotes.MemoriaAcotada(3)
    filas.guardar_varias({"a": b"1", "b": b"2"})
    filas.guardar_varias({"c": b"3"})
    assert set(filas) == {"a", "b", "c"}
    filas.guardar_varias({"d": b"4"})  # no cabe: se vacía y queda la nueva
    assert filas == {"d": b"4"}


def test_una_memoria_acotada_se_vacia_al_llenarse_y_vacia_la_que_depende_de_ella():
    dependiente = lotes.MemoriaAcotada(10)
    dependiente.guardar("forma", 1)
    bases = lotes.MemoriaAcotada(2, al_vaciar=dependiente.vaciar)
    assert bases.guardar("a", 1) == 1
    bases.guardar("b", 2)
    assert bases == {"a": 1, "b": 2} and dependiente == {"forma": 1}  # llena, pero no pasada del tope
    bases.guardar("c", 3)
    assert bases == {"c": 3}
    assert dependiente == {}
    assert lotes._BASES_DE_LISTA.tope == 64


def _nodos(plan):
    yield plan
    for hijo in plan.get("Plans", ()):
        yield from _nodos(hijo)


def test_la_pagina_de_ofertas_se_lee_del_indice_parcial_sin_tocar_la_tabla(ofertas_completas):
    """La consulta de cada página (ids y huellas de las publicadas, de la más nueva) la resuelve el índice parcial
    `oferta_publicada_id` (oferta/models.py) con un recorrido index-only: si la página pide otra columna de la
    oferta o cambia su filtro, el índice deja de bastar y falla aquí. Sin recorridos secuenciales ni de mapa de
    bits (con tres ofertas PostgreSQL leería la tabla entera, que a escala cuesta 0,2 ms más por página)."""
    cliente = APIClient()
    cliente.get(OFERTAS)  # la primera llena la caché de filas; la segunda solo lee su página
    sqls = _sqls(cliente, OFERTAS)
    assert len(sqls) == 1
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sqls[0])
        [[plan]] = cursor.fetchone()
    de_la_oferta = [n for n in _nodos(plan["Plan"]) if n.get("Relation Name") == "oferta_oferta"]
    assert [(n["Node Type"], n.get("Index Name")) for n in de_la_oferta] == [("Index Only Scan", "oferta_publicada_id")]
