"""Cada lista fija su número de consultas a 10 y a 1.000 filas."""

import datetime

import pytest
from django.utils import timezone

from agenda.models import (
    AgendaNacional,
    Compromiso,
    EstadoPlan,
    LineaPlan,
    MesaDeTrabajo,
    PlanConcertado,
    PlanDeTrabajo,
)
from att.models import Entidad, TipoEntidad
from tests import factories
from tests.agenda import fabricas as f

pytestmark = pytest.mark.django_db


def _planes(n):
    agenda = AgendaNacional.objects.create(nombre="Agenda", anio_inicio=2023, anio_fin=2026, estado="vigente")
    entidades = Entidad.objects.bulk_create([
        Entidad(nombre=f"Entidad consultas {i}", tipo=TipoEntidad.AGENCIA) for i in range(n)])
    return PlanDeTrabajo.objects.bulk_create([
        PlanDeTrabajo(agenda=agenda, entidad=e, vigencia=2025, estado=EstadoPlan.APROBADO) for e in entidades])


def _lineas(n):
    plan = f.plan(factories.EntidadNacionalFactory(), estado=EstadoPlan.APROBADO)
    oferta = f.oferta(plan.entidad)
    responsable = factories.UsuarioFactory()
    etapas = list(f.etapa().__class__.objects.all())
    lineas = LineaPlan.objects.bulk_create([
        LineaPlan(plan=plan, oferta=oferta, objetivo="x", etapa=etapas[i % len(etapas)], secuencia=i,
                  fecha_inicio=datetime.date(2025, 2, 1), fecha_fin=datetime.date(2025, 4, 1),
                  responsable=responsable) for i in range(n)])
    medellin = factories.alcaldia("05001")
    LineaPlan.territorios.through.objects.bulk_create([
        LineaPlan.territorios.through(lineaplan_id=ln.pk, entidad_id=medellin.pk) for ln in lineas])


def _concertados(n, responsable):
    medellin = factories.alcaldia("05001")
    oferente = factories.EntidadNacionalFactory()
    planes = PlanConcertado.objects.bulk_create([
        PlanConcertado(entidad_territorial=medellin, vigencia=2025, nombre=f"P{i}") for i in range(n)])
    PlanConcertado.oferentes.through.objects.bulk_create([
        PlanConcertado.oferentes.through(planconcertado_id=p.pk, entidad_id=oferente.pk) for p in planes])
    mesas = MesaDeTrabajo.objects.bulk_create([
        MesaDeTrabajo(plan=p, fecha=timezone.now(), lugar="Sala", participantes="Ana", registrada_por=responsable)
        for p in planes])
    Compromiso.objects.bulk_create([
        Compromiso(plan=m.plan, mesa=m, descripcion="x", responsable=responsable,
                   fecha_limite=timezone.localdate() - datetime.timedelta(days=1)) for m in mesas])


@pytest.mark.parametrize("n", [10, 1000])
def test_lista_de_planes(n, admin_dnp, client, django_assert_max_num_queries):
    _planes(n)
    client.force_login(admin_dnp)
    with django_assert_max_num_queries(9):  # 8 y la lista de periodos de gobierno del filtro
        assert client.get("/agenda/planes/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/agenda/planes/").status_code == 200


@pytest.mark.parametrize("n", [10, 1000])
def test_calendario_y_api_de_lineas(n, admin_dnp, client, django_assert_max_num_queries):
    _lineas(n)
    client.force_login(admin_dnp)
    with django_assert_max_num_queries(8):
        r = client.get("/agenda/calendario/?vigencia=2025")
    assert r.content.decode().count("mes--activo") == 3 * n
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/agenda/lineas/").status_code == 200


@pytest.mark.parametrize("n", [10, 1000])
def test_lista_de_concertados_e_inicio(n, admin_dnp, client, django_assert_max_num_queries):
    _concertados(n, admin_dnp)
    client.force_login(admin_dnp)
    with django_assert_max_num_queries(9):  # 8 + la lista de periodos de gobierno del filtro
        assert client.get("/agenda/concertados/").status_code == 200
    # 13: una de ellas es el dispositivo del segundo factor de la sesión (django-otp lo relee en
    # cada solicitud del administrador: un dispositivo borrado deja de valer al momento).
    with django_assert_max_num_queries(13):
        assert client.get("/agenda/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/agenda/compromisos/?vencidos=1").status_code == 200


@pytest.mark.parametrize("n", [10, 1000])
def test_detalle_de_plan_y_versiones(n, admin_dnp, client, django_assert_max_num_queries):
    from agenda import services

    _lineas(n)
    plan = PlanDeTrabajo.objects.latest("pk")
    PlanDeTrabajo.objects.filter(pk=plan.pk).update(estado=EstadoPlan.BORRADOR)
    plan.refresh_from_db()
    oferente = f.oferente_de(plan.entidad)
    services.plan_enviar(plan=plan, por=oferente)
    client.force_login(admin_dnp)
    with django_assert_max_num_queries(14):
        r = client.get(f"/agenda/planes/{plan.pk}/")
    assert r.status_code == 200 and r.content.decode().count("/agenda/territorio/") == n
    with django_assert_max_num_queries(10):
        assert client.get(f"/agenda/planes/{plan.pk}/versiones/1/").status_code == 200


@pytest.mark.parametrize("n", [10, 1000])
def test_detalle_de_concertado(n, admin_dnp, client, django_assert_max_num_queries):
    from agenda.models import EvidenciaMesa, RevisionCompromiso

    medellin = factories.alcaldia("05001")
    plan = f.concertado(medellin, [factories.EntidadNacionalFactory()])
    mesas = MesaDeTrabajo.objects.bulk_create([
        MesaDeTrabajo(plan=plan, fecha=timezone.now(), lugar="Sala", participantes="Ana", registrada_por=admin_dnp)
        for _ in range(n)])
    EvidenciaMesa.objects.bulk_create([
        EvidenciaMesa(mesa=m, tipo="acta", archivo=f"agenda/mesas/{m.pk}/acta.pdf", nombre="acta.pdf", tamano=1,
                      subido_por=admin_dnp) for m in mesas])
    compromisos = Compromiso.objects.bulk_create([
        Compromiso(plan=plan, mesa=m, descripcion="x", responsable=admin_dnp,
                   fecha_limite=timezone.localdate() - datetime.timedelta(days=1)) for m in mesas])
    RevisionCompromiso.objects.bulk_create([
        RevisionCompromiso(compromiso=c, estado="en_curso", por=admin_dnp) for c in compromisos])
    client.force_login(admin_dnp)
    with django_assert_max_num_queries(20):
        r = client.get(f"/agenda/concertados/{plan.pk}/")
    assert r.status_code == 200 and r.content.decode().count("/agenda/evidencias/") == n
