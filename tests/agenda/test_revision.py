"""Ciclo de revisión: enviar → devolver con comentario → ajustar → reenviar → aprobar, sin perder nada."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agenda import services
from agenda.models import EstadoPlan, RevisionPlan, VersionPlan
from att.models import Notificacion
from tests import factories
from tests.agenda import fabricas as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_con_linea(entidad_oferente, oferente):
    plan = f.plan(entidad_oferente)
    f.linea(plan, territorios=[factories.alcaldia("05001")], responsable=oferente)
    return plan


def test_devolver_ajustar_aprobar_guarda_ambas_versiones(plan_con_linea, oferente, admin_dnp):
    plan = plan_con_linea
    v1 = services.plan_enviar(plan=plan, por=oferente, nota="Primera versión")
    plan.refresh_from_db()
    assert plan.estado == EstadoPlan.ENVIADO and plan.version == 1
    assert Notificacion.objects.filter(usuario=admin_dnp, clave=f"plan-enviado-{plan.pk}-1").exists()

    services.plan_revisar(plan=plan, decision="devuelto", comentario="Falta la meta de la línea 1", por=admin_dnp)
    plan.refresh_from_db()
    assert plan.estado == EstadoPlan.DEVUELTO
    assert Notificacion.objects.filter(usuario=oferente, titulo__startswith="Plan de trabajo devuelto").exists()

    linea = plan.lineas.get()
    services.linea_guardar(plan=plan, linea=linea, por=oferente, indicador="Municipios asistidos",
                           meta=12, unidad_meta="municipios")
    v2 = services.plan_enviar(plan=plan, por=oferente, nota="Agregamos la meta")
    services.plan_revisar(plan=plan, decision="aprobado", por=admin_dnp)
    plan.refresh_from_db()
    assert plan.estado == EstadoPlan.APROBADO and plan.version == 2 and plan.aprobado_en

    versiones = list(VersionPlan.objects.filter(plan=plan).order_by("numero"))
    assert [v.numero for v in versiones] == [1, 2]
    assert versiones[0].datos["lineas"][0]["meta"] is None
    assert versiones[1].datos["lineas"][0]["meta"] == "12.00"
    revisiones = list(RevisionPlan.objects.filter(plan=plan).order_by("cuando", "pk"))
    assert [(r.version_id, r.decision, r.por_id) for r in revisiones] == [
        (v1.pk, "devuelto", admin_dnp.pk), (v2.pk, "aprobado", admin_dnp.pk)]
    assert revisiones[0].comentario == "Falta la meta de la línea 1"


def test_devolver_exige_comentario(plan_con_linea, oferente, admin_dnp):
    services.plan_enviar(plan=plan_con_linea, por=oferente)
    with pytest.raises(ValidationError, match=r"Escriba qué debe ajustarse para devolver el plan\."):
        services.plan_revisar(plan=plan_con_linea, decision="devuelto", comentario="  ", por=admin_dnp)


def test_no_se_envia_sin_lineas(entidad_oferente, oferente):
    with pytest.raises(ValidationError, match="El plan no tiene líneas: programe al menos una oferta antes"):
        services.plan_enviar(plan=f.plan(entidad_oferente), por=oferente)


def test_el_oferente_no_revisa_su_plan(plan_con_linea, oferente):
    services.plan_enviar(plan=plan_con_linea, por=oferente)
    with pytest.raises(PermissionDenied, match=r"Solo el DNP revisa los planes de trabajo\."):
        services.plan_revisar(plan=plan_con_linea, decision="aprobado", por=oferente)


def test_auditor_no_revisa(plan_con_linea, oferente, auditor):
    services.plan_enviar(plan=plan_con_linea, por=oferente)
    with pytest.raises(PermissionDenied, match=r"Solo el DNP revisa los planes de trabajo\."):
        services.plan_revisar(plan=plan_con_linea, decision="aprobado", por=auditor)


def test_aprobar_pone_en_atencion_las_demandas_citadas(plan_con_linea, oferente, admin_dnp, funcionario_medellin):
    from demanda.models import Demanda, EstadoDemanda

    demanda = Demanda.objects.create(
        entidad=factories.alcaldia("05001"), registrada_por=funcionario_medellin, titulo="Necesitamos apoyo PDT",
        descripcion="x", fuente="metas_pdt", estado=EstadoDemanda.VINCULADA,
    )
    plan_con_linea.lineas.get().demandas.add(demanda)
    services.plan_enviar(plan=plan_con_linea, por=oferente)
    services.plan_revisar(plan=plan_con_linea, decision="aprobado", por=admin_dnp)
    demanda.refresh_from_db()
    assert demanda.estado == EstadoDemanda.EN_ATENCION
    assert demanda.eventos.filter(a_estado=EstadoDemanda.EN_ATENCION).exists()


def test_linea_valida_oferta_propia_y_publicada(entidad_oferente, oferente, otro_oferente):
    plan = f.plan(entidad_oferente)
    ajena = f.oferta(factories.EntidadNacionalFactory())
    borrador = f.oferta(entidad_oferente, estado="borrador")
    base = {"objetivo": "x", "etapa": f.etapa(), "fecha_inicio": datetime.date(2025, 2, 1),
                "fecha_fin": datetime.date(2025, 3, 1), "responsable": oferente,
                "territorios": [factories.alcaldia("05001")]}
    for oferta, mensaje in ((ajena, "La oferta debe ser de la entidad del plan (o tenerla como cooferente)."),
                            (borrador, "Solo se programan ofertas publicadas en el portafolio.")):
        with pytest.raises(ValidationError) as e:
            services.linea_guardar(plan=plan, por=oferente, oferta=oferta, **base)
        assert e.value.message_dict == {"oferta": [mensaje]}
    with pytest.raises(ValidationError, match=r"Solo se focalizan gobernaciones y alcaldías\.") as e:
        services.linea_guardar(plan=plan, por=oferente, oferta=f.oferta(entidad_oferente),
                               **{**base, "territorios": [entidad_oferente]})
    assert "territorios" in e.value.message_dict
    ln = services.linea_guardar(plan=plan, por=oferente, oferta=f.oferta(entidad_oferente), **base)
    assert list(ln.territorios.all()) == [factories.alcaldia("05001")]
