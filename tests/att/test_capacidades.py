"""Periodos de gobierno, diagnósticos de capacidad (línea base y cambio) y egresos (att)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from att import selectors, services
from att.models import (
    Capacidad,
    DiagnosticoCapacidad,
    EgresoCapacidad,
    Membresia,
    MotivoEgreso,
    PeriodoGobierno,
    PuntajeMDM,
    Rol,
)
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date


def cap(codigo="planeacion"):
    return Capacidad.objects.get(codigo=codigo)


def diagnosticar(entidad, fecha, por, **valores_y_objetivos):
    """diagnosticar(et, fecha, por, planeacion=(2, 4), gestion=3)"""
    filas = []
    for codigo, v in valores_y_objetivos.items():
        valor, objetivo = v if isinstance(v, tuple) else (v, None)
        filas.append({"capacidad": cap(codigo), "valor": valor, "objetivo": objetivo})
    return services.diagnostico_registrar(entidad=entidad, fecha=fecha, valoraciones=filas, por=por)


def test_los_cuatro_periodos_estan_sembrados_y_cada_fecha_cae_en_uno():
    assert [p.codigo for p in selectors.periodos_gobierno()] == ["2016-2019", "2020-2023", "2024-2027", "2028-2031"]
    assert selectors.periodo_de(D(2023, 12, 31)).codigo == "2020-2023"
    assert selectors.periodo_de(D(2024, 1, 1)).codigo == "2024-2027"
    assert selectors.periodo_de(D(2015, 12, 31)) is None
    assert selectors.periodo_de(None) is None


def test_filtrar_por_periodo_con_fecha_y_con_fecha_y_hora(funcionario_medellin):
    medellin = factories.alcaldia("05001")
    viejo = diagnosticar(medellin, D(2023, 12, 31), funcionario_medellin, planeacion=2)
    nuevo = diagnosticar(medellin, D(2024, 1, 1), funcionario_medellin, planeacion=3)
    periodo = PeriodoGobierno.objects.get(codigo="2024-2027")
    qs = DiagnosticoCapacidad.objects.filter(entidad=medellin)
    assert list(selectors.filtrar_por_periodo(qs, "fecha", periodo)) == [nuevo]
    assert list(selectors.filtrar_por_periodo(qs, "fecha", "2020-2023")) == [viejo]
    assert selectors.filtrar_por_periodo(qs, "fecha", "9999-0000").count() == 0
    assert selectors.filtrar_por_periodo(qs, "fecha", None).count() == 2
    # campo de fecha y hora (creado hoy): cae en el periodo de hoy
    hoy = selectors.periodo_de(datetime.date.today())
    assert selectors.filtrar_por_periodo(qs, "creado", hoy).count() == 2


def test_quien_sirvio_en_cada_administracion():
    medellin = factories.alcaldia("05001")
    anterior = factories.persona(medellin, Rol.FUNCIONARIO_ET, nombre="Alcaldesa anterior")
    Membresia.objects.filter(usuario=anterior).update(desde=D(2020, 1, 1), hasta=D(2023, 12, 31), activa=False)
    actual = factories.persona(medellin, Rol.FUNCIONARIO_ET, nombre="Alcalde actual")
    Membresia.objects.filter(usuario=actual).update(desde=D(2024, 1, 1))
    p2020 = PeriodoGobierno.objects.get(codigo="2020-2023")
    p2024 = PeriodoGobierno.objects.get(codigo="2024-2027")
    assert [m.usuario for m in selectors.membresias_en_periodo(medellin, p2020)] == [anterior]
    assert [m.usuario for m in selectors.membresias_en_periodo(medellin, p2024)] == [actual]
    filas = {f["periodo"].codigo: [m.usuario for m in f["membresias"]] for f in selectors.administraciones_de(medellin)}
    assert filas == {"2020-2023": [anterior], "2024-2027": [actual]}


def test_diagnostico_copia_la_mdm_y_la_ganancia_es_contra_la_linea_base(funcionario_medellin):
    medellin = factories.alcaldia("05001")
    PuntajeMDM.objects.create(municipio_id="05001", anio=2022, puntaje=Decimal("71.30"), grupo="C")
    PuntajeMDM.objects.create(municipio_id="05001", anio=2030, puntaje=Decimal("80.00"), grupo="C")
    base = diagnosticar(medellin, D(2024, 3, 1), funcionario_medellin, planeacion=(2, 4), gestion=3)
    assert (base.anio_mdm, base.puntaje_mdm, base.grupo_mdm) == (2022, Decimal("71.30"), "C")
    assert selectors.ganancia_capacidad([medellin]) == {medellin.pk: Decimal(0)}
    diagnosticar(medellin, D(2025, 3, 1), funcionario_medellin, planeacion=4, gestion=4, tecnica=5)
    # planeación +2, gestión +1; técnica no estaba en la línea base
    assert selectors.ganancia_capacidad([medellin]) == {medellin.pk: Decimal(3)}
    assert selectors.diagnosticos_de(medellin).first() == base


def test_valoracion_fuera_de_1_a_5_se_rechaza_en_espanol(funcionario_medellin):
    with pytest.raises(ValidationError, match="debe ser un número entero de 1 a 5"):
        diagnosticar(factories.alcaldia("05001"), D(2024, 3, 1), funcionario_medellin, planeacion=6)
    assert DiagnosticoCapacidad.objects.count() == 0


def test_otro_municipio_no_diagnostica_a_medellin(funcionario_cali):
    with pytest.raises(PermissionDenied, match="No puede registrar diagnósticos"):
        diagnosticar(factories.alcaldia("05001"), D(2024, 3, 1), funcionario_cali, planeacion=2)


def test_egreso_rechazado_sin_objetivo_cumplido_y_aceptado_despues(oferente, funcionario_medellin):
    medellin = factories.alcaldia("05001")
    diagnosticar(medellin, D(2024, 3, 1), funcionario_medellin, planeacion=(2, 4))
    with pytest.raises(ValidationError, match="El objetivo de capacidad no se ha cumplido"):
        services.egreso_registrar(entidad=medellin, capacidad=cap(), motivo=MotivoEgreso.CUMPLIDO,
                                  por=oferente, clave="prueba:1")
    assert not selectors.egresada(medellin, cap())
    despues = diagnosticar(medellin, D(2025, 3, 1), funcionario_medellin, planeacion=5)
    egreso = services.egreso_registrar(entidad=medellin, capacidad=cap(), motivo=MotivoEgreso.CUMPLIDO,
                                       por=oferente, clave="prueba:1")
    assert egreso.diagnostico == despues
    assert selectors.egresada(medellin, cap())
    assert not selectors.egresada(medellin, cap("gestion"))
    # repetir (doble clic, tarea reentregada) devuelve el mismo egreso
    assert services.egreso_registrar(entidad=medellin, capacidad=cap(), motivo=MotivoEgreso.CUMPLIDO,
                                     por=oferente, clave="prueba:1") == egreso
    assert EgresoCapacidad.objects.count() == 1
    assert selectors.egresos_por_entidad([medellin.pk]) == {medellin.pk: {cap().pk}}


def test_cerrar_con_motivo_no_gradua(oferente):
    medellin = factories.alcaldia("05001")
    with pytest.raises(ValidationError, match="Escriba el motivo"):
        services.egreso_registrar(entidad=medellin, capacidad=cap(), motivo=MotivoEgreso.CERRADO,
                                  por=oferente, clave="prueba:2", detalle="  ")
    services.egreso_registrar(entidad=medellin, capacidad=cap(), motivo=MotivoEgreso.CERRADO,
                              por=oferente, clave="prueba:2", detalle="La alcaldía no continuó.")
    assert not selectors.egresada(medellin, cap())
