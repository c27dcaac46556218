"""Objetivos con avance, gobernanza y agendas territoriales: consultas fijas de 10 a 1.000 registros."""

import datetime

import pytest
from django.utils import timezone

from agenda.models import (
    AgendaTerritorial,
    Compromiso,
    DecisionSesion,
    EstadoPlan,
    InstanciaGobernanza,
    LineaPlan,
    MiembroInstancia,
    ObjetivoAgenda,
    ResultadoSesion,
    SesionInstancia,
)
from att.models import Entidad, TipoEntidad
from seguimiento.models import EstadoLinea
from tests import factories
from tests.agenda import fabricas as f

pytestmark = pytest.mark.django_db


def _objetivos_y_lineas(n):
    agenda = f.agenda()
    objetivos = ObjetivoAgenda.objects.bulk_create([
        ObjetivoAgenda(agenda=agenda, tipo_descriptor="sectorial", orden=i, enunciado=f"Objetivo {i}",
                       indicador=f"Indicador {i}", meta=10) for i in range(n)])
    plan = f.plan(factories.EntidadNacionalFactory(), agenda_=agenda, estado=EstadoPlan.APROBADO)
    oferta = f.oferta(plan.entidad)
    responsable = factories.UsuarioFactory()
    lineas = LineaPlan.objects.bulk_create([
        LineaPlan(plan=plan, oferta=oferta, objetivo="x", etapa=f.etapa(), objetivo_agenda=objetivos[i % n],
                  fecha_inicio=datetime.date(2025, 2, 1), fecha_fin=datetime.date(2025, 4, 1), responsable=responsable,
                  peso=1 + i % 3) for i in range(n)])
    EstadoLinea.objects.bulk_create([
        EstadoLinea(linea=ln, plan=plan, agenda=agenda, entidad=plan.entidad, responsable=responsable, peso=ln.peso,
                    avance=i % 100) for i, ln in enumerate(lineas)])
    return agenda, lineas


@pytest.mark.parametrize("n", [10, 1000])
def test_objetivos_con_avance(n, admin_dnp, client, django_assert_max_num_queries):
    agenda, _ = _objetivos_y_lineas(n)
    client.force_login(admin_dnp)
    with django_assert_max_num_queries(11):
        r = client.get(f"/agenda/agendas/{agenda.pk}/objetivos/")
    assert r.status_code == 200 and r.content.decode().count('<article class="tarjeta">') == min(n + 1, 25)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/agenda/objetivos/").status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(f"/agenda/agendas/{agenda.pk}/objetivos/?formato=csv").status_code == 200


def _gobernanza(n, usuario):
    entidades = Entidad.objects.bulk_create([
        Entidad(nombre=f"Entidad gobernanza {i}", tipo=TipoEntidad.AGENCIA) for i in range(n)])
    instancias = InstanciaGobernanza.objects.bulk_create([
        InstanciaGobernanza(nombre=f"Instancia {i}", tipo="mesa_tecnica", nivel="prestadores") for i in range(n)])
    primera = instancias[0]
    MiembroInstancia.objects.bulk_create([MiembroInstancia(instancia=primera, entidad=e) for e in entidades])
    ahora = timezone.now()
    sesiones = SesionInstancia.objects.bulk_create([
        SesionInstancia(instancia=primera, fecha=ahora - datetime.timedelta(days=i), orden_del_dia="1.",
                        registrada_por=usuario) for i in range(n)])
    sesion = sesiones[0]
    SesionInstancia.asistentes.through.objects.bulk_create([
        SesionInstancia.asistentes.through(sesioninstancia_id=sesion.pk, entidad_id=e.pk) for e in entidades])
    compromisos = Compromiso.objects.bulk_create([
        Compromiso(sesion=sesion, descripcion=f"Decisión {i}", responsable=usuario, entidad_responsable=entidades[i],
                   fecha_limite=timezone.localdate() - datetime.timedelta(days=1)) for i in range(n)])
    DecisionSesion.objects.bulk_create([
        DecisionSesion(sesion=sesion, descripcion=c.descripcion, compromiso=c, registrada_por=usuario)
        for c in compromisos])
    ResultadoSesion.objects.bulk_create([
        ResultadoSesion(sesion=sesion, titulo=f"R{i}", ruta=f"/agenda/?r={i}") for i in range(n)])
    return primera, sesion


@pytest.mark.parametrize("n", [10, 1000])
def test_gobernanza(n, seguimiento_dnp, client, django_assert_max_num_queries):
    instancia, sesion = _gobernanza(n, seguimiento_dnp)
    client.force_login(seguimiento_dnp)
    with django_assert_max_num_queries(9):
        assert client.get("/agenda/gobernanza/").status_code == 200
    with django_assert_max_num_queries(11):
        r = client.get(f"/agenda/gobernanza/{instancia.pk}/")
    assert r.status_code == 200
    with django_assert_max_num_queries(12):
        r = client.get(f"/agenda/sesiones/{sesion.pk}/")
    assert r.status_code == 200 and r.content.decode().count('class="vencido"') == n
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/agenda/instancias/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/agenda/sesiones/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/agenda/compromisos/?vencidos=1").status_code == 200


@pytest.mark.parametrize("n", [10, 1000])
def test_agendas_territoriales(n, funcionario_medellin, client, django_assert_max_num_queries):
    medellin = Entidad.objects.get(pk=funcionario_medellin.membresias.get().entidad_id)
    plan = f.plan(factories.EntidadNacionalFactory(), estado=EstadoPlan.APROBADO)
    oferta = f.oferta(plan.entidad)
    responsable = factories.UsuarioFactory()
    lineas = LineaPlan.objects.bulk_create([
        LineaPlan(plan=plan, oferta=oferta, objetivo="x", etapa=f.etapa(), fecha_inicio=datetime.date(2025, 2, 1),
                  fecha_fin=datetime.date(2025, 4, 1), responsable=responsable) for _ in range(n)])
    LineaPlan.territorios.through.objects.bulk_create([
        LineaPlan.territorios.through(lineaplan_id=ln.pk, entidad_id=medellin.pk) for ln in lineas])
    agendas = AgendaTerritorial.objects.bulk_create([
        AgendaTerritorial(nombre=f"Pacto {i}", tipo="pacto_territorial") for i in range(n)])
    AgendaTerritorial.lineas.through.objects.bulk_create([
        AgendaTerritorial.lineas.through(agendaterritorial_id=a.pk, lineaplan_id=ln.pk)
        for a, ln in zip(agendas, lineas, strict=True)])
    AgendaTerritorial.lineas.through.objects.bulk_create([
        AgendaTerritorial.lineas.through(agendaterritorial_id=agendas[0].pk, lineaplan_id=ln.pk) for ln in lineas[1:]])
    AgendaTerritorial.entidades.through.objects.bulk_create([
        AgendaTerritorial.entidades.through(agendaterritorial_id=a.pk, entidad_id=medellin.pk) for a in agendas])
    client.force_login(funcionario_medellin)
    with django_assert_max_num_queries(9):
        assert client.get("/agenda/territoriales/").status_code == 200
    with django_assert_max_num_queries(12):
        r = client.get(f"/agenda/territoriales/{agendas[0].pk}/")
    assert r.status_code == 200 and r.content.decode().count("<tr><td>") == n
    # La página de la ET en agenda es la sección «agenda» de su perfil.
    with django_assert_max_num_queries(16):
        r = client.get("/territorio/05001/seccion/agenda/")
    assert r.status_code == 200 and r.content.decode().count("/agenda/territoriales/") == min(n, 200) + 0
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/agenda/territoriales/").status_code == 200
