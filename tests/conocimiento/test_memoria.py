from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from att.models import Membresia, Rol
from conocimiento import services
from conocimiento.models import Recurso, SesionFormacion
from tests import factories
from tests.conocimiento.conftest import exfuncionario, oferta_de, recurso_publicado

pytestmark = pytest.mark.django_db


def _demanda(entidad, por, titulo, **extra):
    from demanda.models import Demanda

    return Demanda.objects.create(entidad=entidad, registrada_por=por, titulo=titulo, descripcion="d",
                                  fuente="diagnostico_propio", **extra)


def test_funcionario_nuevo_ve_desde_el_primer_dia_lo_que_registraron_quienes_se_fueron(client, curso):
    medellin = factories.alcaldia("05001")
    anterior = exfuncionario(medellin, nombre="Funcionaria del gobierno anterior")
    _demanda(medellin, anterior, "Apoyo para el catastro multipropósito", calificacion=5, comentario_cierre="Muy útil")
    recurso_publicado(anterior, titulo="Presupuesto participativo en comunas", entidad=medellin)
    inicio = timezone.now() - timedelta(days=400)
    sesion = SesionFormacion.objects.create(curso=curso, modalidad="virtual", inicio=inicio,
                                            fin=inicio + timedelta(hours=2), cupos=5, enlace="https://x.gov.co")
    from conocimiento.models import Inscripcion

    Inscripcion.objects.create(sesion=sesion, usuario=anterior, entidad=medellin, estado="inscrita", asistio=True)
    # Llega una persona nueva a la entidad hoy.
    nueva = factories.persona(medellin, Rol.FUNCIONARIO_ET, nombre="Funcionario recién llegado")
    client.force_login(nueva)
    # La memoria es el perfil de la entidad: /conocimiento/memoria/<id>/ redirige allá.
    respuesta = client.get(reverse("conocimiento:memoria", args=[medellin.pk]), follow=True)
    assert respuesta.redirect_chain == [("/territorio/05001/#memoria", 302)]
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    for texto in ("Apoyo para el catastro multipropósito", "Presupuesto participativo en comunas",
                  curso.nombre, "Funcionaria del gobierno anterior", "ya no está en la entidad", "Muy útil"):
        assert texto in html, texto


def test_memoria_incluye_planes_que_la_focalizaron(client, funcionario_medellin, entidad_oferente, oferente):
    from agenda.models import AgendaNacional, LineaPlan, PlanDeTrabajo
    from att.models import EtapaCiclo

    medellin = factories.alcaldia("05001")
    oferta = oferta_de(entidad_oferente, nombre="Fortalecimiento fiscal")
    agenda = AgendaNacional.objects.create(nombre="Agenda 2026", anio_inicio=2026, anio_fin=2026)
    # Aprobado: las líneas de un plan en borrador solo las ven su oferente y el DNP (agenda.selectors).
    plan = PlanDeTrabajo.objects.create(agenda=agenda, entidad=entidad_oferente, vigencia=2026, estado="aprobado")
    linea = LineaPlan.objects.create(plan=plan, oferta=oferta, objetivo="Mejorar el recaudo predial",
                                     etapa=EtapaCiclo.objects.first(), fecha_inicio=date(2026, 2, 1),
                                     fecha_fin=date(2026, 11, 30), responsable=oferente)
    linea.territorios.add(medellin)
    client.force_login(funcionario_medellin)
    html = client.get("/territorio/05001/").content.decode()
    assert "Fortalecimiento fiscal" in html and "Mejorar el recaudo predial" in html


def test_otras_entidades_no_ven_la_memoria(client, funcionario_cali, equipo_antioquia, auditor):
    factories.alcaldia("05001")
    url = "/territorio/05001/seccion/memoria/"
    client.force_login(funcionario_cali)
    assert client.get(url).status_code == 404
    assert 'id="t-memoria"' not in client.get("/territorio/05001/").content.decode()
    client.force_login(equipo_antioquia)  # su equipo departamental sí
    assert client.get(url).status_code == 200
    client.force_login(auditor)
    assert client.get(url).status_code == 200


def test_quien_se_fue_ya_no_la_ve(client):
    medellin = factories.alcaldia("05001")
    persona = factories.persona(medellin)
    Membresia.objects.filter(usuario=persona).update(activa=False, hasta=date.today())
    client.force_login(persona)
    assert client.get("/territorio/05001/seccion/memoria/").status_code == 404


def _sembrar(n, entidad, persona):
    from demanda.models import Demanda

    Demanda.objects.bulk_create([
        Demanda(entidad=entidad, registrada_por=persona, titulo=f"Necesidad {i}", descripcion="d",
                fuente="diagnostico_propio", calificacion=(i % 5) + 1) for i in range(n)
    ])
    Recurso.objects.bulk_create([
        Recurso(tipo="buena_practica", titulo=f"Práctica {i}", resumen="r", propuesto_por=persona, entidad=entidad,
                estado="publicado", publicado_en=timezone.now()) for i in range(n)
    ])


def test_memoria_con_consultas_constantes(client, django_assert_max_num_queries):
    medellin = factories.alcaldia("05001")
    anterior = exfuncionario(medellin)
    nueva = factories.persona(medellin)
    client.force_login(nueva)
    url = "/territorio/05001/"
    for n in (10, 490):
        _sembrar(n, medellin, anterior)
        with django_assert_max_num_queries(40):
            assert client.get(url).status_code == 200


def test_lista_de_memorias(client, funcionario_medellin, admin_dnp):
    client.force_login(funcionario_medellin)
    medellin, cali = factories.alcaldia("05001"), factories.alcaldia("76001")
    html = client.get(reverse("conocimiento:memorias")).content.decode()
    assert f'<a href="{reverse("conocimiento:memoria", args=[medellin.pk])}">Alcaldía de Medellín (Antioquia)</a>' in html
    assert reverse("conocimiento:memoria", args=[cali.pk]) not in html  # solo la memoria de su entidad
    client.force_login(admin_dnp)
    r = client.get(reverse("conocimiento:memorias"), {"q": "Cali"})
    assert r.status_code == 200
    html = r.content.decode()
    assert reverse("conocimiento:memoria", args=[cali.pk]) in html
    assert reverse("conocimiento:memoria", args=[medellin.pk]) not in html


def test_la_propuesta_registra_la_entidad_no_la_persona(funcionario_medellin):
    medellin = factories.alcaldia("05001")
    r = services.recurso_proponer(por=funcionario_medellin, tipo="leccion", titulo="L", resumen="r", entidad=medellin)
    assert r.entidad == medellin
