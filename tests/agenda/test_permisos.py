"""Quién puede editar un plan en cada estado."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agenda import services
from agenda.models import EstadoPlan
from tests import factories
from tests.agenda import fabricas as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("estado, puede", [
    (EstadoPlan.BORRADOR, True), (EstadoPlan.DEVUELTO, True),
    (EstadoPlan.ENVIADO, False), (EstadoPlan.APROBADO, False),
])
def test_oferente_edita_su_plan_solo_en_borrador_o_devuelto(entidad_oferente, oferente, estado, puede):
    plan = f.plan(entidad_oferente, estado=estado)
    assert oferente.has_perm("agenda.editar_plan", plan) is puede
    datos = {"oferta": f.oferta(entidad_oferente), "objetivo": "x", "etapa": f.etapa(),
                 "fecha_inicio": datetime.date(2025, 2, 1), "fecha_fin": datetime.date(2025, 3, 1),
                 "responsable": oferente, "territorios": [factories.alcaldia("05001")]}
    if puede:
        services.linea_guardar(plan=plan, por=oferente, **datos)
    else:
        with pytest.raises(ValidationError, match="El plan está «.+»: solo se edita en borrador o cuando el DNP lo devuelve"):
            services.linea_guardar(plan=plan, por=oferente, **datos)


@pytest.mark.parametrize("estado", [EstadoPlan.BORRADOR, EstadoPlan.DEVUELTO, EstadoPlan.ENVIADO, EstadoPlan.APROBADO])
def test_nadie_mas_edita_el_plan(entidad_oferente, otro_oferente, admin_dnp, auditor, funcionario_medellin,
                                 equipo_antioquia, estado):
    plan = f.plan(entidad_oferente, estado=estado)
    for persona in (otro_oferente, admin_dnp, auditor, funcionario_medellin, equipo_antioquia):
        assert not persona.has_perm("agenda.editar_plan", plan), persona


def test_otro_oferente_no_agrega_lineas(entidad_oferente, otro_oferente):
    plan = f.plan(entidad_oferente)
    with pytest.raises(PermissionDenied, match=r"Solo un oferente de la entidad edita su plan de trabajo\."):
        services.linea_guardar(plan=plan, por=otro_oferente, oferta=f.oferta(entidad_oferente), objetivo="x",
                               etapa=f.etapa(), fecha_inicio=datetime.date(2025, 2, 1),
                               fecha_fin=datetime.date(2025, 3, 1), responsable=otro_oferente,
                               territorios=[factories.alcaldia("05001")])


def test_revision_solo_dnp_y_solo_enviado(entidad_oferente, oferente, admin_dnp, seguimiento_dnp, auditor):
    enviado = f.plan(entidad_oferente, estado=EstadoPlan.ENVIADO)
    borrador = f.plan(entidad_oferente, estado=EstadoPlan.BORRADOR, vigencia=2024, agenda_=enviado.agenda)
    assert admin_dnp.has_perm("agenda.revisar_plan", enviado)
    assert seguimiento_dnp.has_perm("agenda.revisar_plan", enviado)
    assert not admin_dnp.has_perm("agenda.revisar_plan", borrador)
    assert not auditor.has_perm("agenda.revisar_plan", enviado)
    assert not oferente.has_perm("agenda.revisar_plan", enviado)


def test_auditor_lee_y_no_cambia(entidad_oferente, auditor, client):
    plan = f.plan(entidad_oferente)
    assert auditor.has_perm("agenda.ver_plan", plan)
    client.force_login(auditor)
    assert client.get(f"/agenda/planes/{plan.pk}/").status_code == 200
    assert client.get(f"/agenda/planes/{plan.pk}/lineas/nueva/").status_code == 403


def test_otro_oferente_no_ve_el_plan_en_borrador(entidad_oferente, otro_oferente, client):
    plan = f.plan(entidad_oferente)
    client.force_login(otro_oferente)
    assert client.get(f"/agenda/planes/{plan.pk}/").status_code == 404


def test_solo_admin_gestiona_la_agenda(admin_dnp, oferente):
    a = f.agenda(estado="borrador")
    with pytest.raises(PermissionDenied, match=r"Solo el administrador DNP cambia el estado de la agenda\."):
        services.agenda_cambiar_estado(agenda=a, a_estado="concertada", por=oferente)
    services.agenda_cambiar_estado(agenda=a, a_estado="concertada", por=admin_dnp)
    with pytest.raises(ValidationError, match=r"La agenda no puede pasar de «Concertada» a «Cerrada»\."):
        services.agenda_cambiar_estado(agenda=a, a_estado="cerrada", por=admin_dnp)
    services.agenda_cambiar_estado(agenda=a, a_estado="vigente", por=admin_dnp)
    assert a.transiciones.count() == 2


def test_agenda_es_cuatrienal(admin_dnp):
    with pytest.raises(ValidationError, match=r"La agenda nacional cubre un cuatrienio: cuatro años seguidos\."):
        services.agenda_crear(por=admin_dnp, nombre="Corta", anio_inicio=2023, anio_fin=2024)
    a = services.agenda_crear(por=admin_dnp, nombre="Agenda 2023–2026", anio_inicio=2023)
    assert a.anio_fin == 2026
