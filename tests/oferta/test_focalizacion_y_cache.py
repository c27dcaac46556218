"""Revisión: lista explícita de entidades en el formulario, SET LOCAL sin fugas, caché del portal
invalidada por todas las vías y sin contenido por persona, paginación y consultas de las listas."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from att import busqueda
from att.models import Entidad, Tema, TipoEntidad
from oferta import selectors, services
from oferta.forms import OfertaForm
from oferta.models import EstadoOferta, Oferta
from tests import factories
from tests.oferta import fabricas
from tests.oferta.test_paginas import formulario_valido

pytestmark = pytest.mark.django_db
PORTAL = "/oferta/"


@pytest.fixture(autouse=True)
def _cache_limpia():
    cache.clear()
    yield
    cache.clear()


def nombres(respuesta):
    return [o.nombre for o in respuesta.context["pagina"].object_list]


# --- Lista explícita de entidades (focaliza_entidades) ------------------------------------------
def test_formulario_guarda_la_lista_explicita_por_codigos(client, oferente, entidad_oferente):
    client.force_login(oferente)
    html = client.get("/oferta/nueva/").content.decode()
    # Un campo de texto, no 1.250 opciones.
    assert 'name="focaliza_entidades"' in html and "<option" not in html.split('name="focaliza_entidades"')[1][:200]
    r = client.post("/oferta/nueva/", formulario_valido(entidad_oferente, focaliza_entidades="05001, 76;05 05001"))
    assert r.status_code == 302, r.content.decode()[:2000]
    oferta = Oferta.objects.get(entidad=entidad_oferente)
    lista = {(e.tipo, e.municipio_id or e.departamento_id) for e in oferta.focaliza_entidades.all()}
    assert lista == {(TipoEntidad.ALCALDIA, "05001"), (TipoEntidad.GOBERNACION, "76"), (TipoEntidad.GOBERNACION, "05")}
    # Al editar, los códigos vuelven al campo.
    html = client.get(f"/oferta/{oferta.pk}/editar/").content.decode()
    campo = re.search(r'<textarea name="focaliza_entidades"[^>]*>([^<]*)</textarea>', html).group(1)
    assert sorted(c.strip() for c in campo.split(",")) == ["05", "05001", "76"]


def test_lista_explicita_con_codigos_malos_vuelve_en_espanol(client, oferente, entidad_oferente):
    client.force_login(oferente)
    r = client.post("/oferta/nueva/", formulario_valido(entidad_oferente, focaliza_entidades="05001 abc 123"))
    html = r.content.decode()
    assert r.status_code == 200 and "Revise el formulario" in html
    assert "no son códigos DIVIPOLA" in html and "abc, 123" in html
    assert 'href="#id_focaliza_entidades"' in html  # el resumen enlaza al campo
    assert "05001 abc 123" in html  # lo escrito se conserva
    r = client.post("/oferta/nueva/", formulario_valido(entidad_oferente, focaliza_entidades="05001 99999"))
    assert "No hay una alcaldía o gobernación activa con estos códigos: 99999." in r.content.decode()
    assert not Oferta.objects.exists()


def test_ayuda_y_error_ligados_al_campo(oferente, entidad_oferente):
    form = OfertaForm(formulario_valido(entidad_oferente, focaliza_entidades="xx"), usuario=oferente)
    assert not form.is_valid()
    html = str(form["focaliza_entidades"])
    assert 'aria-describedby="id_focaliza_entidades_helptext id_focaliza_entidades_error"' in html
    assert 'aria-invalid="true"' in html
    assert "_ayuda" not in str(form["cooferentes"])


def test_servicio_rechaza_entidades_no_territoriales_en_la_lista(oferente, entidad_oferente):
    from django.core.exceptions import ValidationError

    nacional = factories.EntidadNacionalFactory()
    with pytest.raises(ValidationError, match="La lista explícita solo admite entidades territoriales") as e:
        services.oferta_crear(por=oferente, entidad=entidad_oferente,
                              datos=fabricas.datos_oferta(focaliza_entidades=[nacional]))
    assert "solo admite entidades territoriales" in str(e.value)


def test_api_rechaza_entidades_no_territoriales(oferente, entidad_oferente):
    from tests.oferta.test_api import cuerpo

    api = APIClient()
    api.force_authenticate(oferente)
    nacional = factories.EntidadNacionalFactory()
    r = api.post("/api/v1/ofertas/", cuerpo(entidad_oferente, focaliza_entidades=[nacional.pk]), format="json")
    assert r.status_code == 400 and "focaliza_entidades" in r.json()
    medellin = Entidad.objects.get(tipo=TipoEntidad.ALCALDIA, municipio_id="05001")
    r = api.post("/api/v1/ofertas/", cuerpo(entidad_oferente, focaliza_entidades=[medellin.pk]), format="json")
    assert r.status_code == 201, r.json()


# --- SET LOCAL enable_seqscan confinado a su consulta ------------------------------------------
def _seqscan():
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        return cursor.fetchone()[0]


def test_set_local_no_se_fuga_a_las_demas_consultas():
    """La prueba corre dentro de una transacción (como cualquier llamada desde un bloque atómico):
    el ajuste no debe sobrevivir a la consulta del portal."""
    fabricas.oferta(nombre="Planeación territorial")
    assert _seqscan() == "on"
    resultados = selectors.portal_resultados(selectors.FiltrosPortal.desde({"q": "planeacion"}))
    assert resultados.pagina.paginator.count == 1
    assert _seqscan() == "on"
    # Página fuera de rango (segunda consulta dentro del mismo bloque): tampoco.
    selectors.portal_resultados(selectors.FiltrosPortal.desde({"q": "planeacion"}), 99)
    assert _seqscan() == "on"


def test_set_local_no_se_fuga_en_la_peticion(client):
    fabricas.oferta(nombre="Planeación territorial")
    assert client.get(PORTAL, {"q": "planeacion"}).status_code == 200
    assert _seqscan() == "on"


# --- Caché del portal ---------------------------------------------------------------------------
def test_cache_se_invalida_al_borrar_desde_el_admin(client, admin_dnp):
    from django.contrib.auth import get_user_model

    vieja = fabricas.oferta(nombre="Vieja")
    fabricas.oferta(nombre="Nueva")
    assert sorted(nombres(client.get(PORTAL))) == ["Nueva", "Vieja"]
    su = get_user_model().objects.create_superuser(email="su@att.demo", password="x-clave-larga-2026")
    client.force_login(su)
    r = client.post(f"/admin/oferta/oferta/{vieja.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    client.logout()
    assert nombres(client.get(PORTAL)) == ["Nueva"]


def test_cache_se_invalida_al_editar_desde_el_admin(client):
    from django.contrib.auth import get_user_model

    o = fabricas.oferta(nombre="Antes")
    assert nombres(client.get(PORTAL)) == ["Antes"]
    # Una edición en SQL que no toca `actualizada` no cambia la huella; el admin sí (save + búsqueda).
    su = get_user_model().objects.create_superuser(email="su2@att.demo", password="x-clave-larga-2026")
    client.force_login(su)
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    admin = site._registry[Oferta]
    pedido = RequestFactory().post("/")
    pedido.user = su
    o.nombre = "Después"
    admin.save_model(pedido, o, form=None, change=True)
    client.logout()
    assert nombres(client.get(PORTAL)) == ["Después"]


def test_cache_se_invalida_por_la_api_y_la_importacion(client, oferente, admin_dnp, entidad_oferente):
    fabricas.oferta(nombre="Primera")
    assert client.get(PORTAL).context["pagina"].paginator.count == 1
    o = fabricas.oferta(entidad=entidad_oferente, nombre="Borrador API", estado=EstadoOferta.BORRADOR)
    api = APIClient()
    api.force_authenticate(oferente)
    assert api.post(f"/api/v1/ofertas/{o.pk}/enviar/").status_code == 200
    services.oferta_publicar(oferta=o, por=admin_dnp)
    assert sorted(nombres(client.get(PORTAL))) == ["Borrador API", "Primera"]
    # Un cambio de facetas por servicio (editar vuelve a calcular la copia de ids) también invalida.
    salud = Tema.objects.get(codigo="salud")
    p = fabricas.oferta(entidad=entidad_oferente, nombre="Editable", estado=EstadoOferta.DEVUELTA)
    assert client.get(PORTAL, {"tema": salud.pk}).context["pagina"].paginator.count == 0
    services.oferta_actualizar(por=oferente, oferta=p, datos={"temas": [salud]})
    Oferta.objects.filter(pk=p.pk).update(estado=EstadoOferta.PUBLICADA, actualizada=p.actualizada)
    services.actualizar_busqueda([p.pk])
    assert nombres(client.get(PORTAL, {"tema": salud.pk})) == ["Editable"]


def test_pagina_anonima_en_cache_no_lleva_contenido_por_persona(client, oferente, admin_dnp):
    fabricas.oferta(nombre="Pública")
    client.force_login(admin_dnp)
    html = client.get(PORTAL).content.decode()
    assert "Cola de revisión" in html and "/oferta/solapamientos/" in html
    client.force_login(oferente)
    html = client.get(PORTAL).content.decode()  # resultados de la caché
    assert "Registrar una oferta" in html and "Cola de revisión" not in html
    client.logout()
    html = client.get(PORTAL).content.decode()
    for privado in ("Registrar una oferta", "Cola de revisión", "/oferta/solapamientos/", "/oferta/mias/",
                    "Solicitar esta asistencia", "/demanda/nueva/"):
        assert privado not in html
    # Al revés: lo anónimo en caché no quita nada a quien entra después.
    client.force_login(oferente)
    assert "Registrar una oferta" in client.get(PORTAL).content.decode()


def test_borradores_y_archivadas_nunca_en_el_portal_en_cache(client, oferente, entidad_oferente):
    fabricas.oferta(nombre="Pública")
    for estado in (EstadoOferta.BORRADOR, EstadoOferta.DEVUELTA, EstadoOferta.ARCHIVADA, EstadoOferta.EN_REVISION):
        fabricas.oferta(entidad=entidad_oferente, nombre=f"Privada {estado}", estado=estado)
    client.force_login(oferente)  # el dueño tampoco las ve en el portal (solo en «mis ofertas»)
    assert nombres(client.get(PORTAL)) == ["Pública"]
    client.logout()
    assert nombres(client.get(PORTAL)) == ["Pública"]
    r = client.get("/api/v1/ofertas/")
    assert [o["nombre"] for o in r.json()["results"]] == ["Pública"]


# --- Claves finas: solo lo publicado cambia la huella --------------------------------------------
def _consulta_portal(client, params=None):
    """(nombres, si la página salió de la caché): con caché solo corre la huella, no la consulta única."""
    with CaptureQueriesContext(connection) as capturadas:
        r = client.get(PORTAL, params or {})
    assert r.status_code == 200
    de_la_base = any("json_build_object" in c["sql"] for c in capturadas.captured_queries)
    return sorted(nombres(r)), not de_la_base


def test_editar_una_no_publicada_no_invalida_la_cache(client, oferente, entidad_oferente):
    fabricas.oferta(nombre="Publicada")
    borrador = fabricas.oferta(entidad=entidad_oferente, nombre="Borrador", estado=EstadoOferta.BORRADOR)
    devuelta = fabricas.oferta(entidad=entidad_oferente, nombre="Devuelta", estado=EstadoOferta.DEVUELTA)
    assert _consulta_portal(client) == (["Publicada"], False)
    assert _consulta_portal(client) == (["Publicada"], True)
    services.oferta_actualizar(por=oferente, oferta=borrador, datos={"nombre": "Borrador editado"})
    services.oferta_actualizar(por=oferente, oferta=devuelta, datos={"temas": [Tema.objects.get(codigo="salud")]})
    services.oferta_enviar(oferta=devuelta, por=oferente)  # en revisión: tampoco es pública
    fabricas.oferta(entidad=entidad_oferente, nombre="Otro borrador", estado=EstadoOferta.BORRADOR)
    assert _consulta_portal(client) == (["Publicada"], True)


def test_publicar_retirar_y_editar_una_publicada_invalidan(client, oferente, admin_dnp, entidad_oferente):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    primera = fabricas.oferta(nombre="Primera")
    o = fabricas.oferta(entidad=entidad_oferente, nombre="Segunda", estado=EstadoOferta.EN_REVISION)
    assert _consulta_portal(client) == (["Primera"], False)
    services.oferta_publicar(oferta=o, por=admin_dnp)
    assert _consulta_portal(client) == (["Primera", "Segunda"], False)
    assert _consulta_portal(client) == (["Primera", "Segunda"], True)
    # Editar una publicada (el admin guarda y recalcula la búsqueda y las facetas).
    pedido = RequestFactory().post("/")
    pedido.user = admin_dnp
    o.refresh_from_db()
    o.nombre = "Segunda corregida"
    site._registry[Oferta].save_model(pedido, o, form=None, change=True)
    assert _consulta_portal(client) == (["Primera", "Segunda corregida"], False)
    # Retirar la más vieja (no es la de la última actualización): baja la cantidad.
    services.oferta_archivar(oferta=primera, por=admin_dnp, motivo="Fin")
    assert _consulta_portal(client) == (["Segunda corregida"], False)
    assert _consulta_portal(client) == (["Segunda corregida"], True)
    services.oferta_archivar(oferta=o, por=oferente, motivo="Fin")
    assert _consulta_portal(client) == ([], False)


def test_busqueda_con_texto_en_cache_por_texto_e_invalidada_al_publicar(client, admin_dnp, entidad_oferente):
    """Las filas de una búsqueda con texto también se guardan (con el texto en la clave: otra palabra no
    recibe las de la primera, los espacios de más sí) y publicar una oferta que coincide las invalida."""
    fabricas.oferta(nombre="Catastro multipropósito")
    fabricas.oferta(nombre="Plan de desarrollo")
    nueva = fabricas.oferta(entidad=entidad_oferente, nombre="Catastro rural", estado=EstadoOferta.EN_REVISION)
    assert _consulta_portal(client, {"q": "catastro"}) == (["Catastro multipropósito"], False)
    assert _consulta_portal(client, {"q": "  catastro "}) == (["Catastro multipropósito"], True)
    assert _consulta_portal(client, {"q": "desarrollo"}) == (["Plan de desarrollo"], False)
    services.oferta_publicar(oferta=nueva, por=admin_dnp)
    assert _consulta_portal(client, {"q": "catastro"}) == (["Catastro multipropósito", "Catastro rural"], False)
    assert _consulta_portal(client, {"q": "catastro"}) == (["Catastro multipropósito", "Catastro rural"], True)


def test_la_cache_del_portal_guarda_filas_no_la_respuesta(client):
    """En caliente el portal no corre su consulta, pero pinta la página en cada visita: en la caché hay
    filas, ningún HTML ni respuesta (el arnés HTTP juzga su % del techo con la caché caliente por eso)."""
    import pickle

    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    fabricas.oferta(nombre="Catastro multipropósito")
    for params in ({}, {"q": "catastro"}):
        assert _consulta_portal(client, params)[1] is False
        assert _consulta_portal(client, params) == (["Catastro multipropósito"], True)
        r = client.get(PORTAL, params)
        assert "oferta/portal.html" in [t.name for t in r.templates]
    backend = caches["default"]
    assert isinstance(backend, LocMemCache)
    guardados = [pickle.loads(v) for v in backend._cache.values()]
    # Las filas de cada búsqueda, con la hora en que vencen (la de la copia armada en el proceso).
    filas = [v for v in guardados if isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], list)]
    assert len(filas) == 2
    assert all(isinstance(vence, float) for vence, _f in filas)
    assert not any("<html" in repr(v) or type(v).__name__.endswith("Response") for v in guardados)
    # La copia del proceso guarda tarjetas y facetas, tampoco HTML.
    assert len(selectors._RESULTADOS_EN_PROCESO) == 2
    assert all(isinstance(r, selectors.Resultados) for _v, r in selectors._RESULTADOS_EN_PROCESO.values())


def test_copia_del_proceso_sigue_a_la_huella_y_vence_con_las_filas(client, admin_dnp, entidad_oferente, monkeypatch):
    """Las tarjetas y facetas armadas en el proceso se sirven sin ir a la caché compartida mientras la huella
    sea la misma y no pase la hora en que vencen sus filas; publicar cambia la huella (se leen de nuevo) y,
    pasada esa hora, se vuelven a leer de la caché compartida aunque la huella no cambie."""
    from types import SimpleNamespace

    fabricas.oferta(nombre="Catastro multipropósito")
    assert _consulta_portal(client) == (["Catastro multipropósito"], False)
    leidas = []
    original = cache.get
    monkeypatch.setattr(cache, "get", lambda clave, *a, **k: leidas.append(clave) or original(clave, *a, **k))
    assert _consulta_portal(client) == (["Catastro multipropósito"], True)
    assert not [c for c in leidas if c.startswith("oferta:portal:")]  # de la copia del proceso
    # Publicar: otra huella, otra clave; la consulta corre y la lista trae la nueva.
    nueva = fabricas.oferta(entidad=entidad_oferente, nombre="Catastro rural", estado=EstadoOferta.EN_REVISION)
    services.oferta_publicar(oferta=nueva, por=admin_dnp)
    assert _consulta_portal(client) == (["Catastro multipropósito", "Catastro rural"], False)
    # Vencida la hora de sus filas (la misma que en la caché compartida), la copia ya no se usa.
    [vence] = [vence for vence, r in selectors._RESULTADOS_EN_PROCESO.values()
               if "Catastro rural" in [t.nombre for t in r.pagina.object_list]]
    leidas.clear()
    monkeypatch.setattr(selectors, "time", SimpleNamespace(time=lambda: vence - 0.001))
    client.get(PORTAL)
    assert not [c for c in leidas if c.startswith("oferta:portal:")]  # un instante antes, todavía la copia
    monkeypatch.setattr(selectors, "time", SimpleNamespace(time=lambda: vence))
    client.get(PORTAL)
    assert [c for c in leidas if c.startswith("oferta:portal:")]  # a la hora en punto, de nuevo la caché


def test_con_la_cache_apagada_no_hay_copia_del_proceso(client, settings):
    """Con DummyCache (desarrollo sin caché, las corridas frías del arnés) la consulta corre en cada visita:
    la copia del proceso no la esconde (antes la tabla del arnés comparaba la página con la sola huella)."""
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert type(caches["default"]).__name__ == "DummyCache"
    fabricas.oferta(nombre="Catastro multipropósito")
    assert _consulta_portal(client) == (["Catastro multipropósito"], False)
    assert _consulta_portal(client) == (["Catastro multipropósito"], False)
    assert len(selectors._RESULTADOS_EN_PROCESO) == 0


def test_borrar_en_sql_invalida_y_no_repite_una_huella_vieja(client, oferente, admin_dnp, entidad_oferente):
    """Borrar en SQL (sin el admin ni señales) la de la última actualización vuelve el máximo a uno
    anterior: el contador de borrados (disparador) hace que la clave no sea una ya guardada con
    otro conjunto. Borrar un borrador no cuenta."""
    a = fabricas.oferta(nombre="A")
    fabricas.oferta(nombre="B")
    assert _consulta_portal(client)[0] == ["A", "B"]
    c = fabricas.oferta(entidad=entidad_oferente, nombre="C", estado=EstadoOferta.EN_REVISION)
    services.oferta_publicar(oferta=c, por=admin_dnp)
    Oferta.objects.filter(pk=a.pk).delete()
    assert _consulta_portal(client) == (["B", "C"], False)
    Oferta.objects.filter(pk=c.pk).delete()
    assert _consulta_portal(client) == (["B"], False)
    assert _consulta_portal(client) == (["B"], True)
    borrador = fabricas.oferta(entidad=entidad_oferente, nombre="Borrador", estado=EstadoOferta.BORRADOR)
    Oferta.objects.filter(pk=borrador.pk).delete()
    assert _consulta_portal(client) == (["B"], True)


def test_la_que_vence_hoy_cuenta_y_la_de_ayer_no_tambien_en_cache(client):
    import datetime
    from unittest import mock

    from django.utils import timezone

    hoy = timezone.localdate()
    fabricas.oferta(nombre="Sin fin")
    fabricas.oferta(nombre="Vence hoy", vigencia_desde=hoy - datetime.timedelta(days=30), vigencia_hasta=hoy)
    fabricas.oferta(nombre="Venció ayer", vigencia_desde=hoy - datetime.timedelta(days=30),
                    vigencia_hasta=hoy - datetime.timedelta(days=1))
    assert _consulta_portal(client) == (["Sin fin", "Vence hoy"], False)
    assert _consulta_portal(client) == (["Sin fin", "Vence hoy"], True)
    # Al día siguiente, sin que nada cambie en las filas: la de hoy ya venció, y no desde la caché.
    with mock.patch("django.utils.timezone.localdate", return_value=hoy + datetime.timedelta(days=1)):
        assert _consulta_portal(client) == (["Sin fin"], False)


# --- Paginación del portal ----------------------------------------------------------------------
def test_paginacion_conserva_filtros_repetidos(client):
    planeacion = Tema.objects.get(codigo="planeacion")
    salud = Tema.objects.get(codigo="salud")
    for i in range(2 * selectors.POR_PAGINA + 1):
        fabricas.oferta(nombre=f"Oferta {i:02d}", temas=("planeacion", "salud"), buscar=False)
    services.actualizar_busqueda(Oferta.objects.values_list("pk", flat=True))
    r = client.get(PORTAL, {"tema": [planeacion.pk, salud.pk], "orden": "nombre", "page": 2})
    html = r.content.decode()
    enlaces = re.findall(r'<a href="\?([^"]+)" rel="(?:prev|next)"', html)
    assert len(enlaces) == 2
    for enlace in enlaces:
        partes = enlace.replace("&amp;", "&").split("&")
        assert f"tema={planeacion.pk}" in partes and f"tema={salud.pk}" in partes and "orden=nombre" in partes
    assert "Página 2 de 3" in html


def test_numero_de_pagina_grande_sin_separador(client):
    from unittest import mock

    for i in range(2):
        fabricas.oferta(nombre=f"Oferta {i}")
    with mock.patch("oferta.views.selectors.portal_resultados") as resultados:
        from django.core.paginator import Paginator

        pagina = Paginator(selectors._PaginaConocida(2_500_000, []), 2).page(1_234)
        resultados.return_value = selectors.Resultados(pagina=pagina, facetas=[])
        html = client.get(PORTAL, {"page": 1234}).content.decode()
    assert "Página 1234 de 1250000" in html
    assert "page=1235" in html and "page=1.235" not in html


# --- Consultas fijas en las listas de gestión ---------------------------------------------------
def _ofertas_en_bloque(n, entidad, estado):
    base = fabricas.oferta(entidad=entidad, estado=estado, nombre="Base")
    Oferta.objects.bulk_create([
        Oferta(entidad=entidad, nombre=f"Oferta {i}", necesidad="n", descripcion="d", canal=base.canal,
               contacto_nombre="c", contacto_email="c@x.co", vigencia_desde=base.vigencia_desde, estado=estado)
        for i in range(n - 1)
    ])


@pytest.mark.parametrize("n", [10, 1000])
def test_consultas_de_mis_ofertas_fijas(client, oferente, entidad_oferente, django_assert_max_num_queries, n):
    _ofertas_en_bloque(n, entidad_oferente, EstadoOferta.BORRADOR)
    client.force_login(oferente)
    client.get("/oferta/mias/")  # calienta la sesión
    with django_assert_max_num_queries(8):
        r = client.get("/oferta/mias/", {"estado": "borrador", "page": 2})
    assert r.status_code == 200 and r.context["pagina"].paginator.count == n


@pytest.mark.parametrize("n", [10, 1000])
def test_consultas_de_la_cola_de_revision_fijas(client, admin_dnp, django_assert_max_num_queries, n):
    _ofertas_en_bloque(n, factories.EntidadNacionalFactory(), EstadoOferta.EN_REVISION)
    client.force_login(admin_dnp)
    client.get("/oferta/revision/")
    with django_assert_max_num_queries(8):
        r = client.get("/oferta/revision/")
    assert r.status_code == 200 and r.context["pagina"].paginator.count == n


def test_cola_de_revision_y_solapamientos_cerrados_a_oferentes(client, oferente, funcionario_medellin):
    for persona in (oferente, funcionario_medellin):
        client.force_login(persona)
        assert client.get("/oferta/revision/").status_code == 403
        assert client.get("/oferta/solapamientos/").status_code == 403


# --- Lista explícita en la importación y en los datos abiertos -----------------------------------
def test_importacion_y_exportacion_de_la_lista_explicita(client, oferente, entidad_oferente, admin_dnp):
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from att.models import EstadoImportacionArchivo as EstadoImportacion
    from att.models import Importacion

    encabezado = ("nombre,necesidad,descripcion,descriptores,temas,capacidades,etapas,modalidades,canal,"
                  "contacto_nombre,contacto_email,vigencia_desde,focaliza_entidades")
    fila = ('"Asesoría {n}",n,d,gestion-publica,planeacion,planeacion,programacion,asesoria,virtual,Ana,'
            'ana@x.gov.co,2026-01-01,"{codigos}"')

    def subir(codigos):
        contenido = "\n".join([encabezado, fila.format(n=1, codigos=codigos)]) + "\n"
        client.post("/oferta/importar/", {"archivo": SimpleUploadedFile("o.csv", contenido.encode(), "text/csv")})
        return Importacion.objects.latest("pk")

    client.force_login(oferente)
    imp = subir("05001,99999")
    assert imp.estado == EstadoImportacion.CON_ERRORES
    assert "99999" in imp.errores[0]["error"] and imp.errores[0]["fila"] == 2
    imp = subir("05001, 76")
    assert imp.estado == EstadoImportacion.VALIDADA, imp.errores
    client.post(f"/nucleo/importaciones/{imp.pk}/")
    oferta = Oferta.objects.get()
    assert sorted(e.municipio_id or e.departamento_id for e in oferta.focaliza_entidades.all()) == ["05001", "76"]
    Oferta.objects.filter(pk=oferta.pk).update(estado=EstadoOferta.PUBLICADA)
    filas = list(csv.DictReader(io.StringIO(client.get("/oferta/exportar/").getvalue().decode("utf-8-sig"))))
    assert sorted(filas[0]["focaliza_entidades"].split(";")) == ["05001", "76"]


def test_detalle_muestra_nombres_y_no_codigos(client):
    o = fabricas.oferta(focaliza_grupos_mdm=["G4"], focaliza_categorias=["6"], publico_objetivo=["planeacion"])
    html = client.get(f"/oferta/{o.pk}/").content.decode()
    assert "G4 – nivel medio bajo" in html and "Sexta" in html and "Secretaría de planeación" in html


def test_departamento_cubierto_sigue_la_lista_explicita(client):
    from att.models import Departamento

    medellin = Entidad.objects.get(tipo=TipoEntidad.ALCALDIA, municipio_id="05001")
    valle = Entidad.objects.get(tipo=TipoEntidad.GOBERNACION, departamento_id="76")
    solo_lista = fabricas.oferta(nombre="Solo Medellín y Valle", buscar=False)
    solo_lista.focaliza_entidades.set([medellin, valle])
    ambas = fabricas.oferta(nombre="Antioquia y lista", departamentos=[Departamento.objects.get(codigo="05")],
                            buscar=False)
    ambas.focaliza_entidades.set([medellin, valle])
    fabricas.oferta(nombre="Todo el país", buscar=False)
    services.actualizar_busqueda(Oferta.objects.values_list("pk", flat=True))
    assert Oferta.objects.get(pk=solo_lista.pk).facetas_departamentos == ["05", "76"]
    assert Oferta.objects.get(pk=ambas.pk).facetas_departamentos == ["05"]
    assert sorted(nombres(client.get(PORTAL, {"departamento": "76"}))) == ["Solo Medellín y Valle", "Todo el país"]
    assert sorted(nombres(client.get(PORTAL, {"departamento": "05"}))) == [
        "Antioquia y lista", "Solo Medellín y Valle", "Todo el país"]
    assert nombres(client.get(PORTAL, {"departamento": "11"})) == ["Todo el país"]


def test_o_en_espanol_es_alternativa_como_dice_la_ayuda(client):
    fabricas.oferta(nombre="Plan de desarrollo territorial", descripcion="Incluye catastro multipropósito")
    fabricas.oferta(nombre="Plan de desarrollo con enfoque étnico")
    fabricas.oferta(nombre="Gestión del riesgo", temas=("gestion-riesgo",))
    esperadas = ["Plan de desarrollo con enfoque étnico", "Plan de desarrollo territorial"]
    assert sorted(nombres(client.get(PORTAL, {"q": "catastro o etnico"}))) == esperadas
    assert sorted(nombres(client.get(PORTAL, {"q": "catastro O étnico"}))) == esperadas
    # Dentro de comillas la «o» es parte de la frase, no una alternativa.
    assert busqueda.texto_tsquery('"agua o saneamiento" o riesgo') == "(agua <-> o <-> saneamiento) | riesgo:*"
    api = APIClient()
    assert sorted(o["nombre"] for o in api.get("/api/v1/ofertas/", {"q": "catastro o etnico"}).json()["results"]) \
        == esperadas


def test_portal_tiene_salto_a_los_resultados(client):
    html = client.get(PORTAL).content.decode()
    assert 'href="#titulo-resultados"' in html and 'id="titulo-resultados"' in html


def test_importar_solo_el_oferente(client, admin_dnp, oferente):
    """Importar crea borradores a nombre de la entidad: el DNP no registra ofertas (ni por formulario)."""
    client.force_login(admin_dnp)
    assert client.get("/oferta/importar/").status_code == 403
    assert client.get("/oferta/nueva/").status_code == 403
    client.force_login(oferente)
    assert client.get("/oferta/importar/").status_code == 200
