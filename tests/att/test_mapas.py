"""Mapas en SVG: conciliación del MGN 2018 con la DIVIPOLA, dibujo, capas, páginas y consultas fijas."""

import gzip
import json
import re
from datetime import date

import pytest
from django.urls import reverse

from att import mapas
from att.models import Entidad, Municipio, TipoEntidad
from demanda.matching import filtro_focalizacion
from oferta.models import Oferta
from seguimiento import mapas as capas
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db


def _clase(html: str, codigo: str) -> str:
    m = re.search(rf'<path class="([^"]+)" d="[^"]+" data-codigo="{codigo}">', html)
    assert m, f"no está el municipio {codigo} en el mapa"
    return m.group(1)


def _celda(html: str, codigo: str) -> str:
    m = re.search(rf'<tr data-codigo="{codigo}">.*?<td class="numero" data-valor>([^<]*)', html, re.DOTALL)
    assert m, f"no está la fila {codigo}"
    return m.group(1).strip()


def _titulo(html: str, codigo: str) -> str:
    m = re.search(rf'data-codigo="{codigo}"><title>([^<]*)</title>', html)
    assert m
    return m.group(1)


# --- Datos de referencia ---------------------------------------------------------------------------
def test_conciliacion_de_codigos():
    """El MGN 2018 tiene 1.122 unidades y la DIVIPOLA de la plataforma 1.121: solo difiere Mapiripana
    (94663), área no municipalizada que hoy es parte de Barrancominas (94343)."""
    with open(mapas.RUTA_TOPOJSON, encoding="utf-8") as f:
        topo = json.load(f)
    del_mapa = {g["properties"]["MPIO_CCNCT"] for g in topo["objects"]["MGN_MPIO_POLITICO"]["geometries"]}
    divipola = set(Municipio.objects.values_list("codigo", flat=True))
    assert (len(del_mapa), len(divipola)) == (1122, 1121)
    assert del_mapa - divipola == {"94663"} == mapas.SOLO_EN_MAPA
    assert divipola - del_mapa == set() == mapas.SOLO_EN_DIVIPOLA
    assert Municipio.objects.get(codigo="94343").nombre == "Barrancominas"
    # Ya conciliado, el mapa dibuja exactamente las unidades de la DIVIPOLA y los 33 departamentos.
    assert set(mapas.territorios("municipio")) == divipola
    assert len(mapas.territorios("departamento")) == 33


def test_geometria_proyectada_en_su_sitio():
    geo = mapas.territorios("municipio")
    _p, ancho, alto = mapas._proyeccion()
    assert ancho == 1000 and 1100 < alto < 1250
    # Leticia (sur) bajo Bogotá, Riohacha (norte) encima; Quibdó (Pacífico) al oeste de Villavicencio.
    assert geo["91001"].caja[1] > geo["11001"].caja[3] > geo["44001"].caja[1]
    assert geo["27001"].caja[2] < geo["50001"].caja[0]
    assert all(0 <= t.caja[0] and t.caja[2] <= ancho and 0 <= t.caja[1] and t.caja[3] <= alto for t in geo.values())
    # Barrancominas lleva también el polígono de Mapiripana: dos anillos o más.
    assert geo["94343"].trazo.count("M") >= 2
    # Décimas de píxel, sin números largos.
    assert not re.search(r"\d\.\d\d", geo["05001"].trazo)


def test_cortes_y_clases():
    limites = mapas.cortes([0, 1, 1, 2, 3, 5, 8, 13, 40])
    assert limites == [1, 3, 5, 13, 40]
    assert [mapas.clase_de(v, limites) for v in (None, 0, 1, 2, 13, 40)] == ["m-n", "m-0", "m-1", "m-2", "m-4", "m-5"]
    # Con un solo valor positivo, la clase más oscura.
    assert mapas.clase_de(7, mapas.cortes([7])) == "m-5"
    assert [f["texto"] for f in mapas.leyenda(limites)] == ["0", "1", "2 – 3", "4 – 5", "6 – 13", "14 – 40"]


# --- Páginas ----------------------------------------------------------------------------------------
@pytest.fixture
def situacion(funcionario_medellin, funcionario_cali, entidad_oferente):
    """Situación de demostración: Medellín con 4 demandas de planeación, Cali con 1 de centros de
    reclusión (tema sin oferta: brecha), Leticia sin demanda; una oferta de planeación solo para Antioquia."""
    medellin, cali = factories.alcaldia("05001"), factories.alcaldia("76001")
    for _ in range(4):
        fabricas.demanda(medellin, funcionario_medellin, temas=["planeacion"])
    fabricas.demanda(cali, funcionario_cali, temas=["centros-reclusion"])
    fabricas.oferta(entidad_oferente, temas=["planeacion"], departamentos=["05"])
    return {"medellin": medellin, "cali": cali}


def test_mapa_de_demanda_colorea_los_municipios(client, admin_dnp, situacion):
    client.force_login(admin_dnp)
    html = client.get(reverse("seguimiento:mapas")).content.decode()
    assert _clase(html, "05001") == "m-5"
    assert _clase(html, "76001") == "m-4"
    assert _clase(html, "91001") == "m-0"
    # La tabla dice lo mismo que el mapa (y que el título de cada territorio).
    assert (_celda(html, "05001"), _celda(html, "76001"), _celda(html, "91001")) == ("4", "1", "0")
    assert _titulo(html, "05001") == "Medellín: 4"
    # Ordenada por valor: Medellín primero.
    assert html.index('<tr data-codigo="05001">') < html.index('<tr data-codigo="76001">') < html.index(
        '<tr data-codigo="91001">')


def test_enlace_del_territorio_abre_su_perfil(client, admin_dnp, situacion):
    client.force_login(admin_dnp)
    html = client.get(reverse("seguimiento:mapas")).content.decode()
    m = re.search(r'<a href="([^"]+)" aria-label="Medellín: 4"><path', html)
    assert m and m.group(1) == reverse("territorio", args=["05001"])
    assert client.get(m.group(1)).status_code == 200


@pytest.mark.parametrize("capa", list(capas.CAPAS))
@pytest.mark.parametrize("nivel", ["municipio", "departamento"])
def test_cada_capa_tiene_texto_alternativo(client, admin_dnp, situacion, capa, nivel):
    client.force_login(admin_dnp)
    r = client.get(reverse("seguimiento:mapas"), {"capa": capa, "nivel": nivel})
    assert r.status_code == 200
    html = r.content.decode()
    assert re.search(r'<svg [^>]*role="group" aria-labelledby="mapa-t mapa-d"', html)
    assert '<title id="mapa-t">' in html and '<desc id="mapa-d">' in html
    assert "<caption" in html and 'class="mapa-leyenda"' in html
    assert "style=" not in html  # la CSP no deja estilos en línea
    filas = len(re.findall(r'<tr data-codigo="', html))
    caminos = len(re.findall(r'<path class="[mk]-[0-6n]" d=', html))
    esperadas = 1121 if (nivel == "municipio" or capas.CAPAS[capa].solo_municipal) else 33
    assert filas == caminos == esperadas


def test_capas_de_brechas_oferta_y_atributos(client, admin_dnp, situacion):
    Municipio.objects.filter(codigo="05001").update(grupo_mdm="C", pdet=False, zomac=False)
    Municipio.objects.filter(codigo="76001").update(pdet=True, zomac=True)
    client.force_login(admin_dnp)
    url = reverse("seguimiento:mapas")
    html = client.get(url, {"capa": "brechas"}).content.decode()
    assert (_celda(html, "05001"), _celda(html, "76001")) == ("0", "1")
    html = client.get(url, {"capa": "oferta"}).content.decode()
    assert (_celda(html, "05001"), _celda(html, "05002"), _celda(html, "76001")) == ("1", "1", "0")
    assert _clase(html, "76001") == "m-0" and _clase(html, "05001") == "m-5"
    html = client.get(url, {"capa": "capacidad"}).content.decode()
    assert (_clase(html, "05001"), _celda(html, "05001")) == ("k-0", "Ciudades capitales")
    html = client.get(url, {"capa": "focalizacion"}).content.decode()
    assert (_clase(html, "76001"), _celda(html, "76001")) == ("k-6", "PDET y ZOMAC")


def test_asistencia_y_percepcion(client, admin_dnp, situacion, entidad_oferente):
    from seguimiento import services as seg_services
    from seguimiento.models import Percepcion
    from tests.seguimiento import fabricas as seg

    # La capa lee las fotos por (línea × entidad): la línea entra al seguimiento al calcular su estado.
    seg_services.recalcular_linea(seg.linea(entidad_oferente, territorios=[situacion["cali"]], aprobado=True))
    Percepcion.objects.create(entidad=situacion["cali"], oferente=entidad_oferente, fecha=date(2026, 3, 1),
                              calidad=5, pertinencia=4, oportunidad=3, registrada_por=admin_dnp)
    client.force_login(admin_dnp)
    url = reverse("seguimiento:mapas")
    html = client.get(url, {"capa": "asistencia"}).content.decode()
    assert (_celda(html, "76001"), _celda(html, "05001")) == ("1", "0")
    html = client.get(url, {"capa": "percepcion"}).content.decode()
    assert _celda(html, "76001") == "4,00"
    assert (_clase(html, "76001"), _clase(html, "05001")) == ("m-5", "m-n")
    assert _celda(html, "05001") == "Sin calificaciones"


def test_filtros_tema_estado_y_periodo(client, admin_dnp, situacion):
    from att.models import Tema
    from demanda.models import Demanda

    client.force_login(admin_dnp)
    url = reverse("seguimiento:mapas")
    tema = Tema.objects.get(codigo="centros-reclusion")
    html = client.get(url, {"tema": tema.pk}).content.decode()
    assert (_celda(html, "05001"), _celda(html, "76001")) == ("0", "1")
    assert "tema: Centros de reclusión" in html
    html = client.get(url, {"estado": "cerrada"}).content.decode()
    assert (_celda(html, "05001"), _celda(html, "76001")) == ("0", "0")
    Demanda.objects.filter(entidad__municipio_id="05001").update(creada="2025-01-15T10:00:00Z")
    html = client.get(url, {"desde": "2026-01-01"}).content.decode()
    assert (_celda(html, "05001"), _celda(html, "76001")) == ("0", "1")
    html = client.get(url, {"hasta": "2025-12-31", "orden": "nombre"}).content.decode()
    assert (_celda(html, "05001"), _celda(html, "76001")) == ("4", "0")
    # Un filtro inválido no rompe la página.
    assert client.get(url, {"tema": "x", "desde": "ayer", "capa": "nada"}).status_code == 200


def test_filtro_oferente(client, admin_dnp, situacion):
    otra = factories.EntidadNacionalFactory()
    fabricas.oferta(otra, temas=["planeacion"])  # todo el país
    client.force_login(admin_dnp)
    url = reverse("seguimiento:mapas")
    html = client.get(url, {"capa": "oferta"}).content.decode()
    assert (_celda(html, "05001"), _celda(html, "76001")) == ("2", "1")
    html = client.get(url, {"capa": "oferta", "oferente": otra.pk}).content.decode()
    assert (_celda(html, "05001"), _celda(html, "76001")) == ("1", "1")


def test_cobertura_es_la_regla_de_focalizacion_del_emparejamiento(entidad_oferente):
    """La capa de cobertura calcula en conjunto lo mismo que `filtro_focalizacion` entidad por entidad."""
    Municipio.objects.filter(codigo="05001").update(pdet=True, categoria="E", grupo_mdm="C")
    Municipio.objects.filter(codigo="76001").update(zomac=True, categoria="1", grupo_mdm="G1")
    fabricas.oferta(entidad_oferente)
    fabricas.oferta(entidad_oferente, departamentos=["05", "76"])
    fabricas.oferta(entidad_oferente, solo_pdet=True)
    fabricas.oferta(entidad_oferente, solo_zomac=True, dirigida_a_gobernaciones=False)
    fabricas.oferta(entidad_oferente, focaliza_categorias=["1"], focaliza_grupos_mdm=["G1"])
    fabricas.oferta(entidad_oferente, entidades=[factories.alcaldia("91001"), factories.gobernacion("05")])
    fabricas.oferta(entidad_oferente, dirigida_a_alcaldias=False)
    fabricas.oferta(entidad_oferente, vigencia_hasta=date(2026, 1, 31))  # vencida
    fabricas.oferta(entidad_oferente, estado="borrador")
    municipal = capas._oferta(capas.Filtros(capa="oferta"))
    departamental = capas._oferta(capas.Filtros(capa="oferta", nivel="departamento"))
    hoy = date.today()
    vigentes = Oferta.objects.filter(estado="publicada").exclude(vigencia_hasta__lt=hoy)
    for codigo in ("05001", "76001", "91001", "11001", "05002"):
        e = Entidad.objects.select_related("municipio").get(tipo=TipoEntidad.ALCALDIA, municipio_id=codigo)
        assert municipal.get(codigo, 0) == vigentes.filter(filtro_focalizacion(e)).count(), codigo
    for codigo in ("05", "76", "91"):
        e = factories.gobernacion(codigo)
        assert departamental.get(codigo, 0) == vigentes.filter(filtro_focalizacion(e)).count(), codigo
    assert (municipal["05001"], municipal["76001"], municipal.get("91001", 0)) == (3, 4, 2)


def test_vista_departamental_solo_sus_municipios(client, admin_dnp, situacion):
    client.force_login(admin_dnp)
    r = client.get(reverse("seguimiento:mapas_departamento", args=["05"]))
    html = r.content.decode()
    codigos = set(re.findall(r'data-codigo="(\d+)"', html))
    assert len(codigos) == Municipio.objects.filter(departamento_id="05").count() == 125
    assert all(c.startswith("05") for c in codigos)
    caja = re.search(r'class="mapa-svg" viewBox="([^"]+)"', html).group(1)
    _x, _y, w, h = map(float, caja.split())
    assert w < 300 and h < 300  # acercado a Antioquia, no el país (1000 px de ancho)
    assert "municipios de Antioquia" in html and _celda(html, "05001") == "4"
    assert client.get(reverse("seguimiento:mapas_departamento", args=["00"])).status_code == 404
    # Desde el mapa nacional se llega a la vista departamental.
    nacional = client.get(reverse("seguimiento:mapas"), {"capa": "brechas"}).content.decode()
    assert f'href="{reverse("seguimiento:mapas_departamento", args=["05"])}?capa=brechas">Antioquia</a>' in nacional
    assert nacional.count('href="/seguimiento/mapas/departamento/') == 33


def test_solo_dnp_y_auditor(client, funcionario_medellin, auditor):
    client.force_login(funcionario_medellin)
    assert client.get(reverse("seguimiento:mapas")).status_code == 403
    client.force_login(auditor)
    assert client.get(reverse("seguimiento:mapas")).status_code == 200


@pytest.mark.parametrize("capa", list(capas.CAPAS))
def test_consultas_fijas_al_crecer(client, admin_dnp, django_assert_num_queries, entidad_oferente, capa):
    """Cada capa es una consulta agregada por código: con más datos no hay más consultas."""
    client.force_login(admin_dnp)
    url = reverse("seguimiento:mapas")
    client.get(url, {"capa": capa})  # sesión y caché de permisos calientes

    def contar():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as c:
            assert client.get(url, {"capa": capa}).status_code == 200
        return len(c)

    antes = contar()
    persona = factories.persona(factories.alcaldia("05001"))
    for codigo in ("05001", "76001", "08001", "91001", "11001"):
        fabricas.demanda(factories.alcaldia(codigo), persona)
        fabricas.oferta(factories.EntidadNacionalFactory(), departamentos=[codigo[:2]])
    assert contar() == antes
    assert antes <= 12


def test_tamano_comprimido_de_la_pagina_nacional(client, admin_dnp, situacion):
    client.force_login(admin_dnp)
    cuerpo = client.get(reverse("seguimiento:mapas")).content
    assert len(gzip.compress(cuerpo)) < 300 * 1024


def test_portada_publica_con_mapa(client, situacion, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        html = client.get("/").content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="mapa-svg"' in html
    assert '<title id="mapa-portada-t">Demandas registradas, por departamento' in html
    fila = re.search(r'<tr data-codigo="05">.*?data-valor>([^<]*)<.*?data-extra>([^<]*)<', html, re.DOTALL)
    assert (fila.group(1).strip(), fila.group(2)) == ("4", "1")
    assert _clase(html, "05") == "m-5" and _clase(html, "91") == "m-0"
    assert not re.search(r"Demanda \d+", html)  # solo cifras, ningún título de demanda (fabricas.demanda)
