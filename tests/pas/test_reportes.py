"""Ciclo del reporte semestral: borrador → enviado → devuelto con comentarios | aprobado; las versiones
enviadas son inmutables; permisos de quién reporta y quién revisa."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from att.models import Notificacion
from pas import services
from pas.models import EstadoReporte, VersionReporte
from tests.pas.conftest import reportar

pytestmark = pytest.mark.django_db


def test_devuelto_y_reenviado_conserva_ambas_versiones(acciones, octavo, reportero_dafp, admin_dnp):
    accion = acciones["1.3"]
    reporte = reportar(accion, octavo, reportero_dafp, avance=D(40), comprometido=D(100), pagado=D(60))
    assert (reporte.estado, reporte.version) == (EstadoReporte.ENVIADO, 1)
    assert services.reporte_enviar(reporte=reporte, por=reportero_dafp).version == 1  # doble clic: nada cambia
    reporte = services.reporte_devolver(reporte=reporte, por=admin_dnp, comentario="Falta el acta del comité")
    assert reporte.estado == EstadoReporte.DEVUELTO
    assert Notificacion.objects.filter(usuario=reportero_dafp, titulo__startswith="Reporte del PAS devuelto").count() == 1
    reporte = reportar(accion, octavo, reportero_dafp, avance=D(55), comprometido=D(120), pagado=D(90),
                       nota="Con el acta del comité")
    assert (reporte.estado, reporte.version) == (EstadoReporte.ENVIADO, 2)
    versiones = list(VersionReporte.objects.filter(reporte=reporte).order_by("numero"))
    assert [(v.numero, v.datos["avance"], v.datos["comprometido"], v.datos["nota"]) for v in versiones] == [
        (1, "40.00", "100.00", "Talleres con gobernaciones"), (2, "55.00", "120.00", "Con el acta del comité")]
    reporte = services.reporte_aprobar(reporte=reporte, por=admin_dnp)
    assert reporte.estado == EstadoReporte.APROBADO and reporte.comentario_dnp == "Falta el acta del comité"
    with pytest.raises(ValidationError, match="Una versión enviada es inmutable"):
        versiones[0].save()
    with pytest.raises(ValidationError, match="Una versión enviada es inmutable"):
        versiones[0].delete()
    with pytest.raises(ValidationError, match="ya fue aprobado"):
        services.reporte_guardar(accion=accion, corte=octavo, por=reportero_dafp, avance=D(60))


def test_solo_la_entidad_responsable_reporta_y_solo_el_dnp_revisa(acciones, octavo, reportero_dafp, oferente, auditor,
                                                                  admin_dnp):
    with pytest.raises(PermissionDenied, match="Solo la entidad responsable"):
        reportar(acciones["1.1"], octavo, reportero_dafp)  # 1.1 es del DNP
    with pytest.raises(PermissionDenied, match="Solo la entidad responsable"):
        reportar(acciones["1.3"], octavo, oferente)
    with pytest.raises(PermissionDenied, match="Solo la entidad responsable"):
        reportar(acciones["1.3"], octavo, auditor)
    reporte = reportar(acciones["1.3"], octavo, reportero_dafp)
    with pytest.raises(PermissionDenied, match="Solo el equipo DNP"):
        services.reporte_aprobar(reporte=reporte, por=reportero_dafp)
    with pytest.raises(ValidationError, match="Escriba qué debe corregir"):
        services.reporte_devolver(reporte=reporte, por=admin_dnp, comentario="  ")


def test_entrada_mala_error_claro_y_nada_se_guarda(acciones, octavo, reportero_dafp):
    with pytest.raises(ValidationError, match="Lo pagado no puede superar lo comprometido"):
        reportar(acciones["1.3"], octavo, reportero_dafp, comprometido=D(10), pagado=D(20))
    with pytest.raises(ValidationError, match="fuera del rango"):
        reportar(acciones["1.3"], octavo, reportero_dafp, avance=D("100.01"))
    reporte = services.reporte_guardar(accion=acciones["1.3"], corte=octavo, por=reportero_dafp, avance=None)
    with pytest.raises(ValidationError, match="Indique el avance físico"):
        services.reporte_enviar(reporte=reporte, por=reportero_dafp)
    assert not VersionReporte.objects.exists()


def test_accion_que_no_habia_empezado_no_se_reporta_en_ese_corte(acciones, reportero_dafp):
    from pas.models import CorteSemestral

    primero = CorteSemestral.objects.get(numero=1)  # 2022-12-31; la acción 2.2 (DAFP) empieza en 2023
    with pytest.raises(ValidationError, match="aún no había empezado"):
        reportar(acciones["2.2"], primero, reportero_dafp)
