"""El PDF y el XLSX del informe de seguimiento como los lee una persona (y su lector de pantalla):
fuentes incrustadas (también fuera de Latin-1), título, idioma, esquema, «Página N de M», títulos que
no cierran una página solos, gráficos con su tabla; hojas con anchos, encabezado fijo y filtro."""

import io
from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from att import pdf as att_pdf
from demanda.models import EstadoDemanda, EventoDemanda
from seguimiento import informes, services
from seguimiento.models import Percepcion
from tests import factories
from tests.demanda import fabricas as fabricas_demanda
from tests.lectura_pdf import esquema, fuentes, lector, textos
from tests.seguimiento import fabricas

pytestmark = pytest.mark.django_db
FUERA_DE_LATIN1 = "Guaviare — Mitú ✓ ≥ 30 % − … Σ"


@pytest.fixture
def mes():
    return timezone.localdate().replace(day=1)


@pytest.fixture
def datos(mes, oferente, entidad_oferente, seguimiento_dnp, funcionario_medellin):
    medellin = factories.alcaldia("05001")
    l = fabricas.linea(entidad_oferente, territorios=[medellin], aprobado=True)
    # Muchas entidades con líneas: tablas de varias páginas, títulos en distintas alturas.
    for i in range(8):
        otra = factories.EntidadNacionalFactory(nombre=f"Entidad oferente número {i} — Guaviare ✓")
        otra_linea = fabricas.linea(otra, territorios=[medellin], aprobado=True)
        fabricas.hito(otra_linea)
        services.recalcular_linea(otra_linea)
    h = fabricas.hito(l)
    a = services.avance_reportar(hito=h, porcentaje=D(60), fecha_corte=mes, narrativa="x", por=oferente)
    services.avance_validar(avance=a, por=seguimiento_dnp)
    # Calificación del mes del informe (la de un usuario lleva la fecha del servidor: se escribe directo).
    Percepcion.objects.create(entidad=medellin, calidad=5, pertinencia=4, oportunidad=3,
                              oferente=entidad_oferente, registrada_por=funcionario_medellin, fecha=mes)
    for _i in range(3):
        fabricas_demanda.demanda(medellin, funcionario_medellin)
    d = fabricas_demanda.demanda(medellin, funcionario_medellin, estado=EstadoDemanda.ATENDIDA)
    EventoDemanda.objects.create(demanda=d, de_estado=EstadoDemanda.EN_ATENCION, a_estado=EstadoDemanda.ATENDIDA,
                                 por=funcionario_medellin)
    return informes.datos_informe("mensual", mes)


def test_las_series_mensuales_salen_de_cuatro_consultas_y_cuentan_el_mes(datos, mes, django_assert_num_queries):
    with django_assert_num_queries(4):
        serie = informes.series_mensuales(mes)
    assert len(serie) == 12 and serie[-1]["mes"] == mes and serie[0]["mes"] == informes.sumar_meses(mes, -11)
    ultimo = serie[-1]
    assert (ultimo["demandas_registradas"], ultimo["demandas_atendidas"]) == (4, 1)
    assert (ultimo["avances_reportados"], ultimo["avances_validados"]) == (1, 1)
    assert (ultimo["calificaciones"], ultimo["calificacion_promedio"]) == (1, D("4.00"))
    assert serie[0]["demandas_registradas"] == 0 and serie[0]["calificacion_promedio"] is None
    assert datos["series"] == serie


def test_el_pdf_incrusta_sus_fuentes_y_tiene_titulo_idioma_y_esquema(datos):
    contenido = informes.generar_pdf(datos)
    usadas = fuentes(contenido)
    assert usadas, "el PDF no declara fuentes"
    assert all(usadas.values()), f"fuentes sin incrustar: {[f for f, si in usadas.items() if not si]}"
    assert not any("Helvetica" in f for f in usadas)
    assert any("DejaVuSans-Bold" in f for f in usadas)
    pdf = lector(contenido)
    assert pdf.trailer["/Root"]["/Lang"] == "es-CO"
    assert bool(pdf.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"])
    assert pdf.trailer["/Root"]["/PageMode"] == "/UseOutlines"
    assert pdf.metadata.title.startswith("Informe de seguimiento de la Asistencia Técnica Territorial – ")
    assert datos["nombre_periodo"] in pdf.metadata.title
    assert pdf.metadata.author == "DNP – Asistencia Técnica Territorial"
    assert pdf.metadata.subject.startswith("Operación, calidad percibida")
    entradas = esquema(contenido)
    secciones = [t for n, t in entradas if n == 0]
    assert secciones == ["1. Operación de la asistencia técnica", "2. Calidad percibida",
                         "3. Resultados en capacidades (cambio MDM —–—)", "4. Tendencias de los últimos doce meses",
                         "5. Avance por entidad territorial (cada línea en cada entidad a la que llega)"]
    assert (1, "Avance por dependencia") in entradas and (1, "Avance por región") in entradas
    assert (1, "Avance por entidad oferente") in entradas
    assert (1, "Demandas registradas y atendidas por mes") in entradas
    # Los marcadores llevan a páginas distintas (no todos a la primera).
    destinos = {pdf.get_destination_page_number(e) for e in pdf.outline if not isinstance(e, list)}
    assert len(destinos) > 1


def test_cada_pagina_dice_pagina_n_de_m_ningun_titulo_la_cierra_y_los_graficos_tienen_tabla(datos):
    contenido = informes.generar_pdf(datos)
    paginas = textos(contenido)
    total = len(paginas)
    assert total >= 3
    titulos = {t for _n, t in esquema(contenido)}
    for numero, texto in enumerate(paginas, start=1):
        assert f"Página {numero} de {total}" in texto
        lineas = [x.strip() for x in texto.splitlines() if x.strip() and not x.strip().startswith("Página ")]
        assert lineas[-1] not in titulos, f"la página {numero} termina con el título «{lineas[-1]}»"
    todo = " ".join(" ".join(paginas).split())  # una celda angosta parte el nombre en dos líneas
    assert "Entidad oferente número 7 — Guaviare ✓" in todo  # fuera de Latin-1, sin ■
    assert "Σ(peso" in todo
    assert "Gráfico 1. Demandas registradas" in todo and "Gráfico 3." in todo
    # Los gráficos tienen su tabla de datos, con los mismos números.
    tabla = todo[todo.index("Tendencias de los últimos doce meses (tabla de datos)"):]
    assert f"{datos['series'][-1]['etiqueta']} 4 1 1 1 1 4,0" in tabla


def test_un_titulo_nunca_queda_solo_al_pie():
    """Con relleno de todas las alturas antes de un título, el título siempre comparte página con lo
    que lo sigue (registro de afterFlowable del documento)."""
    from reportlab.platypus import Spacer, Table

    est = att_pdf.estilos()
    for alto in range(0, 720, 20):
        doc = att_pdf.documento(io.BytesIO(), titulo_doc="Prueba")
        historia = [Spacer(1, alto), att_pdf.titulo("Sección de prueba", est["Heading2"], 0),
                    Table([[f"fila {i}"] for i in range(40)], repeatRows=1)]
        doc.construir(historia)
        paginas = {texto: pagina for pagina, _n, texto in doc.registro}
        siguiente = doc.registro[[t for _p, _n, t in doc.registro].index("Sección de prueba") + 1]
        assert siguiente[0] == paginas["Sección de prueba"], f"relleno {alto}: título solo al pie"


def test_texto_fuera_de_latin1_con_fuente_incrustada():
    from reportlab.platypus import Paragraph

    salida = io.BytesIO()
    doc = att_pdf.documento(salida, titulo_doc="Prueba de fuentes")
    est = att_pdf.estilos()
    doc.construir([Paragraph(FUERA_DE_LATIN1, est["BodyText"]), Paragraph(f"<b>{FUERA_DE_LATIN1}</b>", est["BodyText"]),
                   Paragraph(f"<i>{FUERA_DE_LATIN1}</i>", est["BodyText"])])
    usadas = fuentes(salida.getvalue())
    assert {f.split("+")[-1] for f in usadas} == {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"}
    assert all(usadas.values())
    texto = textos(salida.getvalue())[0]
    assert texto.count(FUERA_DE_LATIN1) == 3
    assert "Página 1 de 1" in texto


def test_el_xlsx_tiene_anchos_encabezado_fijo_en_negrita_y_filtro(datos):
    libro = load_workbook(io.BytesIO(informes.generar_xlsx(datos)))
    assert libro.sheetnames == informes.HOJAS_XLSX
    for hoja in libro.worksheets:
        assert hoja.freeze_panes == "A4", hoja.title
        assert hoja.auto_filter.ref.startswith("A3:"), hoja.title
        cabeza = next(hoja.iter_rows(min_row=3, max_row=3))
        assert all(c.font.bold for c in cabeza), hoja.title
        anchos = [hoja.column_dimensions[c.column_letter].width for c in cabeza]
        assert all(12 <= a <= 60 for a in anchos), (hoja.title, anchos)
    entidades = libro["Entidades"]
    assert entidades.column_dimensions["A"].width == len("Entidad oferente número 7 — Guaviare ✓") + 2
    assert libro["Tendencias"]["A15"].value == datos["series"][-1]["etiqueta"]
    assert libro["Tendencias"]["B15"].value == 4


def test_exportacion_por_dataset_tiene_el_mismo_formato_y_no_crea_formulas():
    import tablib

    from att.exportacion import dataset_xlsx

    datos = tablib.Dataset(headers=["nombre", "descripcion"], title="Ofertas")
    datos.append(["=HYPERLINK(\"http://x\")", "d" * 200])
    hoja = load_workbook(io.BytesIO(dataset_xlsx(datos))).active
    assert (hoja.title, hoja.freeze_panes, hoja.auto_filter.ref) == ("Ofertas", "A2", "A1:B2")
    assert hoja["A1"].font.bold and hoja["B1"].font.bold
    assert hoja.column_dimensions["A"].width == len("=HYPERLINK(\"http://x\")") + 2
    assert hoja.column_dimensions["B"].width == 60
    assert hoja["A2"].data_type == "s" and hoja["A2"].value == "=HYPERLINK(\"http://x\")"


def test_informe_por_entidad_con_fechas_de_otro_anio():
    """Un alcance de entidad sin datos: el PDF igual se arma, con los gráficos en cero."""
    entidad = factories.EntidadNacionalFactory()
    datos = informes.datos_informe("mensual", date(2025, 3, 1), f"entidad-{entidad.pk}")
    contenido = informes.generar_pdf(datos)
    assert all(fuentes(contenido).values())
    assert "Página 1 de" in textos(contenido)[0]


# --- El mapa por departamento -----------------------------------------------------------------------
def test_tramos_del_mapa_con_sus_bordes():
    assert informes._color_avance(None) is None
    assert informes._color_avance(D(0)) == informes.TRAMOS_MAPA[0][1]
    assert informes._color_avance(D(20)) == informes.TRAMOS_MAPA[0][1]  # el borde cae en el tramo de abajo
    assert informes._color_avance(D("20.01")) == informes.TRAMOS_MAPA[1][1]
    assert informes._color_avance(D(100)) == informes.TRAMOS_MAPA[-1][1]


def test_el_mapa_pinta_solo_los_departamentos_con_lineas():
    from reportlab.lib import colors

    from att import mapas

    dibujo = mapas.dibujo_pdf("departamento", {"05": "#163f7a", "76": "#dbe7f6"}, ancho_pt=300)
    rellenos = [c.fillColor.hexval() for c in dibujo.contents[0].contents]
    assert len(rellenos) == 33  # los 33 departamentos (Bogotá incluida) de la capa del MGN
    assert rellenos.count(colors.HexColor("#163f7a").hexval()) == 1
    assert rellenos.count(colors.HexColor("#dbe7f6").hexval()) == 1
    assert rellenos.count(colors.HexColor("#ffffff").hexval()) == 31
    # Los anillos del PDF son los del SVG de la página: cada «M» abre uno, desde ese mismo punto.
    trazo = "M10 20l5-2.5 -.5 3z" + "M1.5 2l1 1 1-1z"
    assert mapas.anillos_de(trazo) == [[(10, 20), (15, 17.5), (14.5, 20.5)], [(1.5, 2), (2.5, 3), (3.5, 2)]]
    antioquia = mapas.territorios("departamento")["05"]
    anillos = mapas.anillos_de(antioquia.trazo)
    assert len(anillos) == antioquia.trazo.count("M")
    xs = [x for a in anillos for x, _y in a]
    assert min(xs) == pytest.approx(antioquia.caja[0], abs=0.11)
    assert max(xs) == pytest.approx(antioquia.caja[2], abs=0.11)


def test_el_pdf_trae_el_mapa_antes_de_la_tabla_de_departamentos(datos):
    texto = " ".join(textos(informes.generar_pdf(datos)))
    assert "Mapa: avance consolidado de las líneas que llegan a cada departamento" in texto
    assert texto.index("Avance por departamento") < texto.index("Mapa: avance consolidado")
    assert "80 a 100 %" in texto and "Sin líneas" in texto


def test_las_cifras_del_pdf_son_texto_simple_y_los_nombres_largos_se_ajustan():
    from reportlab.platypus import Paragraph

    estilo = att_pdf.estilos()["BodyText"]
    assert informes._celda_pdf(D("75.26"), estilo) == "75,3"
    assert informes._celda_pdf(None, estilo) == "—"
    assert informes._celda_pdf("Al día", estilo) == "Al día"
    largo = informes._celda_pdf("Alcaldía de San José de Cúcuta · Norte de Santander", estilo)
    assert isinstance(largo, Paragraph)


# --- Informes enteros: el XLSX trae todas las filas y el PDF dice dónde están ----------------------
def _indicadores(entidad, cuantos: int, desde: int = 0) -> None:
    from indicadores.models import Indicador

    base = fabricas.indicador(entidad, nombre=f"Indicador {desde:04d}")
    campos = {f.attname: getattr(base, f.attname) for f in Indicador._meta.concrete_fields if not f.primary_key}
    Indicador.objects.bulk_create(
        [Indicador(**{**campos, "nombre": f"Indicador {i:04d}"}) for i in range(desde + 1, desde + cuantos)])


def test_el_xlsx_trae_todos_los_indicadores_y_el_pdf_dice_donde_estan(mes, entidad_oferente):
    from indicadores.models import Indicador

    _indicadores(entidad_oferente, 620)
    nombres = list(Indicador.objects.filter(activo=True).order_by("nombre", "pk").values_list("nombre", flat=True))
    assert len(nombres) > 600  # más que el tope de 500 que tenía el informe
    informe = informes.generar(tipo="mensual", periodo=mes)
    with informe.xlsx.open("rb") as archivo:
        hoja = load_workbook(io.BytesIO(archivo.read()))["Indicadores"]
    assert [f[0] for f in hoja.iter_rows(min_row=4, values_only=True)] == nombres
    with informe.pdf.open("rb") as archivo:
        texto = " ".join(" ".join(textos(archivo.read())).split())
    xlsx = f"informe-mensual-{mes:%Y-%m}-nacional.xlsx"
    assert xlsx == informes.nombre_archivo("mensual", mes, "nacional", "xlsx")
    assert f"Los datos completos, con todas las filas de cada tabla, están en el XLSX «{xlsx}»" in texto
    n = len(nombres)
    assert (f"Se muestran las {informes.FILAS_PDF} filas de menor avance de {n}; las {n} están en la hoja "
            f"«Indicadores» del XLSX «{xlsx}».") in texto
    # El PDF resume: no trae las 620 filas.
    assert sum(1 for nombre in nombres if f"{nombre} " in texto) <= informes.FILAS_PDF


def test_la_descarga_usa_el_nombre_que_cita_el_pdf(client, mes, seguimiento_dnp):
    informe = informes.generar(tipo="mensual", periodo=mes)
    client.force_login(seguimiento_dnp)
    respuesta = client.get(f"/seguimiento/informes/{informe.pk}/xlsx/")
    assert respuesta.status_code == 200, respuesta
    assert informes.nombre_archivo("mensual", mes, "nacional", "xlsx") in respuesta["Content-Disposition"]


def test_el_pdf_resume_por_menor_avance_y_deja_las_tablas_cortas_enteras():
    filas = [[f"fila {i}", None if i % 7 == 0 else D(i % 100)] for i in range(informes.FILAS_PDF + 50)]
    resumidas, por_avance = informes._resumir(filas, ["Nombre", "Avance (%)"])
    assert por_avance and len(resumidas) == informes.FILAS_PDF
    avances = [f[1] for f in resumidas]
    assert None not in avances and avances == sorted(avances)  # las de menor avance; sin avance, al final
    resumidas, por_avance = informes._resumir(filas, ["Nombre", "Valor"])
    assert not por_avance and resumidas == filas[:informes.FILAS_PDF]


def test_los_indicadores_del_informe_se_leen_en_consultas_fijas(entidad_oferente):
    """Plano de 10 a 1.000 indicadores (con sus metas del año y mediciones): el informe los trae todos."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from indicadores.models import Indicador, MetaIndicador
    from indicadores.selectors import indicadores_con_avance_de

    def contar() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as consultas:
            filas = indicadores_con_avance_de(Indicador.objects.all(), anio=2026, hasta=date(2026, 12, 1))
        return len(filas), len(consultas)

    _indicadores(entidad_oferente, 10, desde=0)
    MetaIndicador.objects.bulk_create([MetaIndicador(indicador=i, anio=2026, valor=D(10)) for i in Indicador.objects.all()])
    pocos, consultas_pocos = contar()
    _indicadores(entidad_oferente, 990, desde=10)
    muchos, consultas_muchos = contar()
    assert muchos - pocos == 990
    assert consultas_muchos == consultas_pocos <= 3
