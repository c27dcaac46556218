"""Búsqueda que encuentra en el repositorio y su API (issue 15): «catastro» encuentra la práctica
catastral, «agua» la del acueducto (por su tema), «¿Quiso decir …?», varios valores por faceta y el
enlace de vuelta que conserva la búsqueda."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from att import busqueda
from att.models import Tema
from conocimiento import selectors, services
from conocimiento.models import Recurso, TipoRecurso
from tests import factories
from tests.conocimiento.conftest import recurso_publicado

pytestmark = pytest.mark.django_db
REPOSITORIO = "/conocimiento/repositorio/"
API = "/api/v1/conocimiento/recursos/"


def titulos(respuesta):
    return [r.titulo for r in respuesta.context["pagina"].object_list]


def api_titulos(**params):
    return sorted(r["titulo"] for r in APIClient().get(API, params).json()["results"])


@pytest.fixture
def repositorio(funcionario_medellin, funcionario_cali):
    med, cali = factories.alcaldia("05001"), factories.alcaldia("76001")
    agua = Tema.objects.get(codigo="agua-saneamiento")
    return {
        "catastral": recurso_publicado(funcionario_medellin, titulo="Actualización catastral multipropósito",
                                       entidad=med, resumen="Gestión catastral con la comunidad"),
        "acueducto": recurso_publicado(funcionario_cali, titulo="Alianza público-privada para el acueducto veredal",
                                       entidad=cali, temas=[agua], tipo=TipoRecurso.EXPERIENCIA,
                                       resumen="La comunidad y la empresa construyeron el acueducto"),
        "leccion": recurso_publicado(funcionario_cali, titulo="Sin línea base no hay cómo medir", entidad=cali,
                                     tipo=TipoRecurso.LECCION, resumen="Medir desde el inicio"),
    }


def test_catastro_encuentra_la_practica_catastral(client, repositorio):
    assert titulos(client.get(REPOSITORIO, {"q": "catastro"})) == ["Actualización catastral multipropósito"]
    assert api_titulos(q="catastro") == ["Actualización catastral multipropósito"]
    assert api_titulos(q="catastr") == ["Actualización catastral multipropósito"]  # palabra a medio escribir


def test_agua_encuentra_el_acueducto_por_su_tema(client, repositorio):
    # El texto no dice «agua»: la encuentra el tema «Agua potable y saneamiento básico», que entra al vector.
    assert "agua" not in (repositorio["acueducto"].titulo + repositorio["acueducto"].resumen).lower()
    assert titulos(client.get(REPOSITORIO, {"q": "agua"})) == ["Alianza público-privada para el acueducto veredal"]
    assert api_titulos(q="agua") == ["Alianza público-privada para el acueducto veredal"]
    # La entidad también: las prácticas de Cali.
    assert sorted(titulos(client.get(REPOSITORIO, {"q": "Cali"}))) == sorted(
        [repositorio["acueducto"].titulo, repositorio["leccion"].titulo])


def test_error_de_escritura_sugiere_la_palabra(client, repositorio, funcionario_medellin):
    services.recurso_proponer(por=funcionario_medellin, tipo=TipoRecurso.LECCION, titulo="Propuesta reservadísima",
                              resumen="Sin publicar")
    busqueda.refrescar_vocabulario("conocimiento")
    r = client.get(REPOSITORIO, {"q": "acueduto", "page": "3"})
    assert titulos(r) == []
    html = r.content.decode()
    m = re.search(r'<a id="sugerencia" href="([^"]+)">acueducto</a>', html)
    assert m, html[:3000]
    consulta = parse_qs(urlsplit(unescape(m.group(1))).query)
    assert consulta == {"q": ["acueducto"]}
    assert titulos(client.get(REPOSITORIO + unescape(m.group(1)))) == [repositorio["acueducto"].titulo]
    r = client.get(REPOSITORIO, {"q": "catastrl"})
    assert titulos(r) == [] and r.context["sugerencia"] in ("catastral", "catastro")
    # Lo que está en revisión no se sugiere.
    assert client.get(REPOSITORIO, {"q": "reservadisimma"}).context["sugerencia"] == ""


def test_varios_valores_por_faceta(client, repositorio):
    r = client.get(REPOSITORIO, {"tipo": ["buena_practica", "leccion"]})
    assert sorted(titulos(r)) == sorted([repositorio["catastral"].titulo, repositorio["leccion"].titulo])
    html = r.content.decode()
    assert 'name="tipo" value="buena_practica" checked' in html and 'name="tipo" value="leccion" checked' in html
    # La faceta propia no se filtra: la experiencia sigue a la vista para sumarla.
    assert {x["valor"]: x["n"] for x in selectors.buscar_recursos(tipo=["leccion"]).facetas["tipo"]} == {
        "buena_practica": 1, "experiencia": 1, "leccion": 1}
    # Y entre facetas: tipo (O) y departamento.
    r = client.get(REPOSITORIO, {"tipo": ["buena_practica", "leccion"], "departamento": "76"})
    assert titulos(r) == [repositorio["leccion"].titulo]
    r = client.get(REPOSITORIO, {"departamento": ["05", "76"]})
    assert r.context["total"] == 3
    # La API: clave repetida o con comas; y las facetas.
    assert api_titulos(tipo=["buena_practica", "leccion"]) == sorted(
        [repositorio["catastral"].titulo, repositorio["leccion"].titulo])
    assert api_titulos(tipo="buena_practica,leccion", departamento="76") == [repositorio["leccion"].titulo]
    facetas = APIClient().get(API + "facetas/", {"tipo": "experiencia,leccion", "departamento": "76"}).json()
    assert facetas["total"] == 2


def test_volver_al_repositorio_conserva_la_busqueda(client, repositorio):
    r = repositorio["catastral"]
    html = client.get(REPOSITORIO, {"q": "catastro", "tipo": "buena_practica"}).content.decode()
    ficha = unescape(re.search(r'<h3><a href="([^"]+)">Actualización catastral', html).group(1))
    assert ficha.startswith(f"/conocimiento/repositorio/{r.pk}/?volver=")
    volver = _volver(client.get(ficha).content.decode())
    assert volver == "/conocimiento/repositorio/?q=catastro&tipo=buena_practica"
    assert titulos(client.get(volver)) == [r.titulo]
    destino = _volver(client.get(ficha.split("?")[0], {"volver": "//otro.example/?q=x"}).content.decode())
    assert destino == "/conocimiento/repositorio/"


def _volver(html: str) -> str:
    return unescape(re.search(r'<a href="([^"]*)">← Repositorio', html).group(1))


@pytest.mark.parametrize("n", [10, 100])
def test_consultas_fijas(client, django_assert_max_num_queries, funcionario_medellin, n):
    tema = Tema.objects.get(codigo="agua-saneamiento")
    recursos = Recurso.objects.bulk_create([
        Recurso(tipo=TipoRecurso.values[i % 3], titulo=f"Acueducto veredal {i}", resumen="r",
                propuesto_por=funcionario_medellin, estado="publicado", publicado_en=timezone.now(),
                departamento_id="05") for i in range(n)])
    Recurso.temas.through.objects.bulk_create([Recurso.temas.through(recurso_id=r.pk, tema_id=tema.pk)
                                               for r in recursos])
    services.vector_busqueda([r.pk for r in recursos])
    busqueda.refrescar_vocabulario("conocimiento")
    with django_assert_max_num_queries(8):
        r = client.get(REPOSITORIO, {"q": "agua", "tipo": ["buena_practica", "leccion"], "departamento": "05"})
    assert r.context["total"] == len([i for i in range(n) if i % 3 != 0])
    with django_assert_max_num_queries(9):
        r = client.get(REPOSITORIO, {"q": "acueduto", "tipo": ["buena_practica", "leccion"]})
    assert r.context["sugerencia"] == "acueducto"


def test_la_api_ordena_por_relevancia_como_el_repositorio(client, funcionario_medellin):
    med = factories.alcaldia("05001")
    recurso_publicado(funcionario_medellin, titulo="Presupuesto participativo", entidad=med,
                      resumen="Presupuesto participativo: el presupuesto decidido por la comunidad")
    recurso_publicado(funcionario_medellin, titulo="Catastro y presupuesto", entidad=med,
                      resumen="Un párrafo sobre catastro; el presupuesto apenas se nombra")
    pagina = titulos(client.get(REPOSITORIO, {"q": "presupuesto"}))
    assert pagina[0] == "Presupuesto participativo"  # el más relevante, aunque sea el más antiguo
    cuerpo = APIClient().get(API, {"q": "presupuesto", "tamano": 1}).json()
    assert cuerpo["results"][0]["titulo"] == pagina[0]
    assert parse_qs(urlsplit(cuerpo["next"]).query)["pagina"] == ["2"]
    segunda = APIClient().get(cuerpo["next"]).json()
    assert [r["titulo"] for r in segunda["results"]] == pagina[1:2] and segunda["next"] is None
    # Sin `q`: cursor por id (el último creado primero).
    sin_q = APIClient().get(API, {"tamano": 1}).json()
    assert sin_q["results"][0]["titulo"] == "Catastro y presupuesto" and "cursor=" in sin_q["next"]
