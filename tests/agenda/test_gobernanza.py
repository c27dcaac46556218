"""Objetivos de la agenda con avance (roll-up ponderado explícito), gobernanza (instancias, sesiones,
decisiones que se vuelven compromisos que vencen y se alertan) y agendas territoriales."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agenda import selectors, services
from agenda.models import (
    AgendaNacional,
    AgendaTerritorial,
    Compromiso,
    EstadoPlan,
    ObjetivoAgenda,
)
from att.models import Notificacion
from indicadores.models import Indicador, Medicion, MetaIndicador
from seguimiento.models import EstadoLinea
from tests import factories
from tests.agenda import fabricas as f

pytestmark = pytest.mark.django_db


def _estado(linea, avance):
    EstadoLinea.objects.create(linea=linea, plan=linea.plan, agenda=linea.plan.agenda, entidad=linea.plan.entidad,
                               responsable=linea.responsable, peso=linea.peso, avance=Decimal(avance))


# --- Objetivos con avance ---------------------------------------------------------------------------------
@pytest.fixture
def agenda_con_lineas(entidad_oferente):
    """Agenda 2023–2026, un objetivo servido por tres líneas de 2025 y una de 2026 (planes aprobados) y una
    línea de un plan en borrador (que no cuenta)."""
    agenda = f.agenda()
    objetivo = agenda.objetivos.get()
    medellin = factories.alcaldia("05001")
    plan25 = f.plan(entidad_oferente, agenda_=agenda, vigencia=2025, estado=EstadoPlan.APROBADO)
    plan26 = f.plan(entidad_oferente, agenda_=agenda, vigencia=2026, estado=EstadoPlan.APROBADO)
    borrador = f.plan(factories.EntidadNacionalFactory(), agenda_=agenda, vigencia=2025)
    a = f.linea(plan25, territorios=[medellin], objetivo_agenda=objetivo, peso=Decimal(1))
    b = f.linea(plan25, territorios=[medellin], objetivo_agenda=objetivo, peso=Decimal(3))
    f.linea(plan25, territorios=[medellin], objetivo_agenda=objetivo, peso=Decimal(2))  # sin seguimiento: 0 %
    d = f.linea(plan26, territorios=[medellin], objetivo_agenda=objetivo, peso=Decimal(4))
    e = f.linea(borrador, territorios=[medellin], objetivo_agenda=objetivo, peso=Decimal(10))
    _estado(a, "100")
    _estado(b, "50")
    _estado(d, "25")
    _estado(e, "100")
    return agenda, objetivo


def test_avance_del_objetivo_es_el_rollup_ponderado_explicito_de_sus_lineas(agenda_con_lineas):
    _agenda, objetivo = agenda_con_lineas
    rollup = selectors.rollup_lineas([objetivo.pk])[objetivo.pk]
    # 2025: (1×100 + 3×50 + 2×0) / (1+3+2) = 250/6 = 41,67
    assert rollup[2025]["avance"] == Decimal("41.67")
    assert rollup[2025]["peso"] == Decimal(6) and rollup[2025]["n"] == 3
    # 2026: (4×25)/4 = 25
    assert rollup[2026]["avance"] == Decimal("25.00")
    # Cuatrienio: (250 + 100) / (6 + 4) = 35; la línea del plan en borrador no cuenta.
    assert rollup[None]["avance"] == Decimal("35.00") and rollup[None]["n"] == 4
    assert 2023 not in rollup


def test_pagina_de_objetivos_muestra_la_regla_el_indicador_y_cada_anio(agenda_con_lineas, client, funcionario_medellin,
                                                                       entidad_oferente):
    agenda, objetivo = agenda_con_lineas
    ficha = Indicador.objects.create(
        nombre="ET asistidas", descripcion="d", formula="f", tipo="producto", unidad="ET", meta_cuatrienio=100,
        tipo_acumulacion="acumulado", unidad_responsable="DNP", entidad=entidad_oferente, agenda=agenda)
    MetaIndicador.objects.create(indicador=ficha, anio=2025, valor=40)
    Medicion.objects.create(indicador=ficha, periodo=datetime.date(2025, 3, 1), valor=10,
                            registrada_por=funcionario_medellin)
    Medicion.objects.create(indicador=ficha, periodo=datetime.date(2025, 6, 1), valor=20,
                            registrada_por=funcionario_medellin)
    ObjetivoAgenda.objects.filter(pk=objetivo.pk).update(indicador_vinculado=ficha)
    client.force_login(funcionario_medellin)
    html = client.get(f"/agenda/agendas/{agenda.pk}/objetivos/").content.decode()
    assert "Σ (peso de la línea × avance de la línea) ÷ Σ (peso de la línea)" in html
    for anio in (2023, 2024, 2025, 2026):
        assert f'<th scope="row">{anio}</th>' in html
    fila_2025 = html.split('<th scope="row">2025</th>')[1].split("</tr>")[0]
    # Meta 40, logro acumulado 30 (75 %), 3 líneas, pesos 6, avance ponderado 41,67.
    assert [c.split(">")[1] for c in fila_2025.split("</td>")[:-1]] == ["40,00", "30,00", "75,00", "3", "6,00", "41,67"]


def test_la_regla_de_cuatro_anios_rechaza_en_espanol(admin_dnp):
    with pytest.raises(ValidationError, match="cuatrienio: cuatro años seguidos"):
        services.agenda_crear(por=admin_dnp, nombre="Agenda corta", anio_inicio=2027, anio_fin=2029)
    agenda = services.agenda_crear(por=admin_dnp, nombre="Agenda 2027–2030", anio_inicio=2027)
    assert (agenda.anio_inicio, agenda.anio_fin) == (2027, 2030)
    with pytest.raises(ValidationError, match="cuatro años seguidos. Si empieza en 2027, termina en 2030"):
        services.agenda_editar(agenda=agenda, por=admin_dnp, anio_inicio=2027, anio_fin=2031)
    agenda.refresh_from_db()
    assert agenda.anio_fin == 2030


def test_pagina_dnp_crea_la_agenda_y_rechaza_cinco_anios(admin_dnp, client):
    client.force_login(admin_dnp)
    r = client.post("/agenda/agendas/nueva/", {"nombre": "Agenda larga", "anio_inicio": 2027, "anio_fin": 2031})
    assert r.status_code == 200
    assert "La agenda nacional cubre un cuatrienio" in r.content.decode()
    assert not AgendaNacional.objects.filter(nombre="Agenda larga").exists()
    r = client.post("/agenda/agendas/nueva/", {"nombre": "Agenda buena", "anio_inicio": 2027})
    agenda = AgendaNacional.objects.get(nombre="Agenda buena")
    assert r.status_code == 302 and agenda.anio_fin == 2030
    r = client.post(f"/agenda/agendas/{agenda.pk}/objetivos/nuevo/", {
        "tipo_descriptor": "funcional", "orden": 1, "enunciado": "Fortalecer la gestión", "indicador": "ET con PDT",
        "meta": "50"})
    assert r.status_code == 302 and agenda.objetivos.get().indicador == "ET con PDT"


def test_el_admin_tambien_aplica_la_regla_de_cuatro_anios(admin_dnp, client):
    admin_dnp.is_superuser = True
    admin_dnp.save()
    client.force_login(admin_dnp)
    r = client.post("/admin/agenda/agendanacional/add/", {
        "nombre": "Agenda del admin", "anio_inicio": 2027, "anio_fin": 2032, "objetivos-TOTAL_FORMS": 0,
        "objetivos-INITIAL_FORMS": 0})
    assert "La agenda nacional cubre un cuatrienio" in r.content.decode()
    assert not AgendaNacional.objects.filter(nombre="Agenda del admin").exists()


def test_otro_que_el_admin_dnp_no_gestiona_la_agenda(oferente, client):
    with pytest.raises(PermissionDenied, match="Solo el administrador DNP"):
        services.agenda_crear(por=oferente, nombre="X", anio_inicio=2027)
    client.force_login(oferente)
    assert client.get("/agenda/agendas/nueva/").status_code == 403


# --- Gobernanza ---------------------------------------------------------------------------------------------
@pytest.fixture
def sesion(seguimiento_dnp, entidad_oferente):
    instancia = services.instancia_guardar(
        por=seguimiento_dnp, nombre="Comité territorial de ATT", tipo="comite_territorial", nivel="intermediacion",
        miembros=[(entidad_oferente, "Miembro"), (factories.gobernacion("05"), "Secretaría técnica")])
    return services.sesion_registrar(
        instancia=instancia, por=seguimiento_dnp, fecha=timezone.now() - datetime.timedelta(days=30),
        orden_del_dia="1. Resultados del corte", asistentes=[entidad_oferente])


@pytest.mark.parametrize("dias, vencido", [(-1, True), (0, False), (1, False)])
def test_decision_crea_compromiso_que_vence_y_se_alerta_una_vez(sesion, seguimiento_dnp, oferente, dias, vencido):
    """Regla existente (`Compromiso.vencido_al`): vencido si la fecha límite es ANTERIOR a hoy; el que vence hoy
    todavía no lo está."""
    hoy = timezone.localdate()
    decision = services.decision_registrar(sesion=sesion, por=seguimiento_dnp, descripcion="Enviar el informe",
                                           responsable=oferente, fecha_limite=hoy + datetime.timedelta(days=dias))
    c = decision.compromiso
    assert c.sesion_id == sesion.pk and c.plan_id is None and c.responsable_id == oferente.pk
    assert c.vencido_al(hoy) is vencido
    assert (c.pk in set(selectors.compromisos_vencidos(oferente).values_list("pk", flat=True))) is vencido
    assert services.compromisos_alertar_vencidos(hoy=hoy) == (1 if vencido else 0)
    assert services.compromisos_alertar_vencidos(hoy=hoy) == 0  # una sola vez
    alertas = Notificacion.objects.filter(usuario=oferente, titulo__startswith="Compromiso vencido")
    assert alertas.count() == (1 if vencido else 0)
    if vencido:
        assert alertas.get().url == f"/agenda/sesiones/{sesion.pk}/"


def test_decision_repetida_no_duplica_y_sin_responsable_no_crea_compromiso(sesion, seguimiento_dnp, oferente):
    hoy = timezone.localdate()
    d1 = services.decision_registrar(sesion=sesion, por=seguimiento_dnp, descripcion="Aprobar el reglamento",
                                     responsable=oferente, fecha_limite=hoy)
    d2 = services.decision_registrar(sesion=sesion, por=seguimiento_dnp, descripcion="Aprobar el reglamento",
                                     responsable=oferente, fecha_limite=hoy)
    assert d1.pk == d2.pk and Compromiso.objects.filter(sesion=sesion).count() == 1
    informativa = services.decision_registrar(sesion=sesion, por=seguimiento_dnp, descripcion="Se socializó")
    assert informativa.compromiso is None
    with pytest.raises(ValidationError, match="a la vez el responsable y la fecha límite"):
        services.decision_registrar(sesion=sesion, por=seguimiento_dnp, descripcion="Otra", responsable=oferente)


def test_solo_el_equipo_dnp_registra_decisiones(sesion, oferente):
    with pytest.raises(PermissionDenied, match="Solo el equipo del DNP"):
        services.decision_registrar(sesion=sesion, por=oferente, descripcion="X")


def test_compromiso_vencido_de_sesion_en_las_listas_de_vencidos(sesion, seguimiento_dnp, oferente, client):
    hoy = timezone.localdate()
    services.decision_registrar(sesion=sesion, por=seguimiento_dnp, descripcion="Publicar el acta del comité",
                                responsable=oferente, fecha_limite=hoy - datetime.timedelta(days=2))
    client.force_login(oferente)
    assert "Publicar el acta del comité" in client.get("/agenda/").content.decode()
    assert "Publicar el acta del comité" in client.get("/agenda/gobernanza/").content.decode()
    datos = client.get("/api/v1/agenda/compromisos/?vencidos=1").json()
    assert [c["descripcion"] for c in datos["results"]] == ["Publicar el acta del comité"]


def test_resultado_enlazado_solo_a_rutas_del_sitio(sesion, seguimiento_dnp):
    r = services.resultado_enlazar(sesion=sesion, por=seguimiento_dnp, titulo="Planes aprobados",
                                   ruta="/agenda/planes/?estado=aprobado")
    assert r.ruta == "/agenda/planes/?estado=aprobado"
    for mala in ("https://malo.example/agenda/", "//malo.example/", "agenda/planes/"):
        with pytest.raises(ValidationError, match="ruta de la plataforma"):
            services.resultado_enlazar(sesion=sesion, por=seguimiento_dnp, titulo="X", ruta=mala)
    with pytest.raises(ValidationError, match="no es una página de la plataforma"):
        services.resultado_enlazar(sesion=sesion, por=seguimiento_dnp, titulo="X", ruta="/no-existe/")


def test_pagina_de_la_sesion_registra_decision_y_muestra_vencido(sesion, seguimiento_dnp, oferente, client):
    client.force_login(seguimiento_dnp)
    ayer = timezone.localdate() - datetime.timedelta(days=1)
    r = client.post(f"/agenda/sesiones/{sesion.pk}/decisiones/", {
        "descripcion": "Consolidar el informe", "responsable_email": oferente.email, "fecha_limite": ayer.isoformat()})
    assert r.status_code == 302
    html = client.get(f"/agenda/sesiones/{sesion.pk}/").content.decode()
    assert "Consolidar el informe" in html and "vencido" in html
    r = client.post(f"/agenda/sesiones/{sesion.pk}/resultados/", {"titulo": "X", "ruta": "https://fuera.example/"})
    assert r.status_code == 400 and "ruta de la plataforma" in r.content.decode()


# --- Agendas territoriales ------------------------------------------------------------------------------------
def test_linea_que_sirve_a_una_agenda_territorial_aparece_en_la_pagina_de_la_et(
        funcionario_medellin, oferente, entidad_oferente, client):
    medellin = factories.alcaldia("05001")
    antioquia = factories.gobernacion("05")
    plan = f.plan(entidad_oferente, vigencia=2025, estado=EstadoPlan.APROBADO)
    linea = f.linea(plan, territorios=[medellin, antioquia])
    pacto = AgendaTerritorial.objects.create(nombre="Pacto Territorial Antioquia", tipo="pacto_territorial")
    pacto.entidades.set([antioquia])
    AgendaTerritorial.objects.create(nombre="Iniciativa PDET ajena", tipo="iniciativa_pdet").entidades.set(
        [factories.alcaldia("76001")])
    client.force_login(funcionario_medellin)
    # La página de la ET en agenda es ahora la sección «agenda» de su perfil (/territorio/<DIVIPOLA>/).
    assert client.get(f"/agenda/territorio/{medellin.pk}/").url == "/territorio/05001/#agenda"
    url = "/territorio/05001/seccion/agenda/"
    assert "Pacto Territorial Antioquia" not in client.get(url).content.decode()
    services.agenda_territorial_vincular(agenda_t=pacto, por=oferente, lineas=[linea])
    services.agenda_territorial_vincular(agenda_t=pacto, por=oferente, lineas=[linea])  # idempotente
    html = client.get(url).content.decode()
    assert "Pacto Territorial Antioquia" in html
    assert "Líneas que llegan a la entidad y la sirven" in html
    assert "Iniciativa PDET ajena" not in html
    assert list(linea.agendas_territoriales.all()) == [pacto]


def test_solo_el_dueno_de_la_linea_la_vincula_y_debe_focalizar_una_et_del_acuerdo(
        oferente, otro_oferente, entidad_oferente):
    medellin = factories.alcaldia("05001")
    plan = f.plan(entidad_oferente, vigencia=2025, estado=EstadoPlan.APROBADO)
    linea = f.linea(plan, territorios=[medellin])
    pacto = AgendaTerritorial.objects.create(nombre="Pacto Valle", tipo="pacto_territorial")
    pacto.entidades.set([factories.alcaldia("76001")])
    with pytest.raises(PermissionDenied, match="Solo el oferente dueño del plan"):
        services.agenda_territorial_vincular(agenda_t=pacto, por=otro_oferente, lineas=[linea])
    with pytest.raises(ValidationError, match="no focaliza ninguna de las entidades"):
        services.agenda_territorial_vincular(agenda_t=pacto, por=oferente, lineas=[linea])


def test_agenda_territorial_se_crea_una_vez_y_la_crea_quien_actua_por_una_et(funcionario_medellin, oferente):
    medellin = factories.alcaldia("05001")
    datos = {"nombre": "Plan del esquema asociativo del Valle de Aburrá", "tipo": "plan_esquema_asociativo",
             "entidades": [medellin]}
    a1 = services.agenda_territorial_guardar(por=funcionario_medellin, **datos)
    a2 = services.agenda_territorial_guardar(por=funcionario_medellin, **datos)
    assert a1.pk == a2.pk and AgendaTerritorial.objects.count() == 1
    with pytest.raises(PermissionDenied, match="Incluya una entidad territorial por la que usted actúa"):
        services.agenda_territorial_guardar(por=oferente, nombre="Otra", tipo="otra", entidades=[medellin])


def test_migracion_vincula_el_texto_del_indicador_a_su_ficha_sin_tocar_el_texto(entidad_oferente):
    """0009: vincula solo cuando hay exactamente una ficha con ese nombre (prefiere la de la misma agenda);
    el texto que la gente escribió queda igual."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migracion = importlib.import_module("agenda.migrations.0009_objetivo_indicador_datos")
    agenda = f.agenda()
    otra = f.agenda()

    def ficha(nombre, agenda_=None):
        return Indicador.objects.create(nombre=nombre, descripcion="d", formula="f", tipo="producto", unidad="u",
                                        meta_cuatrienio=1, tipo_acumulacion="flujo", unidad_responsable="DNP",
                                        entidad=entidad_oferente, agenda=agenda_)

    unica = ficha("ET asistidas en planeación")
    propia, _ajena = ficha("Municipios con POT", agenda), ficha("Municipios con POT", otra)
    ficha("Repetido"), ficha("Repetido")
    objetivos = {texto: ObjetivoAgenda.objects.create(agenda=agenda, tipo_descriptor="funcional", enunciado=texto,
                                                      indicador=texto, meta=1)
                 for texto in ("  et ASISTIDAS en planeación ", "Municipios con POT", "Repetido", "Sin ficha")}
    migracion.vincular(apps, SimpleNamespace(connection=connection))
    vinculos = {t: ObjetivoAgenda.objects.get(pk=o.pk) for t, o in objetivos.items()}
    assert vinculos["  et ASISTIDAS en planeación "].indicador_vinculado_id == unica.pk
    assert vinculos["  et ASISTIDAS en planeación "].indicador == "  et ASISTIDAS en planeación "
    assert vinculos["Municipios con POT"].indicador_vinculado_id == propia.pk
    assert vinculos["Repetido"].indicador_vinculado_id is None
    assert vinculos["Sin ficha"].indicador_vinculado_id is None


def test_api_de_objetivos_da_el_mismo_rollup_por_anio(agenda_con_lineas, client, funcionario_medellin):
    _agenda, objetivo = agenda_con_lineas
    client.force_login(funcionario_medellin)
    datos = client.get(f"/api/v1/agenda/objetivos/{objetivo.pk}/").json()
    por_anio = {a["anio"]: a for a in datos["avance_lineas"]}
    assert Decimal(str(por_anio[2025]["avance"])) == Decimal("41.67") and por_anio[2025]["lineas"] == 3
    assert Decimal(str(por_anio[2026]["avance"])) == Decimal(25)
    assert Decimal(str(por_anio[None]["avance"])) == Decimal(35)
    assert por_anio[2023]["avance"] is None and por_anio[2023]["lineas"] == 0


def test_api_registra_decision_con_compromiso_y_niega_a_quien_no_es_del_dnp(sesion, seguimiento_dnp, oferente):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(oferente)
    r = api.post(f"/api/v1/agenda/sesiones/{sesion.pk}/decisiones/", {"descripcion": "X"}, format="json")
    assert r.status_code == 403 and "Solo el equipo del DNP" in r.json()["detail"]
    api.force_authenticate(seguimiento_dnp)
    limite = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    r = api.post(f"/api/v1/agenda/sesiones/{sesion.pk}/decisiones/",
                 {"descripcion": "Remitir la matriz", "responsable": oferente.email, "fecha_limite": limite},
                 format="json")
    assert r.status_code == 201
    assert Compromiso.objects.get(pk=r.json()["compromiso"]).fecha_limite.isoformat() == limite
