"""Gráficos SVG del servidor (att/graficos.py): puntos, orden por valor, texto alternativo, tabla de datos
igual al SVG, sin atributos style, meses sin datos en cero; y las series mensuales de los selectores."""

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from att import graficos

SVG = "{http://www.w3.org/2000/svg}"
MESES = graficos.meses_recientes(6, date(2026, 11, 15))


def _arbol(g: graficos.Grafico) -> ET.Element:
    return ET.fromstring(str(g.svg))


def _lineas(**extra) -> graficos.Grafico:
    return graficos.grafico_lineas(
        id="g-prueba", titulo="Demandas por mes", meses=MESES,
        series=[graficos.Serie("Registradas", [12, 0, 7, 40, 22, 30]), graficos.Serie("Atendidas", [3, 0, 1, 9, 10, 12])],
        **extra,
    )


def test_meses_recientes_y_relleno_en_cero():
    assert MESES == [date(2026, m, 1) for m in range(6, 12)]
    assert graficos.meses_recientes(3, date(2026, 2, 3)) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    # TruncMonth devuelve fecha y hora en la zona del sitio; los meses que faltan quedan en cero.
    valores = {timezone.make_aware(datetime(2026, 8, 1)): 5, date(2026, 11, 1): 2}
    assert graficos.rellenar(MESES, valores) == [0, 0, 5, 0, 0, 2]
    assert graficos.rellenar(MESES, valores, relleno=None) == [None, None, 5, None, None, 2]


def test_lineas_un_punto_por_mes_con_titulo_y_forma_por_serie():
    g = _lineas()
    raiz = _arbol(g)
    assert raiz.get("role") == "img" and raiz.get("aria-labelledby") == "g-prueba-t g-prueba-d"
    assert raiz.get("viewBox").startswith("0 0 ")
    series = raiz.findall(f"{SVG}g[@data-serie]")
    assert len(series) == 2
    # Serie 1: círculos y trazo continuo; serie 2: cuadrados y trazo rayado (el color no es la única señal).
    assert len(series[0].findall(f"{SVG}circle")) == 6 and not series[0].findall(f"{SVG}rect")
    assert len(series[1].findall(f"{SVG}rect")) == 6 and not series[1].findall(f"{SVG}circle")
    assert series[0].find(f"{SVG}path").get("stroke-dasharray") is None
    assert series[1].find(f"{SVG}path").get("stroke-dasharray") == "6 4"
    titulos = [m.find(f"{SVG}title").text for m in series[0].findall(f"{SVG}circle")]
    assert titulos[0] == "Registradas, junio de 2026: 12"
    assert titulos[3] == "Registradas, septiembre de 2026: 40"
    etiquetas = [t.text for t in raiz.iter(f"{SVG}text")]
    assert {"jun", "jul", "ago", "sep", "oct", "nov", "2026"} <= set(etiquetas)


def test_lineas_title_y_desc_dicen_la_tendencia():
    g = _lineas()
    raiz = _arbol(g)
    assert raiz.find(f"{SVG}title").text == "Demandas por mes"
    desc = raiz.find(f"{SVG}desc").text
    assert desc.startswith("Registradas: de 12 en junio de 2026 a 30 en noviembre de 2026; "
                           "el mayor valor, 40 en septiembre de 2026.")
    assert "Atendidas: de 3 en junio de 2026 a 12 en noviembre de 2026" in desc


def test_lineas_tabla_igual_al_svg():
    g = _lineas()
    assert g.cabeza == ["Mes", "Registradas", "Atendidas"]
    assert g.filas[0] == ["junio de 2026", "12", "3"]
    assert g.filas[1] == ["julio de 2026", "0", "0"]  # mes sin datos: cero, en el SVG y en la tabla
    raiz = _arbol(g)
    for k, serie in enumerate(raiz.findall(f"{SVG}g[@data-serie]")):
        marcadores = [m for m in serie if m.tag != f"{SVG}path"]
        valores_svg = [m.find(f"{SVG}title").text.rsplit(": ", 1)[1] for m in marcadores]
        assert valores_svg == [f[k + 1] for f in g.filas]


def test_lineas_promedio_sin_datos_corta_el_trazo():
    g = graficos.grafico_lineas(id="g-p", titulo="Calificación", meses=MESES, decimales=2, maximo=5,
                                series=[graficos.Serie("Promedio", [D("4.5"), None, None, D("3.25"), D("3.5"), None])])
    raiz = _arbol(g)
    serie = raiz.find(f"{SVG}g[@data-serie]")
    assert len(serie.findall(f"{SVG}circle")) == 3
    assert serie.find(f"{SVG}path").get("d").count("M") == 2  # dos tramos
    assert [f[1] for f in g.filas] == ["4,50", "sin datos", "sin datos", "3,25", "3,50", "sin datos"]
    assert "de 4,50 en junio de 2026 a 3,50 en octubre de 2026" in raiz.find(f"{SVG}desc").text


def test_barras_ordenadas_por_valor_con_el_valor_al_final():
    filas = [{"nombre": "Antioquia", "valor": 3}, {"nombre": "Boyacá", "valor": 12}, {"nombre": "Cauca", "valor": None},
             {"nombre": "Atlántico", "valor": 7}]
    g = graficos.grafico_barras(id="g-b", titulo="Demandas por departamento", filas=filas, etiqueta_valor="Demandas")
    raiz = _arbol(g)
    nombres = [t.text for t in raiz.iter(f"{SVG}text") if "g-nombre" in t.get("class")]
    assert nombres == ["Boyacá", "Atlántico", "Antioquia", "Cauca"]
    valores = [t.text for t in raiz.iter(f"{SVG}text") if "g-valor" in t.get("class")]
    assert valores == ["12", "7", "3", "sin datos"]
    barras = [r for r in raiz.iter(f"{SVG}rect") if "g-barra" in r.get("class").split()]
    anchos = [float(r.get("width")) for r in barras]
    assert anchos == sorted(anchos, reverse=True) and anchos[-1] == 0
    assert barras[0].find(f"{SVG}title").text == "Boyacá: 12"
    assert raiz.find(f"{SVG}desc").text == "4 elementos ordenados de mayor a menor. Mayor: Boyacá (12); menor: Antioquia (3)."
    assert g.cabeza == ["Nombre", "Demandas"]
    assert g.filas == [["Boyacá", "12"], ["Atlántico", "7"], ["Antioquia", "3"], ["Cauca", "sin datos"]]


def test_barras_con_semaforo_escrito_y_esperado():
    g = graficos.grafico_barras(
        id="g-s", titulo="Avance", unidad="%", decimales=1, maximo=100, nombre_marca="esperado",
        filas=[{"nombre": "A", "valor": D(20), "marca": D(60), "clase": "atrasado", "nota": "Atrasado"},
               {"nombre": "B", "valor": D(80), "marca": D(70), "clase": "al_dia", "nota": "Al día"}])
    raiz = _arbol(g)
    valores = [t.text for t in raiz.iter(f"{SVG}text") if "g-valor" in t.get("class")]
    assert valores == ["80,0 % · Al día", "20,0 % · Atrasado"]
    barras = [r for r in raiz.iter(f"{SVG}rect") if "g-barra" in r.get("class").split()]
    assert barras[1].get("class") == "g-barra g-barra--atrasado"
    assert barras[1].find(f"{SVG}title").text == "A: 20,0 % · Atrasado (esperado: 60,0 %)"
    assert len([x for x in raiz.iter(f"{SVG}line") if x.get("class") == "g-marca"]) == 2
    assert g.filas[1] == ["A", "20,0 % · Atrasado", "60,0 %"]


def test_barras_limite_y_nombres_largos_escapados():
    filas = [{"nombre": f"<Tema {i:02d}> con un nombre muy largo para la etiqueta", "valor": i} for i in range(30)]
    g = graficos.grafico_barras(id="g-l", titulo="Temas & más", filas=filas, limite=10)
    raiz = _arbol(g)  # XML válido: nombres escapados
    assert len([r for r in raiz.iter(f"{SVG}rect") if "g-barra" in r.get("class").split()]) == 10
    assert len(g.filas) == 30
    assert "El gráfico muestra los primeros 10; la tabla, todos." in raiz.find(f"{SVG}desc").text
    assert "<Tema" not in str(g.svg)


def test_sin_atributo_style_en_ningun_svg():
    salidas = [
        _lineas().svg,
        graficos.grafico_lineas(id="v", titulo="Vacío", meses=MESES, series=[graficos.Serie("X", [0] * 6)]).svg,
        graficos.grafico_barras(id="b", titulo="B", filas=[{"nombre": "A", "valor": 1, "marca": 2, "clase": "al_dia"}],
                                nombre_marca="m").svg,
        graficos.grafico_barras(id="b0", titulo="B", filas=[]).svg,
    ]
    for svg in salidas:
        assert not re.search(r"\sstyle\s*=", str(svg)), svg
        ET.fromstring(str(svg))


def test_la_plantilla_muestra_leyenda_svg_y_tabla(rf):
    from django.template.loader import render_to_string

    html = render_to_string("includes/grafico.html", {"g": _lineas()})
    assert html.count("<svg") == 3  # el gráfico y una muestra por serie en la leyenda
    assert "<summary>Ver datos</summary>" in html
    assert "<th scope=\"row\">septiembre de 2026</th><td>40</td><td>9</td>" in html
    assert not re.search(r"\sstyle\s*=", html)
    assert "<details" not in render_to_string("includes/grafico.html", {"g": _lineas(), "sin_tabla": True})


# --- Series mensuales de los selectores ----------------------------------------------------------------
@pytest.mark.django_db
def test_serie_de_demandas_registradas_y_atendidas(funcionario_medellin, admin_dnp, django_assert_num_queries):
    from demanda.models import Demanda, EstadoDemanda
    from demanda.selectors import serie_mensual
    from tests import factories
    from tests.demanda import fabricas

    medellin = factories.alcaldia("05001")
    hoy = timezone.localdate()
    meses = graficos.meses_recientes(12, hoy)
    creadas = []
    for mes, estado in [(meses[-1], EstadoDemanda.REGISTRADA), (meses[-1], EstadoDemanda.ATENDIDA),
                        (meses[-3], EstadoDemanda.VINCULADA), (meses[0], EstadoDemanda.CERRADA),
                        (graficos.meses_recientes(13, hoy)[0], EstadoDemanda.REGISTRADA)]:  # fuera de la ventana
        d = fabricas.demanda(medellin, funcionario_medellin)
        creadas.append((d.pk, timezone.make_aware(datetime(mes.year, mes.month, 10, 9)), estado))
    for pk, cuando, estado in creadas:  # la fecha de registro la pone la base: se mueve solo en la prueba
        Demanda.objects.filter(pk=pk).update(creada=cuando, estado=estado)
    from att import permisos

    permisos.lee_todo(admin_dnp)  # los roles del usuario se leen una vez por petición
    with django_assert_num_queries(1):
        serie = serie_mensual(admin_dnp)
    assert serie["meses"] == meses
    assert serie["registradas"] == [1] + [0] * 8 + [1, 0, 2]
    assert serie["atendidas"] == [1] + [0] * 8 + [1, 0, 1]


@pytest.mark.django_db
def test_serie_de_avance_y_de_percepcion(seguimiento_dnp, entidad_oferente, oferente, django_assert_num_queries):
    from seguimiento import selectors, services
    from seguimiento.models import Percepcion
    from tests import factories
    from tests.seguimiento import fabricas

    hoy = timezone.localdate()
    meses = graficos.meses_recientes(12, hoy)
    linea = fabricas.linea(entidad_oferente, responsable=oferente, territorios=[factories.alcaldia("05001")])
    h1, h2 = fabricas.hito(linea, nombre="Uno"), fabricas.hito(linea, nombre="Dos")
    for hito, pct, dia in [(h1, 40, meses[-2]), (h2, 60, meses[-2].replace(day=20)), (h1, 90, meses[-1])]:
        a = services.avance_reportar(hito=hito, porcentaje=D(pct), fecha_corte=dia, narrativa="x", por=oferente)
        services.avance_validar(avance=a, por=seguimiento_dnp)
    from att import permisos

    permisos.lee_todo(seguimiento_dnp)
    with django_assert_num_queries(1):
        serie = selectors.serie_avance_mensual(seguimiento_dnp)
    assert serie["avance"] == [None] * 10 + [D("50.0"), D("90.0")]
    assert serie["avances"] == [0] * 10 + [2, 1]
    medellin = factories.alcaldia("05001")
    Percepcion.objects.create(entidad=medellin, fecha=meses[-1], calidad=5, pertinencia=4, oportunidad=3)
    Percepcion.objects.create(entidad=medellin, fecha=meses[-4], calidad=2, pertinencia=2, oportunidad=2)
    resumen = selectors.resumen_percepcion(seguimiento_dnp)
    with django_assert_num_queries(0):
        serie = selectors.serie_percepcion_mensual(resumen)
    assert serie["promedio"] == [None] * 8 + [D("2.00"), None, None, D("4.00")]
    assert serie["calificaciones"] == [0] * 8 + [1, 0, 0, 1]
