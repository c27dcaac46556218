"""Páginas: acceso por rol, flujo reportar → validar, descargas CSV y número de consultas."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from indicadores import services as ind_services
from seguimiento import services
from seguimiento.models import Avance, EstadoAvance, InformeMensual
from tests import factories
from tests.seguimiento import fabricas

pytestmark = pytest.mark.django_db


def test_oferente_reporta_con_evidencia_y_dnp_valida(client, linea, oferente, seguimiento_dnp):
    client.force_login(oferente)
    hito = linea.hitos.get()
    r = client.post(f"/seguimiento/lineas/{linea.pk}/", {
        "accion": "avance", "hito": hito.pk, "porcentaje": "50", "fecha_corte": "2026-06-01",
        "narrativa": "Taller realizado", "evidencias": SimpleUploadedFile("lista.pdf", b"%PDF-1.4"),
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    avance = Avance.objects.get()
    assert avance.evidencias.count() == 1
    client.force_login(seguimiento_dnp)
    r = client.get("/seguimiento/avances/pendientes/")
    assert "Taller realizado" in r.content.decode()
    r = client.get(f"/seguimiento/evidencias/{avance.evidencias.get().pk}/")
    assert r.status_code == 200
    client.post(f"/seguimiento/avances/{avance.pk}/revisar/", {"decision": "validar"})
    assert Avance.objects.get().estado == EstadoAvance.VALIDADO
    r = client.get("/seguimiento/")
    assert 'id="avance-total">50,0 %' in r.content.decode()


def test_otro_oferente_no_reporta_ni_ve_la_linea(client, linea, otro_oferente, auditor):
    client.force_login(otro_oferente)
    assert client.get(f"/seguimiento/lineas/{linea.pk}/").status_code == 404
    client.force_login(auditor)
    r = client.get(f"/seguimiento/lineas/{linea.pk}/")
    assert r.status_code == 200 and "Reportar avance" not in r.content.decode()
    hito = linea.hitos.get()
    r = client.post(f"/seguimiento/lineas/{linea.pk}/", {"accion": "avance", "hito": hito.pk, "porcentaje": "5",
                                                          "fecha_corte": "2026-06-01", "narrativa": "x"})
    assert r.status_code == 403
    assert client.get("/seguimiento/avances/pendientes/").status_code == 200
    a = services.avance_reportar(hito=hito, porcentaje=D(5), fecha_corte=date(2026, 6, 1), narrativa="x",
                                 por=linea.responsable)
    client.post(f"/seguimiento/avances/{a.pk}/revisar/", {"decision": "validar"})
    assert Avance.objects.get(pk=a.pk).estado == EstadoAvance.REPORTADO


@pytest.mark.parametrize("ruta", ["/seguimiento/", "/seguimiento/lineas/", "/seguimiento/indicadores/",
                                  "/seguimiento/percepcion/", "/seguimiento/capacidades/", "/seguimiento/informes/",
                                  "/seguimiento/avances/pendientes/"])
def test_paginas_del_dnp_responden(client, linea, seguimiento_dnp, ruta):
    client.force_login(seguimiento_dnp)
    r = client.get(ruta)
    assert r.status_code == 200
    assert 'lang="es-CO"' in r.content.decode()


@pytest.mark.parametrize("dimension", ["entidad", "departamento", "tema", "asesor"])
def test_cada_cifra_del_tablero_se_descarga_en_csv(client, linea, seguimiento_dnp, dimension):
    client.force_login(seguimiento_dnp)
    r = client.get(f"/seguimiento/?formato=csv&dimension={dimension}")
    assert r["Content-Type"].startswith("text/csv")
    lineas = r.getvalue().decode("utf-8-sig").strip().splitlines()
    assert len(lineas) == 2


def test_csv_de_indicadores_percepcion_y_capacidades(client, linea, seguimiento_dnp, entidad_oferente):
    fabricas.indicador(entidad_oferente)
    client.force_login(seguimiento_dnp)
    for ruta in ("/seguimiento/indicadores/?formato=csv", "/seguimiento/percepcion/?formato=csv",
                 "/seguimiento/capacidades/?formato=csv"):
        assert client.get(ruta)["Content-Type"].startswith("text/csv")


def test_tablero_del_oferente_solo_sus_lineas(client, linea, otro_oferente):
    fabricas.hito(fabricas.linea(otro_oferente.membresias.first().entidad))
    client.force_login(otro_oferente)
    r = client.get("/seguimiento/?formato=csv&dimension=entidad")
    contenido = r.getvalue().decode("utf-8-sig")
    assert linea.plan.entidad.nombre not in contenido


@pytest.mark.parametrize("n", [10, 60])
def test_tablero_con_consultas_fijas(client, entidad_oferente, seguimiento_dnp, django_assert_max_num_queries, n):
    from att.models import Entidad, TipoEntidad

    territorios = list(Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA)[:n])
    for i in range(n):
        l = fabricas.linea(entidad_oferente, territorios=[territorios[i]], responsable=factories.UsuarioFactory())
        fabricas.hito(l)
    services.recalcular_todas()
    client.force_login(seguimiento_dnp)
    with django_assert_max_num_queries(20):  # sin caché; independiente del número de líneas (18 + 2 series)
        assert client.get("/seguimiento/").status_code == 200
    with django_assert_max_num_queries(11):  # 10 + la lista de periodos de gobierno del filtro
        assert client.get("/seguimiento/lineas/").status_code == 200


@pytest.mark.parametrize("n", [10, 60])
def test_tablero_con_graficos_ordenados_por_valor(client, entidad_oferente, seguimiento_dnp, oferente,
                                                  django_assert_max_num_queries, n):
    """Tendencias (demandas, avance, percepción) y comparaciones de mayor a menor avance, en SVG accesible."""
    import xml.etree.ElementTree as ET

    from django.core.cache import cache

    from att.models import Entidad, TipoEntidad

    territorios = list(Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA)[:n])
    otra = factories.EntidadNacionalFactory(nombre="Agencia A")  # primera por nombre, última por avance
    for i in range(n):
        l = fabricas.linea(entidad_oferente if i % 2 else otra, territorios=[territorios[i]], responsable=oferente)
        h = fabricas.hito(l, fecha=date(2030, 1, 1))
        if i % 2:
            a = services.avance_reportar(hito=h, porcentaje=D(60), fecha_corte=timezone.localdate(), narrativa="x",
                                         por=oferente)
            services.avance_validar(avance=a, por=seguimiento_dnp)
    services.recalcular_todas()
    for usuario, tope in ((seguimiento_dnp, 20), (oferente, 22)):  # oferente: + la consulta de sus temas
        cache.clear()
        client.force_login(usuario)
        with django_assert_max_num_queries(tope):
            r = client.get("/seguimiento/")
        html = r.content.decode()
        assert r.status_code == 200 and "style=" not in html
        for id_ in ("g-demandas", "g-avance", "g-percepcion", "g-avance-entidad", "g-avance-departamento",
                    "g-avance-tema", "g-avance-asesor", "g-indicadores"):
            assert f'role="img" id="{id_}"' in html
        por_entidad = r.context["secciones"][0][3]
        nombres = [t.text for t in ET.fromstring(str(por_entidad.svg)).iter("{http://www.w3.org/2000/svg}text")
                   if "g-nombre" in t.get("class")]
        assert nombres == [entidad_oferente.nombre, "Agencia A"]
        assert [f["nombre"] for f in r.context["por_entidad"]] == nombres  # la tabla, en el mismo orden
        assert r.context["grafico_avance"].filas[-1][1] == "60,0 %"


def test_generar_informe_desde_la_pagina(client, linea, seguimiento_dnp, auditor,
                                        django_capture_on_commit_callbacks):
    client.force_login(auditor)
    assert client.post("/seguimiento/informes/", {"periodo": "2026-10"}).status_code == 403
    client.force_login(seguimiento_dnp)
    with django_capture_on_commit_callbacks(execute=True):  # la tarea sale por la bandeja al confirmar
        client.post("/seguimiento/informes/", {"periodo": "2026-10"})
    informe = InformeMensual.objects.get()
    assert informe.estado == "listo"  # en pruebas la tarea corre en el mismo proceso
    r = client.get(f"/seguimiento/informes/{informe.pk}/pdf/")
    assert r.status_code == 200 and b"".join(r.streaming_content)[:4] == b"%PDF"
    assert "100 %" in client.get("/seguimiento/informes/").content.decode()


def test_periodo_cerrado_en_la_pagina(client, entidad_oferente, oferente, seguimiento_dnp):
    i = fabricas.indicador(entidad_oferente)
    ind_services.periodo_cerrar(periodo=date(2026, 3, 1), por=seguimiento_dnp)
    client.force_login(oferente)
    r = client.post(f"/seguimiento/indicadores/{i.pk}/", {"periodo": "2026-03", "valor": "4"})
    assert r.status_code == 200 and "está cerrado" in r.content.decode()
    r = client.post(f"/seguimiento/indicadores/{i.pk}/", {"periodo": "2026-04", "valor": "4"})
    assert r.status_code == 302


def test_et_sin_consentimiento_no_califica_en_la_pagina(client, funcionario_medellin, entidad_oferente):
    medellin = factories.alcaldia("05001")  # sin consentimiento: es el estado por defecto
    client.force_login(funcionario_medellin)
    r = client.post("/seguimiento/percepcion/", {"entidad": medellin.pk, "calidad": 5, "pertinencia": 5,
                                                  "oportunidad": 5})
    assert r.status_code == 200 and "Solo califican las entidades territoriales que dieron su consentimiento" in r.content.decode()
    assert "Calificar la asistencia recibida" not in r.content.decode()


def test_importar_mdm_con_errores_por_fila(client, seguimiento_dnp):
    client.force_login(seguimiento_dnp)
    malo = SimpleUploadedFile("mdm.csv", b"codigo_divipola,anio,puntaje\n05001,2024,70.5\n99999,2024,50\n05002,abc,101\n")
    r = client.post("/seguimiento/capacidades/", {"archivo": malo}, follow=True)
    assert [e["fila"] for e in r.context["importacion"].errores] == [3, 4, 4]
    assert "No existe el municipio con código DIVIPOLA 99999" in r.content.decode()
    bueno = SimpleUploadedFile("mdm.csv", b"codigo_divipola,anio,puntaje,grupo\n05001,2031,70.5,C\n5002,2031,48,G3\n")
    r = client.post("/seguimiento/capacidades/", {"archivo": bueno}, follow=True)
    from att.models import PuntajeMDM

    assert not PuntajeMDM.objects.filter(anio=2031).exists()  # el ensayo no escribe
    client.post(f"/nucleo/importaciones/{r.context['importacion'].pk}/")

    assert PuntajeMDM.objects.filter(anio=2031).count() == 2


def test_admin_configuracion_y_regenerar(client, seguimiento_dnp, linea, django_capture_on_commit_callbacks):
    from seguimiento.models import ConfiguracionSeguimiento

    conf = ConfiguracionSeguimiento.obtener()
    client.force_login(seguimiento_dnp)
    r = client.post(f"/admin/seguimiento/configuracionseguimiento/{conf.pk}/change/", {
        "umbral_riesgo": "5", "umbral_atraso": "15", "umbral_percepcion": "3.5", "tamano_muestra": "52"})
    assert r.status_code == 302
    assert ConfiguracionSeguimiento.obtener().umbral_atraso == 15
    informe = InformeMensual.objects.create(periodo=date(2026, 9, 1))
    with django_capture_on_commit_callbacks(execute=True):  # la tarea sale por la bandeja al confirmar
        client.post("/admin/seguimiento/informemensual/", {"action": "regenerar", "_selected_action": [informe.pk]})
    informe.refresh_from_db()
    assert informe.estado == "listo" and informe.progreso == 100
    assert client.get("/admin/indicadores/medicion/").status_code == 200


def test_resumen_csv_suscripcion_y_portada(client, linea, seguimiento_dnp):
    from seguimiento.models import SuscripcionInforme

    client.force_login(seguimiento_dnp)
    r = client.get("/seguimiento/?formato=csv&dimension=resumen")
    assert "Avance consolidado (%)" in r.getvalue().decode("utf-8-sig")
    client.post("/seguimiento/informes/", {"accion": "suscripcion", "activa": "1"})
    assert SuscripcionInforme.objects.get(usuario=seguimiento_dnp).activa
    assert client.get("/").status_code == 200


def test_indicadores_vigencia_sin_separador_de_miles(client, seguimiento_dnp):
    """«2.026» en un campo numérico con min=2022 bloqueaba el botón «Ver» en el navegador."""
    client.force_login(seguimiento_dnp)
    html = client.get("/seguimiento/indicadores/?anio=2026").content.decode()
    assert 'name="anio" type="number" value="2026"' in html
    assert "Avance 2026 (%)" in html and "2.026" not in html


def test_indicadores_y_percepcion_con_graficos(client, entidad_oferente, seguimiento_dnp, django_assert_max_num_queries):
    import xml.etree.ElementTree as ET

    from indicadores.models import Medicion
    from seguimiento.models import Percepcion

    bajo = fabricas.indicador(entidad_oferente, nombre="A bajo", meta=100)
    alto = fabricas.indicador(entidad_oferente, nombre="B alto", meta=100)
    Medicion.objects.create(indicador=bajo, periodo=date(2026, 3, 1), valor=D(10))
    Medicion.objects.create(indicador=alto, periodo=date(2026, 3, 1), valor=D(80))
    hoy = timezone.localdate()
    medellin = factories.alcaldia("05001")
    Percepcion.objects.create(entidad=medellin, fecha=hoy, calidad=4, pertinencia=4, oportunidad=4)
    client.force_login(seguimiento_dnp)
    with django_assert_max_num_queries(9):  # el gráfico no consulta: usa las filas de la tabla
        r = client.get("/seguimiento/indicadores/?anio=2026")
    svg = ET.fromstring(str(r.context["grafico"].svg))
    assert [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text") if "g-nombre" in t.get("class")] == [
        "B alto", "A bajo"]
    assert [f["indicador"].nombre for f in r.context["filas"]] == ["B alto", "A bajo"]
    with django_assert_max_num_queries(16):  # la serie sale del resumen por mes ya leído: sin otra consulta
        r = client.get("/seguimiento/percepcion/")
    html = r.content.decode()
    assert 'role="img" id="g-percepcion"' in html and "style=" not in html
    g = r.context["grafico"]
    assert len(g.filas) == 12 and g.filas[-1][1] == "4,00" and g.filas[0][1] == "sin datos"


def test_csv_del_tablero_no_exporta_formulas(client, linea, seguimiento_dnp):
    """Los CSV del seguimiento van por att.exportacion: un nombre que empieza por «=» lleva apóstrofo."""
    import csv
    import io

    from att.models import Entidad

    entidad = Entidad.objects.get(pk=linea.plan.entidad_id)
    entidad.nombre = '=HYPERLINK("http://x")'
    entidad.save(update_fields=["nombre"])
    client.force_login(seguimiento_dnp)
    r = client.get("/seguimiento/?formato=csv&dimension=entidad")
    contenido = r.getvalue()
    assert contenido.startswith("\ufeff".encode())
    filas = list(csv.reader(io.StringIO(contenido.decode("utf-8-sig"))))
    assert filas[1][0] == "'=HYPERLINK(\"http://x\")"


def test_avances_por_validar_filtran_por_periodo_de_gobierno(client, linea, seguimiento_dnp):
    hito = linea.hitos.get()
    for anio in (2023, 2025):
        Avance.objects.create(hito=hito, porcentaje=D(10), fecha_corte=date(anio, 6, 1), narrativa=f"Taller de {anio}",
                              registrado_por=linea.responsable)
    client.force_login(seguimiento_dnp)
    assert "Taller de 2023" in client.get("/seguimiento/avances/pendientes/").content.decode()
    html = client.get("/seguimiento/avances/pendientes/", {"periodo": "2024-2027"}).content.decode()
    assert "Taller de 2025" in html
    assert "Taller de 2023" not in html
