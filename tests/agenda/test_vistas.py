"""Vistas territoriales: quién hace qué en una ET y el consolidado departamental (consultas planas)."""

import datetime

import pytest

from agenda.models import EstadoPlan, LineaPlan
from att.models import Entidad, TipoEntidad
from tests import factories
from tests.agenda import fabricas as f

pytestmark = pytest.mark.django_db


def test_vista_et_lista_las_lineas_de_todos_los_oferentes(funcionario_medellin, client):
    medellin, cali = factories.alcaldia("05001"), factories.alcaldia("76001")
    agenda = f.agenda()
    mins = [factories.EntidadNacionalFactory(nombre=f"Ministerio {n}") for n in ("Uno", "Dos", "Tres")]
    planes = [f.plan(m, agenda_=agenda, estado=EstadoPlan.APROBADO) for m in mins]
    f.linea(planes[0], territorios=[medellin], oferta_=f.oferta(mins[0], nombre="Catastro multipropósito"))
    f.linea(planes[1], territorios=[medellin, cali], oferta_=f.oferta(mins[1], nombre="Formulación del PDT"))
    f.linea(planes[2], territorios=[cali], oferta_=f.oferta(mins[2], nombre="Solo para Cali"))
    borrador = f.plan(factories.EntidadNacionalFactory(nombre="Ministerio Borrador"), agenda_=agenda)
    f.linea(borrador, territorios=[medellin], oferta_=f.oferta(borrador.entidad, nombre="Aún en borrador"))

    client.force_login(funcionario_medellin)
    r = client.get("/territorio/05001/")  # «quién hace qué» es la sección «agenda» del perfil
    assert r.status_code == 200
    html = r.content.decode()
    html = html[html.index('<section id="agenda"'):]
    html = html[:html.index("</section>")]  # solo la sección (las ofertas publicadas salen en «oferta»)
    assert "Catastro multipropósito" in html and "Formulación del PDT" in html
    assert "Ministerio Uno" in html and "Ministerio Dos" in html
    assert "Solo para Cali" not in html
    assert "Aún en borrador" not in html  # lo no aprobado solo lo ven su entidad y el DNP


def test_dnp_ve_tambien_lo_no_aprobado(admin_dnp, client):
    medellin = factories.alcaldia("05001")
    plan = f.plan(factories.EntidadNacionalFactory())
    f.linea(plan, territorios=[medellin], oferta_=f.oferta(plan.entidad, nombre="Propuesta enviada"))
    client.force_login(admin_dnp)
    assert "Propuesta enviada" in client.get("/territorio/05001/").content.decode()


def _cargar(n: int, territorios):
    """n líneas aprobadas de varios oferentes sobre los territorios, en bloque."""
    agenda = f.agenda()
    responsable = factories.UsuarioFactory()
    etapa = f.etapa()
    entidades = [factories.EntidadNacionalFactory() for _ in range(5)]
    planes = [f.plan(e, agenda_=agenda, estado=EstadoPlan.APROBADO) for e in entidades]
    ofertas = [f.oferta(e) for e in entidades]
    lineas = LineaPlan.objects.bulk_create([
        LineaPlan(plan=planes[i % 5], oferta=ofertas[i % 5], objetivo=f"Objetivo {i}", etapa=etapa,
                  secuencia=i, fecha_inicio=datetime.date(2025, 1 + i % 12, 1),
                  fecha_fin=datetime.date(2025, 12, 31), responsable=responsable, inversion=1000 * i)
        for i in range(n)
    ])
    Through = LineaPlan.territorios.through
    Through.objects.bulk_create([
        Through(lineaplan_id=ln.pk, entidad_id=territorios[i % len(territorios)].pk) for i, ln in enumerate(lineas)
    ])


@pytest.mark.parametrize("n", [10, 1000])
def test_vista_et_consultas_planas(n, funcionario_medellin, client, django_assert_max_num_queries):
    medellin = factories.alcaldia("05001")
    _cargar(n, [medellin])
    client.force_login(funcionario_medellin)
    with django_assert_max_num_queries(40):  # el perfil entero (tests/att/test_perfil_territorio.py lo fija)
        r = client.get("/territorio/05001/")
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count("<td>Objetivo ") == min(n, 20)  # las 20 más recientes; el total va en la etiqueta
    assert f'<span class="etiqueta">{n:,}</span>'.replace(",", ".") in html


@pytest.mark.parametrize("n", [10, 1000])
def test_vista_departamento_consultas_planas(n, equipo_antioquia, client, django_assert_max_num_queries):
    territorios = [factories.gobernacion("05")] + list(
        Entidad.objects.filter(tipo=TipoEntidad.ALCALDIA, municipio__departamento_id="05").order_by("pk")[:20])
    _cargar(n, territorios)
    client.force_login(equipo_antioquia)
    with django_assert_max_num_queries(15):  # agregados y la serie mensual de demandas: no crece con las líneas
        r = client.get("/agenda/departamento/05/")
    html = r.content.decode()
    assert r.status_code == 200
    for id_ in ("g-demandas", "g-depto-territorios", "g-depto-oferentes"):
        assert f'role="img" id="{id_}"' in html
    lineas = [b["n_lineas"] for b in r.context["bloques"]]
    assert lineas == sorted(lineas, reverse=True)  # por valor, no por nombre
    assert territorios[0].nombre in html and territorios[5].nombre in html
    assert r.context["n_lineas"] == n
    assert sum(b["n_lineas"] for b in r.context["bloques"]) == n
    assert len(r.context["oferentes"]) == 5


def test_departamento_cuenta_vencidos_y_respeta_la_visibilidad(equipo_antioquia, client):
    import datetime as dt

    from django.utils import timezone

    from agenda.models import Compromiso, MesaDeTrabajo

    medellin = factories.alcaldia("05001")
    aprobado = f.plan(factories.EntidadNacionalFactory(nombre="Ministerio Visible"), estado=EstadoPlan.APROBADO)
    f.linea(aprobado, territorios=[medellin, factories.alcaldia("76001")])
    borrador = f.plan(factories.EntidadNacionalFactory(nombre="Ministerio Oculto"))
    f.linea(borrador, territorios=[medellin])
    pc = f.concertado(medellin, [aprobado.entidad])
    mesa = MesaDeTrabajo.objects.create(plan=pc, fecha=timezone.now(), lugar="Sala", participantes="Ana",
                                        registrada_por=equipo_antioquia)
    Compromiso.objects.create(plan=pc, mesa=mesa, descripcion="x", responsable=equipo_antioquia,
                              fecha_limite=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(equipo_antioquia)
    r = client.get("/agenda/departamento/05/")
    html = r.content.decode()
    assert "Ministerio Visible" in html and "Ministerio Oculto" not in html
    assert r.context["n_lineas"] == 1 and r.context["compromisos_vencidos"] == 1


def test_calendario_por_etapa(oferente, entidad_oferente, client):
    plan = f.plan(entidad_oferente)
    f.linea(plan, territorios=[factories.alcaldia("05001")], oferta_=f.oferta(entidad_oferente, nombre="Taller MGA"),
            etapa=f.etapa("ejecucion"))
    client.force_login(oferente)
    html = client.get("/agenda/calendario/?vigencia=2025").content.decode()
    assert "Taller MGA" in html and "Ejecución" in html
    assert html.count("mes--activo") == 4  # marzo a junio


def test_paginas_basicas(oferente, entidad_oferente, admin_dnp, client):
    plan = f.plan(entidad_oferente)
    f.linea(plan, territorios=[factories.alcaldia("05001")])
    client.force_login(oferente)
    for url in ("/agenda/", "/agenda/planes/", f"/agenda/planes/{plan.pk}/", f"/agenda/planes/{plan.pk}/lineas/nueva/",
                "/agenda/concertados/", f"/agenda/agendas/{plan.agenda_id}/", "/agenda/planes/nuevo/",
                f"/agenda/planes/{plan.pk}/importar/"):
        assert client.get(url).status_code == 200, url


def test_crear_concertado_y_cambiar_estado_de_agenda(oferente, entidad_oferente, admin_dnp, client):
    from agenda.models import PlanConcertado

    client.force_login(oferente)
    assert client.get("/agenda/concertados/nuevo/").status_code == 200
    r = client.post("/agenda/concertados/nuevo/", {
        "entidad_territorial": factories.alcaldia("05001").pk, "oferentes": [entidad_oferente.pk],
        "vigencia": 2025, "nombre": "Plan Medellín",
    })
    assert r.status_code == 302
    pc = PlanConcertado.objects.get(nombre="Plan Medellín")
    assert client.get(f"/agenda/concertados/{pc.pk}/").status_code == 200
    a = f.agenda(estado="concertada")
    client.force_login(admin_dnp)
    client.post(f"/agenda/agendas/{a.pk}/estado/", {"a_estado": "vigente"})
    a.refresh_from_db()
    assert a.estado == "vigente"


def test_chequeo_del_proyecto_y_admin(admin_dnp, client):
    from django.core.management import call_command

    call_command("check", "agenda")
    admin_dnp.is_superuser = True
    admin_dnp.save()
    client.force_login(admin_dnp)
    for modelo in ("agendanacional", "plandetrabajo", "lineaplan", "planconcertado", "compromiso", "mesadetrabajo"):
        assert client.get(f"/admin/agenda/{modelo}/").status_code == 200, modelo


def test_formulario_de_linea_cita_demandas(oferente, entidad_oferente, funcionario_medellin, client):
    from demanda.models import Demanda, EstadoDemanda

    oferta = f.oferta(entidad_oferente, nombre="Asistencia en PDT")
    demanda = Demanda.objects.create(
        entidad=factories.alcaldia("05001"), registrada_por=funcionario_medellin, titulo="Apoyo al PDT",
        descripcion="x", fuente="metas_pdt", estado=EstadoDemanda.VINCULADA, oferta=oferta)
    plan = f.plan(entidad_oferente)
    client.force_login(oferente)
    r = client.post(f"/agenda/planes/{plan.pk}/lineas/nueva/", {
        "oferta": oferta.pk, "objetivo": "Acompañar", "etapa": f.etapa().pk, "secuencia": 1,
        "fecha_inicio": "2025-02-01", "fecha_fin": "2025-04-30", "inversion": 0, "peso": 1,
        "territorios": [factories.alcaldia("05001").pk], "demandas": [demanda.pk],
        "responsable_email": oferente.email,
    })
    assert r.status_code == 302, r.context["form"].errors
    assert list(plan.lineas.get().demandas.all()) == [demanda]


def test_linea_conserva_indicadores_ya_vinculados_y_solo_vincula_nuevos_de_la_entidad(oferente, entidad_oferente):

    from django.core.exceptions import ValidationError

    from agenda import services as agenda_services
    from agenda.forms import LineaForm
    from tests.seguimiento import fabricas as fs

    linea = fs.linea(entidad_oferente, responsable=oferente)
    retirado = fs.indicador(entidad_oferente, nombre="Ficha retirada", activo=False)
    ajeno = fs.indicador(factories.EntidadNacionalFactory(), nombre="Ficha de otra entidad")
    otro_ajeno = fs.indicador(factories.EntidadNacionalFactory(), nombre="Otra ficha ajena")
    linea.indicadores_vinculados.set([retirado, ajeno])  # vinculadas antes (migración, API)
    ofrecidas = set(LineaForm(instance=linea, plan=linea.plan).fields["indicadores_vinculados"]
                    .queryset.values_list("nombre", flat=True))
    assert {"Ficha retirada", "Ficha de otra entidad"} <= ofrecidas and "Otra ficha ajena" not in ofrecidas
    # Reenviarlas las conserva; una ficha nueva de otra entidad no se vincula (formulario y API).
    agenda_services.linea_guardar(plan=linea.plan, linea=linea, por=oferente,
                                  indicadores_vinculados=[retirado, ajeno])
    assert set(linea.indicadores_vinculados.all()) == {retirado, ajeno}
    with pytest.raises(ValidationError, match="Vincule solo indicadores activos de la entidad del plan: «Otra ficha"):
        agenda_services.linea_guardar(plan=linea.plan, linea=linea, por=oferente,
                                      indicadores_vinculados=[retirado, otro_ajeno])
    assert set(linea.indicadores_vinculados.all()) == {retirado, ajeno}
