"""Portal público: búsqueda sin tildes, facetas con conteos, filtros combinados, orden, consultas fijas."""

import pytest
from django.urls import reverse

from att.models import Capacidad, Departamento, Modalidad, Tema
from oferta import selectors
from oferta.models import EstadoOferta, Oferta
from tests import factories
from tests.oferta import fabricas

pytestmark = pytest.mark.django_db
PORTAL = "/oferta/"


def nombres(respuesta):
    return [o.nombre for o in respuesta.context["pagina"].object_list]


def buscar(**params):
    return list(selectors.portal_buscar(selectors.FiltrosPortal.desde(params)).values_list("nombre", flat=True))


def test_url_del_portal_y_detalle():
    assert reverse("oferta:portal") == "/oferta/"
    assert reverse("oferta:detalle", args=[7]) == "/oferta/7/"


def test_sin_tildes_ni_mayusculas():
    fabricas.oferta(nombre="Planeación territorial participativa")
    fabricas.oferta(nombre="Gestión del riesgo", temas=("gestion-riesgo",))
    assert buscar(q="planeacion") == ["Planeación territorial participativa"]
    assert buscar(q="PLANEACIÓN") == ["Planeación territorial participativa"]
    assert buscar(q="Planeacion TERRITORIAL") == ["Planeación territorial participativa"]


def test_busqueda_web_frases_y_exclusion():
    fabricas.oferta(nombre="Plan de desarrollo territorial", descripcion="Incluye catastro multipropósito")
    fabricas.oferta(nombre="Plan de desarrollo con enfoque étnico")
    assert buscar(q='"plan de desarrollo" -catastro') == ["Plan de desarrollo con enfoque étnico"]
    assert sorted(buscar(q="catastro or etnico")) == ["Plan de desarrollo con enfoque étnico",
                                                        "Plan de desarrollo territorial"]


def test_pesos_nombre_antes_que_descripcion():
    fabricas.oferta(nombre="Asesoría general", descripcion="Algo sobre presupuesto", publicada_en=None)
    fabricas.oferta(nombre="Presupuesto participativo")
    assert buscar(q="presupuesto", orden="relevancia") == ["Presupuesto participativo", "Asesoría general"]


def test_busca_por_tema_y_por_sigla_de_la_entidad():
    entidad = factories.EntidadNacionalFactory(nombre="Agencia de Renovación del Territorio", sigla="ART")
    fabricas.oferta(entidad=entidad, nombre="Oferta uno", temas=("agua-saneamiento",))
    assert buscar(q="saneamiento") == ["Oferta uno"]
    assert buscar(q="ART") == ["Oferta uno"]


def test_solo_publicadas():
    fabricas.oferta(nombre="Publicada visible")
    for estado in (EstadoOferta.BORRADOR, EstadoOferta.EN_REVISION, EstadoOferta.DEVUELTA, EstadoOferta.ARCHIVADA):
        fabricas.oferta(nombre=f"Oculta {estado}", estado=estado)
    assert buscar() == ["Publicada visible"]
    assert buscar(q="oculta") == []


def test_filtros_se_combinan_y_facetas_cuentan(client):
    dnp = factories.dnp()
    antioquia = Departamento.objects.get(codigo="05")
    fabricas.oferta(nombre="A", temas=("planeacion",), modalidades=("asesoria",), departamentos=[antioquia])
    fabricas.oferta(nombre="B", temas=("planeacion",), modalidades=("capacitacion",), entidad=dnp)
    fabricas.oferta(nombre="C", temas=("salud",), modalidades=("asesoria",), canal="presencial")
    planeacion = Tema.objects.get(codigo="planeacion")
    asesoria = Modalidad.objects.get(codigo="asesoria")
    r = client.get(PORTAL, {"tema": planeacion.pk, "modalidad": asesoria.pk})
    assert nombres(r) == ["A"]
    r = client.get(PORTAL, {"tema": planeacion.pk})
    assert sorted(nombres(r)) == ["A", "B"]
    facetas = {f.clave: {o.nombre: o.cantidad for o in f.opciones} for f in r.context["facetas"]}
    assert facetas["modalidad"] == {"Asesoría": 1, "Capacitación": 1}
    # La faceta elegida se cuenta sin su propio filtro (O dentro de la faceta): Salud sigue a la vista.
    assert facetas["tema"] == {"Planeación": 2, "Salud": 1}
    assert facetas["entidad"]["DNP"] == 1
    assert facetas["canal"] == {"Virtual": 2}
    # Las listas largas muestran 8 opciones y un enlace para ver las demás.
    assert len(facetas["departamento"]) == 8
    assert "ver=departamento" in r.content.decode()
    r = client.get(PORTAL, {"tema": planeacion.pk, "ver": "departamento"})
    facetas = {f.clave: {o.nombre: o.cantidad for o in f.opciones} for f in r.context["facetas"]}
    assert len(facetas["departamento"]) == 33
    # Departamento cubierto: A focaliza Antioquia; B no focaliza (todo el país).
    assert facetas["departamento"]["Antioquia"] == 2
    assert facetas["departamento"]["Valle del Cauca"] == 1
    assert facetas["capacidad"] == {Capacidad.objects.get(codigo="planeacion").nombre: 2}
    # Dos valores de la misma faceta: O.
    salud = Tema.objects.get(codigo="salud")
    r = client.get(PORTAL, {"tema": [planeacion.pk, salud.pk]})
    assert sorted(nombres(r)) == ["A", "B", "C"]
    # Departamento: Valle ve B (nacional) y C (nacional), no A (solo Antioquia).
    r = client.get(PORTAL, {"departamento": "76"})
    assert sorted(nombres(r)) == ["B", "C"]


def test_filtro_por_entidad_incluye_ofertas_conjuntas(client):
    socia = factories.EntidadNacionalFactory(sigla="SOCIA")
    fabricas.oferta(nombre="Conjunta", cooferentes=[socia])
    fabricas.oferta(nombre="Propia", entidad=socia)
    fabricas.oferta(nombre="Ajena")
    r = client.get(PORTAL, {"entidad": socia.pk})
    assert sorted(nombres(r)) == ["Conjunta", "Propia"]
    facetas = {f.clave: {o.nombre: o.cantidad for o in f.opciones} for f in r.context["facetas"]}
    assert facetas["entidad"]["SOCIA"] == 2


def test_ordenes():
    import datetime

    from django.utils import timezone

    # Fechas de fin relativas a hoy: una oferta vencida ya no está publicada (no sale en el portal).
    hoy = timezone.localdate()
    fabricas.oferta(nombre="Beta", vigencia_hasta=hoy + datetime.timedelta(days=200),
                    publicada_en=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC))
    fabricas.oferta(nombre="Alfa", vigencia_hasta=None,
                    publicada_en=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    fabricas.oferta(nombre="Gama", vigencia_hasta=hoy + datetime.timedelta(days=30),
                    publicada_en=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC))
    assert buscar(orden="nombre") == ["Alfa", "Beta", "Gama"]
    assert buscar(orden="recientes") == ["Beta", "Gama", "Alfa"]
    assert buscar(orden="vigencia") == ["Gama", "Beta", "Alfa"]


def test_parametros_malos_no_rompen_el_portal(client):
    fabricas.oferta(nombre="Una")
    r = client.get(PORTAL, {"tema": "x'); drop", "departamento": "999", "orden": "nada", "page": "abc", "q": "&|!:*"})
    assert r.status_code == 200


def test_pagina_accesible_en_espanol(client):
    fabricas.oferta(nombre="Planeación territorial")
    r = client.get(PORTAL, {"q": "planeacion"})
    html = r.content.decode()
    assert 'role="search"' in html and '<label for="q">Buscar</label>' in html
    assert "1 oferta publicada" in html
    assert "Planeación territorial" in html


def test_paginacion_conserva_filtros(client):
    planeacion = Tema.objects.get(codigo="planeacion")
    for i in range(selectors.POR_PAGINA + 3):
        fabricas.oferta(nombre=f"Oferta {i:02d}")
    r = client.get(PORTAL, {"tema": planeacion.pk, "page": 2})
    assert len(r.context["pagina"].object_list) == 3
    assert f"tema={planeacion.pk}" in r.content.decode()


def _muchas(n):
    """n ofertas publicadas con varios temas y modalidades, creadas en bloque."""
    entidades = [factories.EntidadNacionalFactory() for _ in range(3)]
    base = fabricas.oferta(entidad=entidades[0], nombre="Planeación base")
    temas = list(Tema.objects.filter(codigo__in=["planeacion", "salud"]))
    modalidades = list(Modalidad.objects.all()[:2])
    base.temas.set(temas)
    base.modalidades.set(modalidades)
    nuevas = Oferta.objects.bulk_create([
        Oferta(entidad=entidades[i % 3], nombre=f"Planeación {i}", necesidad="n", descripcion="d",
               canal=base.canal, contacto_nombre="c", contacto_email="c@x.co", vigencia_desde=base.vigencia_desde,
               estado=EstadoOferta.PUBLICADA, publicada_en=base.publicada_en)
        for i in range(n - 1)
    ])
    T = Oferta.temas.through
    M = Oferta.modalidades.through
    T.objects.bulk_create([T(oferta_id=o.pk, tema_id=t.pk) for o in nuevas for t in temas])
    M.objects.bulk_create([M(oferta_id=o.pk, modalidad_id=m.pk) for o in nuevas for m in modalidades])
    from oferta.services import actualizar_busqueda

    actualizar_busqueda([base.pk, *(o.pk for o in nuevas)])
    return temas, modalidades


@pytest.mark.parametrize("n", [10, 1000])
def test_consultas_del_portal_fijas(client, django_assert_max_num_queries, n):
    temas, modalidades = _muchas(n)
    params = {"q": "planeacion", "tema": temas[0].pk, "modalidad": modalidades[0].pk}
    # Total, tarjetas de la página y facetas en una sola consulta; con texto, el SET LOCAL antes y su
    # vuelta al valor por omisión después; sin texto, la huella para la caché.
    # Igual con 10 que con 1.000 ofertas.
    with django_assert_max_num_queries(4):
        r = client.get(PORTAL, params)
    assert r.status_code == 200
    assert r.context["pagina"].paginator.count == n
    with django_assert_max_num_queries(4):
        client.get(PORTAL)


@pytest.mark.parametrize("n", [10, 1000])
def test_consultas_de_la_ficha_fijas(client, admin_dnp, django_assert_max_num_queries, n):
    """La ficha: la oferta y cada relación en una consulta (no una por fila), con n ofertas en la base,
    n transiciones en su historia y hasta 33 departamentos. La historia solo se pide para quien la ve."""
    from oferta.models import TransicionOferta

    _muchas(n)
    o = Oferta.objects.get(nombre="Planeación base")
    o.focaliza_departamentos.set(list(Departamento.objects.order_by("codigo")[:min(n, 33)]))
    TransicionOferta.objects.bulk_create([
        TransicionOferta(oferta=o, de_estado=EstadoOferta.EN_REVISION, a_estado=EstadoOferta.PUBLICADA,
                         por=admin_dnp, motivo=f"Paso {i}") for i in range(n)])
    # La oferta con entidad y canal, sus diez relaciones, los hitos estándar.
    with django_assert_max_num_queries(12):
        r = client.get(f"/oferta/{o.pk}/")
    assert r.status_code == 200 and "Paso 0" not in r.content.decode()
    client.force_login(admin_dnp)
    # Más la sesión y la persona, sus roles y permisos, las alertas de la cabecera, la historia y las
    # parecidas (DNP).
    with django_assert_max_num_queries(23):
        r = client.get(f"/oferta/{o.pk}/")
    html = r.content.decode()
    assert r.status_code == 200 and f"Paso {n - 1}" in html


def test_cache_de_la_portada_se_invalida_con_cambios(client, oferente, admin_dnp, entidad_oferente):
    from oferta import services

    fabricas.oferta(nombre="Primera")
    assert client.get(PORTAL).context["pagina"].paginator.count == 1
    assert client.get(PORTAL).context["pagina"].paginator.count == 1  # de la caché
    o = fabricas.oferta(entidad=entidad_oferente, nombre="Segunda", estado=EstadoOferta.EN_REVISION)
    services.oferta_publicar(oferta=o, por=admin_dnp)
    assert sorted(nombres(client.get(PORTAL))) == ["Primera", "Segunda"]
    services.oferta_archivar(oferta=o, por=oferente, motivo="Fin")
    assert nombres(client.get(PORTAL)) == ["Primera"]


def test_filtros_desde_un_dict_con_valores_sueltos():
    """Un valor suelto es un valor: '05' no se lee letra por letra (['0', '5'], que se descartaba)."""
    filtros = selectors.FiltrosPortal.desde({"departamento": "05", "modalidad": "12", "tema": ["3", "4"]})
    assert filtros.valores == {"departamento": ["05"], "modalidad": ["12"], "tema": ["3", "4"]}
    assert selectors.FiltrosPortal.desde({"canal": 7}).valores == {"canal": ["7"]}


@pytest.mark.parametrize("texto", [
    "", "una", "  dos\tpalabras \n", " ".join(f"p{i}" for i in range(30)), " ".join(f"p{i}" for i in range(31)),
    "Necesitamos  fortalecer la\nasesoría " * 9, "termina en puntos …" + " x" * 40,
])
def test_recortar_palabras_igual_que_truncator(texto):
    from django.utils.text import Truncator

    from oferta.templatetags.oferta_portal import recortar_palabras

    assert recortar_palabras(texto, 30) == Truncator(texto).words(30, truncate=" …")


def test_facetas_pintadas_en_python_abren_las_primeras_y_las_elegidas():
    """El panel de facetas (`{% facetas_portal %}`): sin opciones no hay <details>; abiertas las tres
    primeras de la lista (contando las vacías) y las que tienen algo elegido; «Ver n más» lleva la consulta
    escapada y vuelve al ancla de su faceta; los textos se escapan."""
    from oferta.templatetags.oferta_portal import facetas_portal

    def faceta(clave, opciones=1, ocultas=0, etiqueta=None):
        return selectors.Faceta(clave, etiqueta or clave.title(),
                                [selectors.Opcion(str(i), f"<{clave} {i}>", 3, False) for i in range(opciones)], ocultas)

    facetas = [faceta("vacia", opciones=0), faceta("tema"), faceta("modalidad", ocultas=5, etiqueta="Modalidad & canal"),
               faceta("entidad"), faceta("departamento")]
    filtros = selectors.FiltrosPortal.desde({"departamento": "05", "q": "plan"})
    html = facetas_portal(facetas, filtros, "q=plan&departamento=05")
    assert 'id="f-vacia"' not in html
    assert '<details class="faceta" id="f-tema" open>' in html
    assert '<details class="faceta" id="f-modalidad" open>' in html
    assert '<details class="faceta" id="f-entidad" >' in html  # cuarta de la lista y sin elegir: cerrada
    assert '<details class="faceta" id="f-departamento" open>' in html  # tiene un valor elegido
    assert ('<a href="?q=plan&amp;departamento=05&amp;ver=modalidad#f-modalidad">Ver 5 más'
            '<span class="sr-only"> (Modalidad &amp; canal)</span></a>') in html
    assert html.count("Ver ") == 1
    assert "&lt;tema 0&gt;" in html and "<tema 0>" not in html
    # Sin otra consulta, el enlace es solo «?ver=…».
    assert 'href="?ver=modalidad#f-modalidad"' in facetas_portal(facetas, filtros, "")


def test_la_vigencia_de_las_tarjetas_se_formatea_en_el_idioma_activo():
    import datetime

    from django.utils import translation

    from oferta.templatetags.oferta_portal import _vigente_hasta

    fecha = datetime.date(2027, 1, 31)
    with translation.override("es-co"):
        assert _vigente_hasta(fecha, translation.get_language()) == " · Vigente hasta 31 Ene 2027"
    with translation.override("en"):
        assert _vigente_hasta(fecha, translation.get_language()) == " · Vigente hasta 31 Jan 2027"


def test_tarjetas_y_opciones_escapan_sus_textos_una_vez(monkeypatch):
    """Las tarjetas y facetas viven en la memoria del proceso y se pintan en cada visita: sus textos se escapan
    (y la necesidad se recorta) la primera vez y quedan en el objeto; la segunda pintura da el mismo HTML
    escapando solo las etiquetas de la página."""
    import datetime
    from types import SimpleNamespace

    from oferta.templatetags import oferta_portal

    llamadas = []
    escapar = oferta_portal.escape
    monkeypatch.setattr(oferta_portal, "escape", lambda texto, *a: llamadas.append(texto) or escapar(texto, *a))
    tarjeta = selectors.Tarjeta(
        pk=7, nombre="<b>Catastro & POT</b>", necesidad=" ".join(f"p{i}" for i in range(40)),
        entidad=SimpleNamespace(nombre="IGAC \"Agustín Codazzi\""), canal=SimpleNamespace(nombre="Virtual"),
        vigencia_hasta=None, temas=selectors._Nombres([SimpleNamespace(nombre="<Ordenamiento>")]),
        modalidades=selectors._Nombres([SimpleNamespace(nombre="Taller"), SimpleNamespace(nombre="Guía")]))
    faceta = selectors.Faceta("tema", "Tema", [selectors.Opcion("3", "Agua & saneamiento", 12, True)])
    hoy = datetime.date(2026, 12, 4)
    primera = oferta_portal.tarjetas_portal([tarjeta], "q=pot", hoy) + oferta_portal.opciones_faceta(faceta)
    por_primera = len(llamadas)
    llamadas.clear()
    segunda = oferta_portal.tarjetas_portal([tarjeta], "q=pot", hoy) + oferta_portal.opciones_faceta(faceta)
    assert segunda == primera
    assert "&lt;b&gt;Catastro &amp; POT&lt;/b&gt;" in primera and "IGAC &quot;Agustín Codazzi&quot;" in primera
    assert '<li class="etiqueta">&lt;Ordenamiento&gt;</li>' in primera and "Taller, Guía · Virtual" in primera
    assert "p29 …</p>" in primera and "p30" not in primera
    assert 'value="3" checked><label for="f-tema-3">Agua &amp; saneamiento <span class="conteo">(12<' in primera
    # Primera: etiquetas de la página (4 + 2), 5 textos de la tarjeta y su tema, y 2 de la opción.
    assert (por_primera, len(llamadas)) == (14, 6)
