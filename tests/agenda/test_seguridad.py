"""Revisión de la agenda: evidencias protegidas, visibilidad de los concertados, demandas citadas
solo si la entidad puede atenderlas, formularios que conservan lo escrito y revisión solo del DNP."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from agenda import services
from agenda.models import Compromiso, EstadoConcertado, EstadoPlan, MesaDeTrabajo
from demanda.models import Demanda, EstadoDemanda
from tests import factories
from tests.agenda import fabricas as f

pytestmark = pytest.mark.django_db


def _mesa(plan, por):
    return services.mesa_registrar(
        plan=plan, por=por, fecha=timezone.now() - datetime.timedelta(days=3), lugar="Sala 3",
        participantes="Ana (Alcaldía)",
        evidencias=[("acta", SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta reservada"))],
    )


def _demanda(entidad, registrada_por, **extra):
    return Demanda.objects.create(entidad=entidad, registrada_por=registrada_por, titulo="Apoyo PDT",
                                  descripcion="x", fuente="metas_pdt", estado=EstadoDemanda.VINCULADA, **extra)


def test_evidencia_solo_por_descarga_con_permiso(client, concertado, oferente, funcionario_cali, otro_oferente):
    evidencia = _mesa(concertado, oferente).evidencias.get()
    client.force_login(oferente)
    pagina = client.get(f"/agenda/concertados/{concertado.pk}/").content.decode()
    assert f"/agenda/evidencias/{evidencia.pk}/" in pagina
    assert "/media/" not in pagina
    r = client.get(f"/agenda/evidencias/{evidencia.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 acta reservada"
    for ajena in (funcionario_cali, otro_oferente):
        client.force_login(ajena)
        assert client.get(f"/agenda/evidencias/{evidencia.pk}/").status_code == 404


def test_pagina_et_no_muestra_concertados_ajenos(client, concertado, funcionario_cali, funcionario_medellin):
    client.force_login(funcionario_cali)
    assert "Plan concertado Medellín" not in client.get("/territorio/05001/").content.decode()
    client.force_login(funcionario_medellin)
    assert "Plan concertado Medellín" in client.get("/territorio/05001/").content.decode()


def test_departamento_no_cuenta_vencidos_de_concertados_ajenos(client, concertado, oferente, funcionario_cali):
    mesa = _mesa(concertado, oferente)
    Compromiso.objects.create(plan=concertado, mesa=mesa, descripcion="x", responsable=oferente,
                              fecha_limite=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(funcionario_cali)
    assert client.get("/agenda/departamento/05/").context["compromisos_vencidos"] == 0


def test_responsable_de_otra_entidad_ve_el_plan_y_actualiza_su_compromiso(client, concertado, oferente,
                                                                         otro_oferente):
    mesa = _mesa(concertado, oferente)
    c = services.compromiso_crear(mesa=mesa, descripcion="Enviar la matriz", responsable=otro_oferente,
                                  fecha_limite=timezone.localdate() + datetime.timedelta(days=5), por=oferente)
    client.force_login(otro_oferente)
    r = client.get(f"/agenda/concertados/{concertado.pk}/")
    assert r.status_code == 200 and f"/agenda/compromisos/{c.pk}/revisar/" in r.content.decode()
    assert f"/agenda/evidencias/{mesa.evidencias.get().pk}/" in r.content.decode()
    client.post(f"/agenda/compromisos/{c.pk}/revisar/", {"estado": "cumplido", "comentario": "Enviada"})
    c.refresh_from_db()
    assert c.estado == "cumplido"


def test_mesa_con_error_conserva_lo_escrito(client, concertado, oferente):
    client.force_login(oferente)
    r = client.post(f"/agenda/concertados/{concertado.pk}/mesas/", {
        "fecha": "2025-03-04T10:00", "participantes": "Ana Gómez (Alcaldía)", "temas": "Diagnóstico del PDT"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "Ana Gómez (Alcaldía)" in html and "Diagnóstico del PDT" in html
    assert 'id="resumen-errores"' in html and "Indique el lugar de la mesa" in html
    assert "restricción" not in html
    assert not MesaDeTrabajo.objects.filter(plan=concertado).exists()


def test_compromiso_con_error_conserva_lo_escrito(client, concertado, oferente):
    _mesa(concertado, oferente)
    client.force_login(oferente)
    r = client.post(f"/agenda/concertados/{concertado.pk}/compromisos/", {
        "descripcion": "Enviar el diagnóstico firmado", "responsable_email": "nadie@ninguna.gov.co",
        "fecha_limite": "2025-12-01"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "Enviar el diagnóstico firmado" in html and "No hay una persona activa con ese correo" in html


def test_revision_por_pagina_solo_dnp_y_conserva_lo_escrito(client, entidad_oferente, oferente, admin_dnp):
    plan = f.plan(entidad_oferente)
    f.linea(plan, territorios=[factories.alcaldia("05001")], responsable=oferente)
    services.plan_enviar(plan=plan, por=oferente)
    client.force_login(oferente)
    assert client.post(f"/agenda/planes/{plan.pk}/revisar/", {"decision": "aprobado"}).status_code == 403
    client.force_login(admin_dnp)
    r = client.post(f"/agenda/planes/{plan.pk}/revisar/", {"decision": "devuelto", "comentario": " "})
    assert r.status_code == 400 and "Escriba qué debe ajustarse" in r.content.decode()
    plan.refresh_from_db()
    assert plan.estado == EstadoPlan.ENVIADO


def test_no_se_citan_demandas_que_la_entidad_no_atiende(entidad_oferente, oferente, funcionario_medellin):
    plan = f.plan(entidad_oferente)
    ajena = _demanda(factories.alcaldia("05001"), funcionario_medellin,
                     oferta=f.oferta(factories.EntidadNacionalFactory()))
    propia = _demanda(factories.alcaldia("05001"), funcionario_medellin, oferta=f.oferta(entidad_oferente))
    base = {"oferta": f.oferta(entidad_oferente), "objetivo": "x", "etapa": f.etapa(),
            "fecha_inicio": datetime.date(2025, 2, 1), "fecha_fin": datetime.date(2025, 3, 1),
            "responsable": oferente, "territorios": [factories.alcaldia("05001")]}
    with pytest.raises(ValidationError, match="Solo se citan demandas vinculadas a ofertas de la entidad o") as e:
        services.linea_guardar(plan=plan, por=oferente, demandas=[ajena, propia], **base)
    assert "demandas" in e.value.message_dict
    ln = services.linea_guardar(plan=plan, por=oferente, demandas=[propia], **base)
    assert list(ln.demandas.all()) == [propia]


def test_api_no_cita_demandas_ajenas(entidad_oferente, oferente, funcionario_medellin):
    plan = f.plan(entidad_oferente)
    ajena = _demanda(factories.alcaldia("05001"), funcionario_medellin,
                     oferta=f.oferta(factories.EntidadNacionalFactory()))
    api = APIClient()
    api.force_authenticate(oferente)
    r = api.post(f"/api/v1/agenda/lineas/?plan={plan.pk}", {
        "oferta": f.oferta(entidad_oferente).pk, "objetivo": "x", "territorios": [factories.alcaldia("05001").pk],
        "etapa": "planeacion", "fecha_inicio": "2025-02-01", "fecha_fin": "2025-05-31",
        "responsable": oferente.email, "demandas": [ajena.pk],
    }, format="json")
    assert r.status_code == 400 and "demandas" in r.json()


def test_aprobar_deja_como_esta_la_demanda_que_no_admite_el_paso(entidad_oferente, oferente, admin_dnp,
                                                                  funcionario_medellin):
    plan = f.plan(entidad_oferente)
    ln = f.linea(plan, territorios=[factories.alcaldia("05001")], responsable=oferente)
    registrada = _demanda(factories.alcaldia("05001"), funcionario_medellin, oferta=ln.oferta)
    Demanda.objects.filter(pk=registrada.pk).update(estado=EstadoDemanda.REGISTRADA)
    ln.demandas.add(registrada)
    services.plan_enviar(plan=plan, por=oferente)
    services.plan_revisar(plan=plan, decision="aprobado", por=admin_dnp)
    plan.refresh_from_db()
    registrada.refresh_from_db()
    assert plan.estado == EstadoPlan.APROBADO and registrada.estado == EstadoDemanda.REGISTRADA


def test_estado_del_concertado_validado(concertado, oferente):
    with pytest.raises(ValidationError, match=r"Estado del plan concertado no válido\."):
        services.concertado_cambiar_estado(plan=concertado, a_estado="inventado", por=oferente)
    services.concertado_cambiar_estado(plan=concertado, a_estado=EstadoConcertado.CONCERTADO, por=oferente)


def test_titulo_de_la_agenda_sin_marcado(client, admin_dnp):
    a = f.agenda()
    client.force_login(admin_dnp)
    html = client.get(f"/agenda/agendas/{a.pk}/").content.decode()
    titulo = html[html.index("<title>"):html.index("</title>")]
    assert "<h2>" not in titulo


def test_anios_sin_separador_de_miles(client, entidad_oferente, oferente, funcionario_medellin):
    plan = f.plan(entidad_oferente, estado=EstadoPlan.APROBADO)
    f.linea(plan, territorios=[factories.alcaldia("05001")])
    client.force_login(oferente)
    html = client.get(f"/agenda/planes/{plan.pk}/").content.decode()
    assert "Plan de trabajo 2025" in html and "2.025" not in html
    client.force_login(funcionario_medellin)
    html = client.get("/territorio/05001/").content.decode()
    assert "<td>2025</td>" in html and "2.025" not in html


def test_superusuario_no_ve_edicion_de_un_plan_aprobado(client, entidad_oferente):
    from att.models import Usuario

    plan = f.plan(entidad_oferente, estado=EstadoPlan.APROBADO)
    raiz = Usuario.objects.create_superuser(email="raiz@prueba.gov.co", password="x-clave-larga-2026", nombre="Raíz")
    client.force_login(raiz)
    assert f"/agenda/planes/{plan.pk}/lineas/nueva/" not in client.get(f"/agenda/planes/{plan.pk}/").content.decode()
    assert client.get(f"/agenda/planes/{plan.pk}/lineas/nueva/").status_code == 403


@pytest.mark.parametrize("valor", ["99999", "99999999999999999999", "-1", "abc"])
def test_vigencia_absurda_en_la_url_no_rompe_las_paginas(client, funcionario_medellin, valor):
    client.force_login(funcionario_medellin)
    factories.alcaldia("05001")
    for url in ("/agenda/calendario/", "/agenda/planes/", "/territorio/05001/",
                "/agenda/departamento/05/"):
        assert client.get(url, {"vigencia": valor}).status_code == 200, url


def test_oferente_no_concierta_en_nombre_de_otra_entidad(client, medellin, oferente, otro_oferente):
    from django.core.exceptions import PermissionDenied

    from agenda.models import PlanConcertado

    ajena = otro_oferente.membresias.get().entidad
    with pytest.raises(PermissionDenied, match="Incluya a su entidad entre los oferentes: no se concierta"):
        services.concertado_crear(entidad_territorial=medellin, oferentes=[ajena], vigencia=2025, nombre="Ajeno",
                                  por=oferente)
    client.force_login(oferente)
    r = client.post("/agenda/concertados/nuevo/", {"entidad_territorial": medellin.pk, "oferentes": [ajena.pk],
                                                    "vigencia": 2025, "nombre": "Plan ajeno"})
    assert r.status_code == 200 and "Incluya a su entidad entre los oferentes" in r.content.decode()
    assert 'value="Plan ajeno"' in r.content.decode()
    assert not PlanConcertado.objects.filter(nombre__in=["Ajeno", "Plan ajeno"]).exists()


def test_revision_de_compromiso_por_pagina_se_anota_en_la_mesa_siguiente(client, concertado, oferente):
    primera = _mesa(concertado, oferente)
    c = services.compromiso_crear(mesa=primera, descripcion="Enviar la matriz", responsable=oferente,
                                  fecha_limite=timezone.localdate() + datetime.timedelta(days=5), por=oferente)
    client.force_login(oferente)
    client.post(f"/agenda/compromisos/{c.pk}/revisar/", {"estado": "en_curso"})
    assert c.revisiones.get().mesa is None
    segunda = services.mesa_registrar(plan=concertado, por=oferente, fecha=timezone.now(), lugar="Sala 4",
                                      participantes="Ana")
    client.post(f"/agenda/compromisos/{c.pk}/revisar/", {"estado": "cumplido", "comentario": "Enviada"})
    assert c.revisiones.order_by("-pk").first().mesa == segunda
