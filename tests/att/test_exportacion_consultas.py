"""Consultas de cada exportación CSV/XLSX fijadas planas de 10 a 1.000 filas (issue #17): se leen por
trozos con sus relaciones en un número constante de consultas (listas m2m agregadas en SQL o `prefetch`
por trozo), nunca una consulta por fila. Cada caso crea n filas en lote, descarga el archivo entero
(el flujo se consume) y cuenta las consultas."""

import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from att.models import Membresia, Rol
from tests import factories

pytestmark = pytest.mark.django_db

TAMANOS = (10, 1000)


def _clonar(original, n: int, *, m2m: tuple[str, ...] = (), **distintos):
    """n-1 copias de `original` en lote (con sus relaciones m2m), cambiando `distintos` (i → valor)."""
    modelo = type(original)
    copias = []
    for i in range(1, n):
        copia = modelo.objects.get(pk=original.pk)
        copia.pk = copia.id = None
        for campo, valor in distintos.items():
            setattr(copia, campo, valor(i))
        copias.append(copia)
    copias = modelo.objects.bulk_create(copias, batch_size=500)
    for campo in m2m:
        intermedia = getattr(modelo, campo).through
        relacion = modelo._meta.get_field(campo)
        propio, ajeno = relacion.m2m_field_name() + "_id", relacion.m2m_reverse_field_name() + "_id"
        destinos = list(getattr(original, campo).values_list("pk", flat=True))
        intermedia.objects.bulk_create(
            [intermedia(**{propio: c.pk, ajeno: d}) for c in copias for d in destinos], batch_size=2000)
    return [original, *copias]


def _ofertas(n, client):
    from oferta.services import actualizar_busqueda
    from tests.oferta import fabricas

    coferente = factories.EntidadNacionalFactory()
    o = fabricas.oferta(nombre="Oferta", cooferentes=[coferente], departamentos=["05"],
                        publico_objetivo=["despacho"], focaliza_categorias=["1"])
    o.focaliza_entidades.set([factories.alcaldia("05001")])
    o.indicadores.set([])
    todas = _clonar(o, n, m2m=("cooferentes", "descriptores", "temas", "capacidades", "etapas", "modalidades",
                              "focaliza_departamentos", "focaliza_entidades"), nombre=lambda i: f"Oferta {i}")
    actualizar_busqueda([x.pk for x in todas])
    return {"canal": o.canal_id}


def _demandas(n, client):
    from tests.demanda import fabricas

    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    entidad = Membresia.objects.get(usuario=persona).entidad
    d = fabricas.demanda(entidad, persona, temas=("planeacion", "salud"), capacidad="planeacion", canal="virtual")
    _clonar(d, n, m2m=("temas",), titulo=lambda i: f"Demanda {i}")
    client.force_login(persona)
    return {}


def _lineas(n, client):
    from tests.agenda import fabricas

    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    entidad = Membresia.objects.get(usuario=persona).entidad
    plan = fabricas.plan(entidad)
    linea = fabricas.linea(plan, territorios=[entidad, factories.gobernacion("05")])
    _clonar(linea, n, m2m=("territorios",), secuencia=lambda i: i + 1)
    client.force_login(persona)
    return {"_ruta": f"/agenda/planes/{plan.pk}/exportar/"}


def _instancias(n, client):
    from agenda.models import InstanciaGobernanza

    i = InstanciaGobernanza.objects.create(nombre="Instancia 0", tipo="mesa_tecnica", nivel="ejecutivo")
    _clonar(i, n, nombre=lambda k: f"Instancia {k}")
    client.force_login(factories.persona(factories.dnp(), Rol.ADMIN_DNP))
    return {}


def _territoriales(n, client):
    from agenda.models import AgendaTerritorial

    persona = factories.persona(factories.dnp(), Rol.ADMIN_DNP)
    a = AgendaTerritorial.objects.create(nombre="Agenda 0", tipo="iniciativa_pdet", creada_por=persona)
    a.entidades.set([factories.alcaldia("05001")])
    _clonar(a, n, m2m=("entidades",), nombre=lambda k: f"Agenda {k}")
    client.force_login(persona)
    return {}


def _acciones_pas(n, client):
    from pas import referencia
    from pas.models import Accion

    referencia.cargar()
    base = Accion.objects.filter(corresponsables__isnull=False).order_by("pk").first()
    _clonar(base, n - Accion.objects.count() + 1, m2m=("corresponsables",), codigo=lambda k: f"X{k:05d}")
    client.force_login(factories.persona(factories.dnp(), Rol.ADMIN_DNP))
    return {}


CASOS = {
    "oferta-csv": ("/oferta/exportar/", "csv", _ofertas),
    "oferta-xlsx": ("/oferta/exportar/", "xlsx", _ofertas),
    "demanda-csv": ("/demanda/exportar/", "csv", _demandas),
    "demanda-xlsx": ("/demanda/exportar/", "xlsx", _demandas),
    "lineas-plan-csv": (None, "csv", _lineas),
    "lineas-plan-xlsx": (None, "xlsx", _lineas),
    "instancias-csv": ("/agenda/gobernanza/", "csv", _instancias),
    "agendas-territoriales-xlsx": ("/agenda/territoriales/", "xlsx", _territoriales),
    "pas-acciones-csv": ("/pas/acciones/", "csv", _acciones_pas),
}


def _consultas(client, ruta, formato, parametros) -> tuple[int, int]:
    cache.clear()
    with CaptureQueriesContext(connection) as consultas:
        r = client.get(ruta, {**parametros, "formato": formato})
        contenido = r.getvalue()
    assert r.status_code == 200, (ruta, r.status_code)
    if formato == "csv":
        filas = contenido.decode("utf-8-sig").count("\n") - 1
    else:
        filas = sum(1 for _f in load_workbook(io.BytesIO(contenido), read_only=True).active.iter_rows()) - 1
    return len(consultas), filas


@pytest.mark.parametrize("caso", list(CASOS))
def test_consultas_planas_de_10_a_1000_filas(caso, client, settings, django_db_blocker):
    """Las mismas consultas con 10 que con 1.000 filas (cada tamaño en su propio punto de guardado)."""
    from django.db import transaction

    settings.ATT_EXPORTACION_UMBRAL_FILAS = 5000
    ruta, formato, preparar = CASOS[caso]
    cuentas = {}
    for n in TAMANOS:
        try:
            with transaction.atomic():
                parametros = preparar(n, client)
                ruta_n = parametros.pop("_ruta", ruta)
                cuentas[n] = _consultas(client, ruta_n, formato, parametros)
                raise _Deshacer
        except _Deshacer:
            pass
        client.logout()
    (pocas, filas_pocas), (muchas, filas_muchas) = cuentas[10], cuentas[1000]
    assert filas_muchas >= 1000 and filas_muchas > filas_pocas, cuentas
    assert muchas == pocas, f"{caso}: {pocas} consultas con 10 filas y {muchas} con 1.000"


class _Deshacer(Exception):
    pass


def test_hoy_ni_una_consulta_por_oferta_en_los_datos_abiertos(client):
    """La oferta: una sola consulta para todas las filas (las listas m2m van en subconsultas de arreglo)."""
    parametros = _ofertas(30, client)
    with CaptureQueriesContext(connection) as consultas:
        client.get("/oferta/exportar/", {**parametros, "formato": "csv"}).getvalue()
    de_ofertas = [q["sql"] for q in consultas.captured_queries if 'FROM "oferta_oferta"' in q["sql"]]
    assert len(de_ofertas) == 1, de_ofertas
    assert not any("att_nivelcapacidad" in q["sql"] for q in consultas.captured_queries)

