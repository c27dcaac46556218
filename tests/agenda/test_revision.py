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


def _foto_por_objetos(plan) -> dict:
    """La foto como la armaba `foto_plan` antes de `fotos_planes`: por instancias y prefetch, plan por plan.
    Es el oráculo de la prueba de abajo."""
    lineas = plan.lineas.select_related("oferta", "etapa", "responsable").prefetch_related(
        "territorios", "temas", "demandas").order_by("secuencia", "pk")
    return {
        "plan": {"id": plan.pk, "agenda": plan.agenda_id, "entidad": plan.entidad_id,
                 "entidad_nombre": str(plan.entidad), "vigencia": plan.vigencia, "version": plan.version},
        "lineas": [{
            "id": ln.pk, "oferta": ln.oferta_id, "oferta_nombre": ln.oferta.nombre, "objetivo": ln.objetivo,
            "objetivo_agenda": ln.objetivo_agenda_id,
            "territorios": [{"id": t.pk, "nombre": t.nombre} for t in ln.territorios.all()],
            "etapa": ln.etapa.codigo, "etapa_nombre": ln.etapa.nombre, "temas": [t.codigo for t in ln.temas.all()],
            "secuencia": ln.secuencia, "fecha_inicio": ln.fecha_inicio.isoformat(),
            "fecha_fin": ln.fecha_fin.isoformat(), "responsable": ln.responsable.email,
            "responsable_nombre": ln.responsable.nombre, "inversion": str(ln.inversion),
            "fuente_financiacion": ln.fuente_financiacion, "indicador": ln.indicador,
            "meta": None if ln.meta is None else str(ln.meta), "unidad_meta": ln.unidad_meta, "peso": str(ln.peso),
            "demandas": [d.pk for d in ln.demandas.all()],
        } for ln in lineas],
    }


def test_las_fotos_de_varios_planes_a_la_vez_son_las_de_cada_plan(entidad_oferente):
    """`fotos_planes` (la demo arma todas las fotos de una vez) da, plan por plan, lo mismo que la foto por
    instancias: líneas en su secuencia, territorios por nombre, temas por orden y demandas más recientes primero."""
    from att.models import Tema
    from tests.demanda import fabricas as fd

    et_a, et_b, et_c = factories.alcaldia("05001"), factories.alcaldia("05002"), factories.alcaldia("05004")
    funcionario = factories.persona(et_a)
    planes = [f.plan(entidad_oferente), f.plan(factories.EntidadNacionalFactory())]
    temas = list(Tema.objects.order_by("-pk")[:3])
    demandas = [fd.demanda(et_a, funcionario) for _ in range(3)]
    for i, plan in enumerate(planes):
        for secuencia in (3, 1, 2):
            ln = f.linea(plan, territorios=[et_c, et_a, et_b][: secuencia], secuencia=secuencia, meta=7 if i else None,
                         peso=2 if secuencia == 1 else 1)
            ln.temas.set(temas[: secuencia])
            ln.demandas.set(demandas[: secuencia - 1])
    sin_lineas = f.plan(entidad_oferente, vigencia=2026)
    esperado = {p.pk: _foto_por_objetos(p) for p in [*planes, sin_lineas]}
    assert services.fotos_planes([*planes, sin_lineas]) == esperado
    assert services.foto_plan(planes[1]) == esperado[planes[1].pk]
    assert [len(ln["territorios"]) for ln in esperado[planes[0].pk]["lineas"]] == [1, 2, 3]
    assert esperado[sin_lineas.pk]["lineas"] == []
