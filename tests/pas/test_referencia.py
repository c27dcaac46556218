"""La referencia del PAS carga como datos: los nueve cortes de la Tabla 1 (migración pas.0002), las
Tablas 2 y 3 de financiamiento y las once acciones de §5.3 (`cargar_referencia`)."""

import io
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from pas import referencia
from pas.models import Accion, CorteSemestral, FinanciamientoEntidad, FinanciamientoObjetivo

pytestmark = pytest.mark.django_db


def test_los_nueve_cortes_de_la_tabla_1_cargan_como_datos():
    cortes = list(CorteSemestral.objects.order_by("numero").values_list("numero", "nombre", "fecha_corte", "es_cierre"))
    assert len(cortes) == 9
    assert cortes[0] == (1, "Primer corte", date(2022, 12, 31), False)
    assert cortes[7] == (8, "Octavo corte", date(2026, 6, 30), False)
    assert cortes[8] == (9, "Informe de cierre", date(2026, 12, 31), True)
    assert [c[2].month for c in cortes] == [12, 6, 12, 6, 12, 6, 12, 6, 12]
    assert not CorteSemestral.objects.filter(cerrado_en__isnull=False).exists()


def test_tablas_2_y_3_suman_6015_millones_por_entidad_por_objetivo_y_por_anio():
    assert sum(FinanciamientoEntidad.objects.values_list("monto", flat=True)) == D(6015)
    assert FinanciamientoEntidad.objects.get(nombre_entidad="Departamento Administrativo de la Función Pública").monto == D(4637)
    assert sum(FinanciamientoObjetivo.objects.values_list("monto", flat=True)) == D(6015)
    por_anio = {a: sum(FinanciamientoObjetivo.objects.filter(anio=a).values_list("monto", flat=True))
                for a in range(2022, 2027)}
    assert por_anio == {2022: D(1089), 2023: D(1311), 2024: D(1189), 2025: D(1114), 2026: D(1312)}
    oe1 = FinanciamientoObjetivo.objects.filter(objetivo__codigo="OE1").order_by("anio").values_list("monto", flat=True)
    assert list(oe1) == [D(537), D(584), D(460), D(342), D(343)]


def test_cargar_referencia_crea_las_once_acciones_una_vez_y_enlaza_la_tabla_2():
    call_command("cargar_referencia", stdout=io.StringIO())
    assert Accion.objects.count() == 11
    assert Accion.objects.filter(objetivo__codigo="OE1").count() == 5
    gobernanza = Accion.objects.get(codigo="1.3")
    assert gobernanza.entidad.nombre == "Departamento Administrativo de la Función Pública"
    assert gobernanza.corresponsables.count() == 4
    Accion.objects.filter(codigo="1.1").update(peso=D(15))  # lo que el DNP completó no se pisa
    assert referencia.cargar() == {"acciones": 0, "entidades_enlazadas": 0}
    assert Accion.objects.count() == 11 and Accion.objects.get(codigo="1.1").peso == D(15)
    assert not FinanciamientoEntidad.objects.filter(entidad__isnull=True).exists()
