"""Los seis cortes SETA: página con filtros, CSV, XLSX y API, con el número de consultas fijo de 10 a 1.000
entidades territoriales, y la visibilidad de cada rol."""

import io
from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from agenda.models import LineaPlan, ObjetivoAgenda
from att.models import Dependencia, Entidad, Rol, TipoEntidad
from seguimiento import cortes
from seguimiento.models import EstadoLineaEntidad
from seguimiento.resumen import invalidar_tablero
from tests import factories
from tests.seguimiento import fabricas

pytestmark = pytest.mark.django_db
DIMENSIONES = ("entidad", "dependencia", "producto", "zona", "estrategia", "asesor")


def _mundo(entidad_oferente, n: int, *, lineas: int = 3) -> list[LineaPlan]:
    """`lineas` líneas de dependencias, productos y asesores distintos que llegan a `n` alcaldías, con
    avances distintos por entidad (fotos escritas directamente: el cálculo se prueba en test_por_entidad)."""
    ets = list(Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA).select_related("departamento").order_by("pk")[:n])
    assert len(ets) == n
    creadas, filas = [], []
    for i in range(lineas):
        linea = fabricas.linea(entidad_oferente, peso=i + 1)
        linea.dependencia, _c = Dependencia.objects.get_or_create(entidad=entidad_oferente, nombre=f"Dirección {i}")
        linea.objetivo_agenda, _c = ObjetivoAgenda.objects.get_or_create(
            agenda=linea.plan.agenda, orden=i + 1, defaults={"tipo_descriptor": "funcional", "enunciado": f"Objetivo {i}",
                                                           "indicador": "Entidades", "meta": D(10)})
        linea.save()
        creadas.append(linea)
        for j, et in enumerate(ets):
            avance = D((j * 7 + i * 13) % 101)
            filas.append(EstadoLineaEntidad(
                linea=linea, entidad=et, plan_id=linea.plan_id, agenda_id=linea.plan.agenda_id,
                oferente=entidad_oferente, responsable_id=linea.responsable_id, oferta_id=linea.oferta_id,
                dependencia=linea.dependencia, objetivo=linea.objetivo_agenda, departamento_id=et.departamento_id,
                region=et.departamento.region, peso=linea.peso, avance=avance, esperado=D(50),
                semaforo="al_dia" if avance >= 40 else "atrasado", hitos_vencidos=int(avance < 40),
                ultimo_reporte=date(2026, 6, 1 + j % 28)))
    EstadoLineaEntidad.objects.bulk_create(filas, batch_size=2000)
    invalidar_tablero()  # las fotos se escribieron sin los servicios (que invalidan la caché)
    return creadas


def _consultas(client, url) -> int:
    invalidar_tablero()  # sin la caché de los cortes: se cuentan las consultas de calcularlos
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, url
    return len(ctx.captured_queries)


def _urls(dimension):
    pagina = reverse("seguimiento:corte", args=[dimension])
    return {"pagina": pagina, "csv": f"{pagina}?formato=csv", "xlsx": f"{pagina}?formato=xlsx",
            "api": f"/api/v1/seguimiento/cortes/{dimension}/"}


# Consultas de cada forma de cada corte (sesión, usuario y membresías incluidas): iguales con 10 y 1.000 ET.
CONSULTAS = {"pagina": 8, "csv": 6, "xlsx": 6, "api": 6}


def test_cada_corte_pagina_exportacion_y_api_con_consultas_fijas_de_10_a_1000_entidades(
        client, seguimiento_dnp, entidad_oferente):
    client.force_login(seguimiento_dnp)
    lineas = _mundo(entidad_oferente, 10)
    client.get(reverse("seguimiento:tablero"))  # crea la configuración del seguimiento (una vez)
    pocas = {(d, forma): _consultas(client, url) for d in DIMENSIONES for forma, url in _urls(d).items()}
    EstadoLineaEntidad.objects.filter(linea__in=lineas).delete()
    _mundo(entidad_oferente, 1000)
    muchas = {(d, forma): _consultas(client, url) for d in DIMENSIONES for forma, url in _urls(d).items()}
    assert muchas == pocas
    assert pocas == {(d, forma): CONSULTAS[forma] for d in DIMENSIONES for forma in CONSULTAS}


def test_las_cifras_del_corte_y_sus_descargas(client, seguimiento_dnp, entidad_oferente):
    _mundo(entidad_oferente, 4, lineas=2)
    client.force_login(seguimiento_dnp)
    datos = cortes.corte(seguimiento_dnp, "entidad")
    assert len(datos["filas"]) == 4
    primera = datos["filas"][0]
    assert primera["lineas"] == 2 and primera["seguimientos"] == 2
    # Σ(peso × avance) ÷ Σ pesos por entidad; el total, sobre todos los pares.
    for f in datos["filas"]:
        pares = EstadoLineaEntidad.objects.filter(entidad_id=f["clave_id"])
        esperado = sum(p.peso * p.avance for p in pares) / sum(p.peso for p in pares)
        assert f["avance"] == esperado.quantize(D("0.1"))
        assert f["al_dia"] + f["en_riesgo"] + f["atrasado"] == 2
        assert f["ultimo_reporte"] == max(p.ultimo_reporte for p in pares)
    assert datos["total"]["seguimientos"] == 8
    csv = client.get(reverse("seguimiento:corte", args=["entidad"]) + "?formato=csv").getvalue().decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Entidad territorial,Avance ponderado (%)")
    assert len(csv.splitlines()) == 5
    xlsx = client.get(reverse("seguimiento:corte", args=["zona"]) + "?formato=xlsx&nivel=region")
    hoja = load_workbook(io.BytesIO(xlsx.getvalue())).active
    assert next(c.value for c in next(hoja.iter_rows(min_row=2, max_row=2))) == "Región"
    api = client.get("/api/v1/seguimiento/cortes/dependencia/").json()
    assert {f["nombre"] for f in api["filas"]} == {"Dirección 0 · Ministerio de Prueba",
                                                       "Dirección 1 · Ministerio de Prueba"}
    assert api["total"]["seguimientos"] == 8


def test_filtro_por_departamento_y_semaforo(client, seguimiento_dnp, entidad_oferente):
    _mundo(entidad_oferente, 30, lineas=1)
    depto = EstadoLineaEntidad.objects.order_by("pk").first().departamento_id
    datos = cortes.corte(seguimiento_dnp, "entidad", departamento=depto, semaforo="atrasado")
    assert datos["filas"]
    assert set(EstadoLineaEntidad.objects.filter(entidad_id__in=[f["clave_id"] for f in datos["filas"]])
               .values_list("departamento_id", flat=True)) == {depto}
    assert all(f["atrasado"] == f["seguimientos"] for f in datos["filas"])
    client.force_login(seguimiento_dnp)
    html = client.get(reverse("seguimiento:corte", args=["entidad"]), {"departamento": depto}).content.decode()
    assert f'value="{depto}" selected' in html


def test_visibilidad_oferente_et_equipo_departamental_y_auditor(auditor, entidad_oferente, oferente, otro_oferente):
    _mundo(entidad_oferente, 5, lineas=1)
    et = EstadoLineaEntidad.objects.order_by("entidad__nombre").first().entidad
    funcionario = factories.persona(et, Rol.FUNCIONARIO_ET)
    equipo = factories.persona(factories.gobernacion(et.departamento_id), Rol.EQUIPO_DEPARTAMENTAL)
    assert cortes.corte(auditor, "entidad")["total"]["seguimientos"] == 5
    assert cortes.corte(oferente, "entidad")["total"]["seguimientos"] == 5
    assert cortes.corte(otro_oferente, "entidad")["total"]["seguimientos"] == 0
    assert [f["clave_id"] for f in cortes.corte(funcionario, "entidad")["filas"]] == [et.pk]
    del_depto = EstadoLineaEntidad.objects.filter(departamento_id=et.departamento_id).count()
    assert cortes.corte(equipo, "entidad")["total"]["seguimientos"] == del_depto


def test_el_informe_mensual_trae_la_seccion_por_entidad_y_los_seis_cortes(entidad_oferente):
    from seguimiento import informes

    _mundo(entidad_oferente, 6, lineas=2)
    tablas = {str(t): (cabeza, filas) for t, cabeza, filas in informes.tablas(informes.datos_informe(
        "mensual", date(2026, 6, 1)))}
    cabeza, filas = tablas["5. Avance por entidad territorial (cada línea en cada entidad a la que llega)"]
    assert str(cabeza[0]) == "Entidad territorial" and len(filas) == 6
    for titulo in ("Avance por dependencia", "Avance por producto (oferta)", "Avance por zona", "Avance por región",
                   "Avance por estrategia (objetivo de la agenda)", "Avance por asesor"):
        assert tablas[titulo][1], titulo
    assert len(tablas["Avance por dependencia"][1]) == 2


@pytest.mark.parametrize("n", [10, 60])
def test_los_cortes_del_informe_en_una_pasada_dan_lo_mismo_que_cada_corte(entidad_oferente, n,
                                                                          django_assert_num_queries):
    from seguimiento import informes

    _mundo(entidad_oferente, n, lineas=2)
    pares = EstadoLineaEntidad.objects.filter(oferente=entidad_oferente)
    uno_a_uno = [cortes.corte_de(pares, d, nivel=nv, con_total=False) for d, nv in informes.CORTES_INFORME]
    # Una lectura agrupada de los pares, más los nombres de cada corte (la región no consulta): 1 + 6 + 1.
    with django_assert_num_queries(8):
        juntos = cortes.cortes_de(pares, informes.CORTES_INFORME)
    assert [c["corte"] for c in juntos] == [c["corte"] for c in uno_a_uno]
    assert [c["filas"] for c in juntos] == [c["filas"] for c in uno_a_uno]
    assert len(juntos[0]["filas"]) == n
