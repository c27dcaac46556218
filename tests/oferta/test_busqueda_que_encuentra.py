"""Búsqueda que encuentra en el portal y la API de ofertas (issue 15): raíces y prefijos («catastro»
encuentra «catastral»), «¿Quiso decir …?», relevancia en cada búsqueda nueva, varios valores por
faceta y el enlace de vuelta que conserva la búsqueda."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

from att import busqueda
from att.models import Modalidad, Tema
from oferta import selectors
from oferta.models import EstadoOferta
from tests.oferta import fabricas

pytestmark = pytest.mark.django_db
PORTAL = "/oferta/"
API = "/api/v1/ofertas/"


def nombres(respuesta):
    return [o.nombre for o in respuesta.context["pagina"].object_list]


def api_nombres(**params):
    return sorted(o["nombre"] for o in APIClient().get(API, params).json()["results"])


def _enlace(html: str, id_: str) -> str:
    m = re.search(rf'<a id="{id_}" href="([^"]+)"', html)
    assert m, f"falta el enlace #{id_}"
    return unescape(m.group(1))


@pytest.fixture
def catastro():
    practica = fabricas.oferta(nombre="Actualización catastral multipropósito",
                               descripcion="Gestión catastral con enfoque multipropósito")
    fabricas.oferta(nombre="Gestión del riesgo de desastres", descripcion="Planes comunitarios")
    return practica


def test_catastro_encuentra_lo_catastral_y_al_reves(client, catastro):
    assert nombres(client.get(PORTAL, {"q": "catastro"})) == ["Actualización catastral multipropósito"]
    assert api_nombres(q="catastro") == ["Actualización catastral multipropósito"]
    otra = fabricas.oferta(nombre="Formación del catastro rural")
    assert sorted(nombres(client.get(PORTAL, {"q": "catastral"}))) == sorted([catastro.nombre, otra.nombre])
    assert api_nombres(q="catastral") == sorted([catastro.nombre, otra.nombre])


def test_prefijo_de_la_palabra_que_se_escribe_y_siglas_exactas(client):
    fabricas.oferta(nombre="Planeación territorial participativa")
    fabricas.oferta(nombre="Articulación interinstitucional")
    assert nombres(client.get(PORTAL, {"q": "participativa planea"})) == ["Planeación territorial participativa"]
    assert sorted(nombres(client.get(PORTAL, {"q": "planea"}))) == ["Articulación interinstitucional",
                                                                    "Planeación territorial participativa"]
    # Tres letras o menos (siglas): exactas, «ART» no trae todo lo que empieza por «art».
    assert nombres(client.get(PORTAL, {"q": "art"})) == []
    assert busqueda.texto_tsquery('"plan de desarrollo" -catastro o étnico ART planea') == \
        "(plan <-> de <-> desarrollo) & !catastro:* | etnico:* & ART & planea:*"
    assert busqueda.texto_tsquery("gestión catastral municipales presupuestaria social") == \
        "gestion:* & catastr:* & municip:* & presupuest:* & social:*"
    # Nada de la sintaxis de to_tsquery pasa desde afuera.
    assert busqueda.texto_tsquery("a:*|b&!(c)<->'d'") == "(a & b & c & d)"


def test_error_de_escritura_no_encuentra_pero_sugiere(client, catastro):
    fabricas.oferta(nombre="Borrador confidencialísimo", estado=EstadoOferta.BORRADOR)
    busqueda.refrescar_vocabulario("oferta")
    r = client.get(PORTAL, {"q": "catastrl", "orden": "nombre", "page": "2"})
    assert nombres(r) == []
    html = r.content.decode()
    enlace = _enlace(html, "sugerencia")
    assert ">catastral</a>" in html or ">catastro</a>" in html
    consulta = parse_qs(urlsplit(enlace).query)
    assert consulta["q"] in (["catastral"], ["catastro"]) and "orden" not in consulta and "page" not in consulta
    assert nombres(client.get(PORTAL + enlace)) == ["Actualización catastral multipropósito"]
    # Solo palabras de lo publicado: un borrador no se revela en una sugerencia.
    assert 'id="sugerencia"' not in client.get(PORTAL, {"q": "confidencialisimmo"}).content.decode()
    # Con resultados no hay sugerencia.
    assert 'id="sugerencia"' not in client.get(PORTAL, {"q": "catastral"}).content.decode()


def test_una_busqueda_nueva_se_ordena_por_relevancia(client):
    fabricas.oferta(nombre="Presupuesto participativo", publicada_en=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    fabricas.oferta(nombre="Asesoría general", descripcion="Algo sobre presupuesto y catastro")
    r = client.get(PORTAL, {"q": "presupuesto", "orden": "recientes"})
    assert nombres(r) == ["Asesoría general", "Presupuesto participativo"]
    html = r.content.decode()
    formulario = re.search(r'<form[^>]*role="search".*?</form>', html, re.DOTALL).group(0)
    assert 'name="orden"' not in formulario  # el formulario de búsqueda no arrastra el orden
    # Los enlaces de orden conservan la búsqueda.
    assert 'href="?q=presupuesto&amp;orden=relevancia"' in html
    r = client.get(PORTAL, {"q": "presupuesto"})  # lo que envía el formulario de búsqueda
    assert r.context["filtros"].orden == "relevancia"
    assert nombres(r) == ["Presupuesto participativo", "Asesoría general"]


def test_varios_valores_por_faceta_o_dentro_y_entre_facetas(client):
    fabricas.oferta(nombre="Solo asesoría", modalidades=("asesoria",), temas=("planeacion",))
    fabricas.oferta(nombre="Solo capacitación", modalidades=("capacitacion",), temas=("salud",))
    fabricas.oferta(nombre="Intercambio", modalidades=("intercambio",), temas=("planeacion",))
    asesoria, capacitacion = (Modalidad.objects.get(codigo=c).pk for c in ("asesoria", "capacitacion"))
    salud = Tema.objects.get(codigo="salud").pk
    r = client.get(PORTAL, {"modalidad": [asesoria, capacitacion]})
    assert sorted(nombres(r)) == ["Solo asesoría", "Solo capacitación"]
    # Marcar una modalidad no esconde las otras: cada una dice cuántas sumaría.
    modalidades = {o.nombre: (o.cantidad, o.elegida) for o in
                   next(f for f in r.context["facetas"] if f.clave == "modalidad").opciones}
    assert modalidades == {"Asesoría": (1, True), "Capacitación": (1, True), "Intercambio de experiencias": (1, False)}
    html = r.content.decode()
    assert f'name="modalidad" value="{asesoria}" checked' in html
    assert f'name="modalidad" value="{capacitacion}" checked' in html
    # Y entre facetas.
    r = client.get(PORTAL, {"modalidad": [asesoria, capacitacion], "tema": salud})
    assert nombres(r) == ["Solo capacitación"]
    assert r.context["pagina"].paginator.count == 1
    temas = {o.nombre: o.cantidad for o in next(f for f in r.context["facetas"] if f.clave == "tema").opciones}
    assert temas == {"Salud": 1, "Planeación": 1}
    # La API: clave repetida o con comas.
    assert api_nombres(modalidad=["asesoria", "capacitacion"]) == ["Solo asesoría", "Solo capacitación"]
    assert api_nombres(modalidad="asesoria,capacitacion", tema="salud") == ["Solo capacitación"]


def test_volver_al_portafolio_conserva_la_busqueda(client, catastro):
    asesoria = Modalidad.objects.get(codigo="asesoria").pk
    html = client.get(PORTAL, {"q": "catastro", "modalidad": asesoria}).content.decode()
    ficha = unescape(re.search(r'<h3><a href="([^"]+)">Actualización catastral', html).group(1))
    assert ficha.startswith(f"/oferta/{catastro.pk}/?volver=")
    volver = _enlace_volver(client.get(ficha).content.decode())
    assert volver == f"/oferta/?q=catastro&modalidad={asesoria}"
    assert nombres(client.get(volver)) == ["Actualización catastral multipropósito"]
    # Solo una consulta sobre el portal: nada de otro sitio ni claves ajenas.
    for malo in ("https://otro.example/?q=x", "//otro.example", "q=x&next=//otro.example"):
        destino = _enlace_volver(client.get(f"/oferta/{catastro.pk}/", {"volver": malo}).content.decode())
        assert destino.startswith("/oferta/") and "otro.example" not in destino and "next" not in destino
    assert _enlace_volver(client.get(f"/oferta/{catastro.pk}/").content.decode()) == "/oferta/"


def _enlace_volver(html: str) -> str:
    return unescape(re.search(r'<a href="([^"]*)">← Volver al portafolio', html).group(1))


@pytest.mark.parametrize("n", [10, 200])
def test_consultas_fijas_con_sugerencia_y_dos_valores(client, django_assert_max_num_queries, n):
    asesoria, capacitacion = (Modalidad.objects.get(codigo=c).pk for c in ("asesoria", "capacitacion"))
    ofertas = [fabricas.oferta(nombre=f"Catastro multipropósito {i}", buscar=False,
                               modalidades=("asesoria",) if i % 2 else ("capacitacion",)) for i in range(n)]
    from oferta.services import actualizar_busqueda

    actualizar_busqueda([o.pk for o in ofertas])
    busqueda.refrescar_vocabulario("oferta")
    # Sin resultados: la búsqueda, la sugerencia y la comprobación de que la sugerencia encuentra algo.
    with django_assert_max_num_queries(6):
        r = client.get(PORTAL, {"q": "multiproposto", "modalidad": [asesoria, capacitacion]})
    assert r.context["sugerencia"] == "multipropósito"
    with django_assert_max_num_queries(4):
        r = client.get(PORTAL, {"q": "catastral", "modalidad": [asesoria, capacitacion]})
    assert r.context["pagina"].paginator.count == n
    assert selectors.FiltrosPortal.desde({"q": "x"}).orden == "relevancia"


def _api_paginas(params) -> list[str]:
    """Los nombres en el orden de la API, siguiendo `next` hasta el final."""
    cliente, nombres_api, url = APIClient(), [], API
    while url:
        cuerpo = cliente.get(url, params).json()
        params = None  # `next` ya trae la consulta
        assert set(cuerpo) == {"next", "previous", "results"}
        nombres_api += [o["nombre"] for o in cuerpo["results"]]
        url = cuerpo["next"]
    return nombres_api


def test_la_api_ordena_por_relevancia_como_el_portal(client):
    antigua = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    fabricas.oferta(nombre="Presupuesto participativo", descripcion="Presupuesto con la comunidad",
                    publicada_en=antigua)
    fabricas.oferta(nombre="Asesoría general", descripcion="Algo sobre presupuesto y catastro")
    fabricas.oferta(nombre="Catastro rural", descripcion="Nada de lo otro")
    fabricas.oferta(nombre="Presupuesto municipal", publicada_en=antigua)
    portal = nombres(client.get(PORTAL, {"q": "presupuesto"}))
    assert portal[0] == "Presupuesto participativo"  # el más relevante, aunque sea el más antiguo
    # La API: el mismo orden (relevancia, luego publicación e id), en páginas numeradas.
    assert _api_paginas({"q": "presupuesto", "tamano": 1}) == portal
    primera = APIClient().get(API, {"q": "presupuesto", "tamano": 1}).json()
    assert primera["results"][0]["nombre"] == "Presupuesto participativo"
    assert parse_qs(urlsplit(primera["next"]).query)["pagina"] == ["2"]
    # Sin `q`, o con un orden pedido, sigue el cursor por id.
    sin_q = APIClient().get(API, {"tamano": 1}).json()
    assert sin_q["results"][0]["nombre"] == "Presupuesto municipal"
    assert "cursor=" in sin_q["next"]
    por_id = APIClient().get(API, {"q": "presupuesto", "ordering": "id"}).json()["results"]
    assert [o["nombre"] for o in por_id] == ["Presupuesto participativo", "Asesoría general", "Presupuesto municipal"]
    assert APIClient().get(API, {"q": "presupuesto", "pagina": 9}).status_code == 404


@pytest.mark.parametrize("n", [10, 30])
def test_api_por_relevancia_consultas_fijas(django_assert_max_num_queries, n):
    for i in range(n):
        fabricas.oferta(nombre=f"Presupuesto {i}", descripcion="presupuesto " * (i % 4 + 1))
    with django_assert_max_num_queries(11):  # las mismas que con el cursor (sin count)
        cuerpo = APIClient().get(API, {"q": "presupuesto", "tamano": 50}).json()
    assert len(cuerpo["results"]) == n
