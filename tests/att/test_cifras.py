"""Cifras de la portada, de las facetas del repositorio y de la percepción del tablero del DNP, en la caché
por área (`att.cifras`): una edición de oferta recalcula lo de la oferta y nada más; la cifra que depende
del día cambia al cambiar el día; consultas fijas de 10 a 1.000 filas en frío y ninguna (o casi) en
caliente; con Redis caído las páginas siguen sirviendo desde la base."""

import copy
import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from att import cifras
from att.models import Entidad, Rol, TipoEntidad
from conocimiento.models import Recurso
from demanda.models import Demanda
from oferta import services as services_oferta
from oferta.models import EstadoOferta, Oferta
from seguimiento.models import ConfiguracionSeguimiento, Percepcion
from tests import factories
from tests.conocimiento.conftest import recurso_publicado
from tests.demanda import fabricas as fabricas_demanda
from tests.oferta import fabricas as fabricas_oferta

pytestmark = pytest.mark.django_db
RAIZ = Path(__file__).resolve().parents[2]
PUERTO_CERRADO = "redis://127.0.0.1:1/0"
TABLERO = "/seguimiento/"
REPOSITORIO = "/conocimiento/repositorio/"


def _copias(obj, n: int, **cambios_por_i):
    """`n` copias de `obj` en una sola inserción (sin señales: quien llama invalida las cifras)."""
    copias = []
    for i in range(n):
        c = copy.copy(obj)
        c.pk = c.id = None
        c._state = copy.copy(obj._state)
        c._state.adding = True
        for campo, valor in cambios_por_i.items():
            setattr(c, campo, valor(i) if callable(valor) else valor)
        copias.append(c)
    type(obj).objects.bulk_create(copias, batch_size=1000)


def _mundo(n: int) -> dict:
    """`n` ofertas publicadas, demandas, recursos publicados y calificaciones de percepción."""
    medellin = Entidad.objects.get(tipo=TipoEntidad.ALCALDIA, municipio_id="05001")
    persona = factories.persona(medellin, Rol.FUNCIONARIO_ET)
    oferta = fabricas_oferta.oferta(nombre="Oferta modelo")
    _copias(oferta, n - 1, nombre=lambda i: f"Oferta {i}")
    demanda = fabricas_demanda.demanda(medellin, persona)
    _copias(demanda, n - 1, titulo=lambda i: f"Demanda {i}")
    recurso = recurso_publicado(persona)
    _copias(recurso, n - 1, titulo=lambda i: f"Recurso {i}")
    hoy = timezone.localdate()
    percepcion = Percepcion.objects.create(entidad=medellin, fecha=hoy, calidad=5, pertinencia=4, oportunidad=3)
    _copias(percepcion, n - 1, calidad=lambda i: 1 + i % 5)
    cifras.invalidar(*cifras.areas())  # las copias se insertaron sin señales
    ConfiguracionSeguimiento.obtener()  # la primera visita no la crea (crearla invalida el tablero)
    return {"medellin": medellin, "persona": persona, "oferta": oferta}


def _cifra(respuesta, etiqueta: str) -> int:
    """La cifra como la ve quien visita (la página del anónimo puede venir ya pintada, sin contexto)."""
    encontrada = re.search(rf">{re.escape(etiqueta)}</a></dt><dd>([\d.]+)</dd>", respuesta.content.decode())
    assert encontrada, etiqueta
    return int(encontrada.group(1).replace(".", ""))


def _calificaciones_tablero(respuesta) -> int:
    """Cuántas calificaciones de percepción muestra el tablero (su cuerpo puede venir ya pintado)."""
    return int(re.search(r"([\d.]+) calificaciones ·", respuesta.content.decode()).group(1).replace(".", ""))


def _total_repositorio(respuesta) -> int:
    encontrado = re.search(r'data-total="(\d+)"|(\d[\d.]*) (?:recursos|resultados)', respuesta.content.decode())
    return int((encontrado.group(1) or encontrado.group(2)).replace(".", ""))


def _sql(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries]


# --- Invalidación fina ------------------------------------------------------------------------------
def test_editar_una_oferta_cambia_su_cifra_y_no_recalcula_la_demanda_ni_el_repositorio(client, admin_dnp):
    datos = _mundo(10)
    assert _cifra(client.get("/"), "Ofertas publicadas") == 10
    assert client.get(REPOSITORIO).status_code == 200  # las facetas quedan en la caché
    otras = cifras.versiones(["demanda", "conocimiento", "territorio", "percepcion"])
    version_oferta = cifras.versiones(["oferta"])["oferta"]

    services_oferta.oferta_archivar(oferta=datos["oferta"], por=admin_dnp, motivo="Ya no se ofrece.")

    assert cifras.versiones(["oferta"])["oferta"] != version_oferta
    assert cifras.versiones(["demanda", "conocimiento", "territorio", "percepcion"]) == otras
    with CaptureQueriesContext(connection) as ctx:
        r = client.get("/")
    assert _cifra(r, "Ofertas publicadas") == 9
    sql = [q["sql"] for q in ctx.captured_queries]
    assert any('"oferta_oferta"' in s for s in sql)  # la cifra de la oferta (y el mapa, que la cuenta)
    assert not any('COUNT(*) AS "__count" FROM "demanda_demanda"' in s for s in sql)  # demandas abiertas
    assert not any("conocimiento_recurso" in s for s in sql)
    # El repositorio sigue en la caché: ningún conteo de facetas.
    assert not any("GROUP BY" in s for s in _sql(client, REPOSITORIO))
    assert _cifra(r, "Demandas abiertas") == 10


def test_publicar_un_recurso_recalcula_el_repositorio_y_no_la_oferta(client):
    datos = _mundo(10)
    assert _total_repositorio(client.get(REPOSITORIO)) == 10
    version_oferta = cifras.versiones(["oferta"])["oferta"]
    recurso_publicado(datos["persona"], titulo="Otro recurso")
    assert cifras.versiones(["oferta"])["oferta"] == version_oferta
    r = client.get(REPOSITORIO)
    assert r.context["total"] == 11 and r.context["pagina"].paginator.count == 11
    assert sum(f["n"] for g in r.context["grupos"] if g["clave"] == "tipo" for f in g["visibles"] + g["resto"]) == 11


def test_las_cifras_coinciden_con_la_verdad(client):
    _mundo(10)
    Oferta.objects.filter(nombre="Oferta 0").update(estado=EstadoOferta.BORRADOR)  # sin señal: se invalida a mano
    cifras.invalidar("oferta")
    r = client.get("/")
    assert _cifra(r, "Ofertas publicadas") == Oferta.objects.publicadas().count() == 9
    assert _cifra(r, "Buenas prácticas y experiencias publicadas") == Recurso.objects.filter(estado="publicado").count()
    assert _cifra(r, "Demandas abiertas") == Demanda.objects.count()
    from att.views import contexto_portada

    total_mapa = sum(int(f.texto_valor.replace(".", "")) for f in contexto_portada()["mapa"].filas)
    assert total_mapa == Demanda.objects.count()


def test_la_oferta_que_vence_hoy_deja_de_contar_al_cambiar_el_dia_sin_que_nada_se_escriba(client, monkeypatch):
    hoy = timezone.localdate()
    fabricas_oferta.oferta(nombre="Sin fin")
    fabricas_oferta.oferta(nombre="Termina hoy", vigencia_hasta=hoy)
    fabricas_oferta.oferta(nombre="Venció ayer", vigencia_hasta=hoy - datetime.timedelta(days=1))
    assert _cifra(client.get("/"), "Ofertas publicadas") == 2
    assert _cifra(client.get("/"), "Ofertas publicadas") == 2  # de la caché
    manana = hoy + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: manana)
    assert _cifra(client.get("/"), "Ofertas publicadas") == 1


def test_una_calificacion_nueva_cambia_la_percepcion_del_tablero_del_dnp(client, seguimiento_dnp):
    datos = _mundo(10)
    client.force_login(seguimiento_dnp)
    assert _calificaciones_tablero(client.get(TABLERO)) == 10
    assert _calificaciones_tablero(client.get(TABLERO)) == 10  # de la caché
    Percepcion.objects.create(entidad=datos["medellin"], fecha=timezone.localdate(), calidad=1, pertinencia=1,
                              oportunidad=1)
    r = client.get(TABLERO)
    assert _calificaciones_tablero(r) == 11 == Percepcion.objects.count()


# --- Consultas fijas de 10 a 1.000 filas; en caliente, ninguna o casi ---------------------------------
# En frío: los conteos del territorio (3) y los de cada app (5), y el mapa (territorios, demanda y oferta).
CONSULTAS_PORTADA_FRIA = 11
# Tablero del DNP en caliente (cuerpo ya pintado): persona con sus membresías (con el nombre de su entidad) y
# avisos sin leer en una consulta (`att.models.usuarios.cargando_de_sesion`; la sesión sale de la caché,
# cached_db) y su dispositivo de segundo factor; en frío,
# además la configuración, los consolidados, las series, la percepción, los avances por validar y las agendas
# del filtro.
CONSULTAS_TABLERO_CALIENTE = 2
CONSULTAS_TABLERO_FRIO = 16
# Repositorio con sesión y facetas en caliente: persona con sus membresías y avisos sin leer (una consulta,
# `att.models.usuarios.cargando_de_sesion`), segundo factor, la página de la lista y los temas de sus recursos.
CONSULTAS_REPOSITORIO_CON_SESION = 4


@pytest.mark.parametrize("n", [10, 1000])
def test_portada_consultas_fijas_en_frio_y_ninguna_en_caliente(client, n):
    _mundo(n)
    assert len(_sql(client, "/")) == CONSULTAS_PORTADA_FRIA
    assert _sql(client, "/") == []


@pytest.mark.parametrize("n", [10, 1000])
def test_repositorio_sin_consulta_fijo_y_sin_conteos_en_caliente(client, seguimiento_dnp, n):
    _mundo(n)
    # Anónimo: en frío la lista, los temas de sus recursos y las tres facetas (el total sale de la de tipo);
    # en caliente, la página ya pintada.
    assert len(_sql(client, REPOSITORIO)) == 5
    assert _sql(client, REPOSITORIO) == []
    # Con sesión se pinta, pero las facetas siguen en la caché: ningún conteo.
    client.force_login(seguimiento_dnp)
    caliente = _sql(client, REPOSITORIO)
    assert len(caliente) == CONSULTAS_REPOSITORIO_CON_SESION
    assert not any("COUNT(" in s and "conocimiento_recurso" in s for s in caliente)


@pytest.mark.parametrize("n", [10, 1000])
def test_tablero_del_dnp_fijo_y_sin_agregados_de_percepcion_en_caliente(client, seguimiento_dnp, n):
    _mundo(n)
    client.force_login(seguimiento_dnp)
    frio = _sql(client, TABLERO)
    caliente = _sql(client, TABLERO)
    assert len(caliente) == CONSULTAS_TABLERO_CALIENTE
    assert any("seguimiento_percepcion" in s for s in frio)
    assert not any("seguimiento_percepcion" in s or "seguimiento_avance" in s for s in caliente)
    assert len(frio) == CONSULTAS_TABLERO_FRIO


# --- Cabeceras -----------------------------------------------------------------------------------------
def test_portada_y_repositorio_publicos_en_cache_solo_para_anonimos(client, admin_dnp):
    for url, segundos in (("/", 60), (REPOSITORIO, 0)):
        r = client.get(url)
        assert "public" in r["Cache-Control"] and f"max-age={segundos}" in r["Cache-Control"].split(", ")
        assert "Cookie" in r["Vary"]
    client.force_login(admin_dnp)
    for url in ("/", REPOSITORIO):
        r = client.get(url)
        assert r["Cache-Control"] == "private, no-store"


def test_portada_y_repositorio_anonimos_se_comprimen_una_vez_y_se_sirven_comprimidos(client, monkeypatch):
    """La página guardada va ya comprimida: quien acepta gzip la recibe tal cual (GZipMiddleware no la vuelve
    a comprimir); quien no, descomprimida e igual. En caliente no se comprime nada."""
    import gzip as gzip_mod

    from att import cabeceras

    _mundo(10)
    comprimidas = []
    original = cabeceras.comprimir_pagina

    def contar(html):
        comprimidas.append(1)
        return original(html)

    monkeypatch.setattr(cabeceras, "comprimir_pagina", contar)
    for url in ("/", REPOSITORIO):
        plano = client.get(url)  # en frío: se pinta y se comprime una vez
        assert "Content-Encoding" not in plano and "Accept-Encoding" in plano["Vary"]
        antes = len(comprimidas)
        r = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert r["Content-Encoding"] == "gzip" and "Accept-Encoding" in r["Vary"]
        assert gzip_mod.decompress(r.content) == plano.content
        assert len(comprimidas) == antes
    assert len(comprimidas) == 2


def _sin_token_csrf(html: bytes) -> bytes:
    """El token CSRF del formulario «Salir» va enmascarado distinto en cada respuesta."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def test_tablero_del_dnp_guarda_el_cuerpo_comprimido_y_solo_comprime_el_encabezado(client, seguimiento_dnp, monkeypatch):
    """El cuerpo del tablero se comprime una vez (`Tramo`); en caliente la respuesta gzip pega ese tramo al
    encabezado de la persona, comprimido en la visita: gunzip da la misma página que recibe quien no acepta
    gzip, y nada comprime otra vez el cuerpo (ni `Tramo` ni `GZipMiddleware`)."""
    import gzip as gzip_mod

    from att import cabeceras

    _mundo(10)
    client.force_login(seguimiento_dnp)
    tramos = []
    original = cabeceras.Tramo.de_texto.__func__

    def contar(cls, texto, nivel=9):
        tramos.append(len(texto))
        return original(cls, texto, nivel)

    monkeypatch.setattr(cabeceras.Tramo, "de_texto", classmethod(contar))
    plano = client.get(TABLERO)
    assert "Content-Encoding" not in plano and "Accept-Encoding" in plano["Vary"]
    assert _calificaciones_tablero(plano) == 10 and len(tramos) == 1
    comprimidas = []
    monkeypatch.setattr("att.cabeceras.comprimir_gzip", lambda *a, **k: comprimidas.append(1) or b"")
    r = client.get(TABLERO, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert r["Content-Encoding"] == "gzip" and "Accept-Encoding" in r["Vary"]
    assert _sin_token_csrf(gzip_mod.decompress(r.content)) == _sin_token_csrf(plano.content)
    assert len(tramos) == 1 and comprimidas == []


# --- Redis caído ---------------------------------------------------------------------------------------
def test_con_redis_caido_las_tres_paginas_sirven_desde_la_base(client, settings, seguimiento_dnp):
    _mundo(10)
    settings.CACHES = {"default": {"BACKEND": "att.cache.RedisTolerante", "LOCATION": PUERTO_CERRADO,
                                   "OPTIONS": {"PAUSA_TRAS_FALLO": 30}}}
    r = client.get("/")
    assert r.status_code == 200 and _cifra(r, "Ofertas publicadas") == 10
    assert _total_repositorio(client.get(REPOSITORIO)) == 10
    Percepcion.objects.create(entidad=Entidad.objects.get(municipio_id="05001", tipo=TipoEntidad.ALCALDIA),
                              fecha=timezone.localdate(), calidad=1, pertinencia=1, oportunidad=1)
    client.force_login(seguimiento_dnp)
    r = client.get(TABLERO)
    assert r.status_code == 200 and _calificaciones_tablero(r) == 11


# --- Ajustes: la caché es Redis siempre que haya broker ---------------------------------------------------
def _cache_con(**entorno) -> list[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CACHE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_REDIS_DB")}
    env.update(entorno)
    salida = subprocess.run(
        [sys.executable, "-c", (
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='att.settings'; django.setup(); "
            "from django.conf import settings as s; c = s.CACHES['default']; "
            "print(c['BACKEND'], c.get('LOCATION'))"
        )],
        check=True, cwd=RAIZ, env=env, capture_output=True, text=True,
    )
    return salida.stdout.strip().splitlines()[-1].split()


def test_con_broker_y_sin_cache_url_la_cache_es_redis_en_otra_base():
    assert _cache_con(CELERY_BROKER_URL="redis://redis:6379/0") == ["att.cache.RedisTolerante", "redis://redis:6379/2"]
    assert _cache_con(CELERY_BROKER_URL="redis://redis:6379/0", CELERY_RESULT_BACKEND="redis://redis:6379/2") == [
        "att.cache.RedisTolerante", "redis://redis:6379/3"]
    assert _cache_con(CELERY_BROKER_URL="redis://redis:6379/0", CACHE_REDIS_DB="9") == [
        "att.cache.RedisTolerante", "redis://redis:6379/9"]
    # CACHE_URL manda; sin broker, la caché del proceso.
    assert _cache_con(CELERY_BROKER_URL="redis://redis:6379/0", CACHE_URL="rediscache://otra:6379/5") == [
        "att.cache.RedisTolerante", "redis://otra:6379/5"]
    assert _cache_con()[0] == "django.core.cache.backends.locmem.LocMemCache"


def test_un_despliegue_con_otro_codigo_no_sirve_las_cifras_pintadas_con_el_anterior(db, settings):
    """El sello lleva la versión del código: HTML guardado por la versión anterior (plantillas y estáticos de
    antes) no se sirve tras un despliegue, aunque ningún dato haya cambiado."""
    calculos = []

    def calcular():
        calculos.append(1)
        return f"<p>versión {cifras.version_del_codigo()}</p>"

    settings.ATT_VERSION_DESPLIEGUE = "despliegue-1"
    cifras.version_del_codigo.cache_clear()
    try:
        assert cifras.leer("prueba:version", ("oferta",), calcular) == "<p>versión despliegue-1</p>"
        assert cifras.leer("prueba:version", ("oferta",), calcular) == "<p>versión despliegue-1</p>"
        assert len(calculos) == 1
        settings.ATT_VERSION_DESPLIEGUE = "despliegue-2"
        cifras.version_del_codigo.cache_clear()
        assert cifras.leer("prueba:version", ("oferta",), calcular) == "<p>versión despliegue-2</p>"
        assert len(calculos) == 2
    finally:
        settings.ATT_VERSION_DESPLIEGUE = ""
        cifras.version_del_codigo.cache_clear()
    sin_variable = cifras.version_del_codigo()
    assert len(sin_variable) == 12 and int(sin_variable, 16) >= 0  # el resumen del código, estable
    assert cifras.version_del_codigo() == sin_variable


def test_sin_version_de_despliegue_un_manifiesto_de_estaticos_nuevo_cambia_la_version(settings, tmp_path):
    """Un CSS cambiado cambia su nombre con huella (manifiesto de collectstatic): el HTML guardado con el
    enlace viejo no se sirve tras el despliegue."""
    settings.ATT_VERSION_DESPLIEGUE = ""
    settings.STATIC_ROOT = tmp_path
    try:
        cifras.version_del_codigo.cache_clear()
        sin_manifiesto = cifras.version_del_codigo()
        (tmp_path / "staticfiles.json").write_text('{"paths": {"css/att.css": "css/att.1a2b3c.css"}}')
        cifras.version_del_codigo.cache_clear()
        con_manifiesto = cifras.version_del_codigo()
        (tmp_path / "staticfiles.json").write_text('{"paths": {"css/att.css": "css/att.9f8e7d.css"}}')
        cifras.version_del_codigo.cache_clear()
        otro = cifras.version_del_codigo()
    finally:
        cifras.version_del_codigo.cache_clear()
    assert len({sin_manifiesto, con_manifiesto, otro}) == 3
