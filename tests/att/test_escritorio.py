"""Mi escritorio (`/mi-escritorio/`): lo que espera a cada persona, por rol; el ingreso llega aquí; cada enlace
del escritorio de cada rol de la demo abre (200) para esa persona, y también el enlace de cada alerta que la
demo crea; el número de consultas no crece con los registros."""

import io
import random
import re
from collections import Counter

import pytest
from django.urls import reverse

from agenda.models import EstadoPlan
from att import escritorio
from att.models import Notificacion, Usuario
from demanda import services
from demanda.models import EstadoDemanda
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db

ROLES_DEMO = ("admin@att.demo", "seguimiento@att.demo", "auditor@att.demo", "et@att.demo",
              "departamento@att.demo", "oferente@att.demo", "esap@att.demo", "minsalud@att.demo",
              "integrador@att.demo")
ENLACE_ITEM = re.compile(r'<li class="escritorio__item[^"]*">\s*<a href="([^"]+)"')
ENLACE_SECCION = re.compile(r'<section class="escritorio__grupo".*?</section>', re.DOTALL)
HREF = re.compile(r'href="(/[^"#]*)')


def _seccion(html: str, clave: str) -> str:
    encontrada = re.search(rf'<section class="escritorio__grupo" id="{clave}".*?</section>', html, re.DOTALL)
    return encontrada.group(0) if encontrada else ""


def _generar_demo():
    from att import registros

    rng, salida = random.Random(4091), io.StringIO()
    for aporte in registros.demos():
        if aporte.area in ("att", "oferta", "demanda", "agenda", "seguimiento", "conocimiento"):
            aporte.funcion(escala=1, rng=rng, salida=salida)


def test_cada_rol_de_la_demo_tiene_algo_en_su_escritorio_y_cada_enlace_y_cada_alerta_abren(client):
    _generar_demo()
    fallos, vistos = [], Counter()
    for correo in ROLES_DEMO:
        persona = Usuario.objects.get(email=correo)
        client.force_login(persona)
        r = client.get(reverse("escritorio"))
        assert r.status_code == 200, correo
        html = r.content.decode()
        items = ENLACE_ITEM.findall(html)
        assert items, f"{correo}: escritorio vacío"
        vistos[correo] = len(items)
        enlaces = {h for seccion in ENLACE_SECCION.findall(html) for h in HREF.findall(seccion)}
        assert {i.split("#")[0] for i in items} <= enlaces
        for enlace in sorted(enlaces):
            codigo = client.get(enlace).status_code
            if codigo != 200:
                fallos.append((correo, enlace, codigo))
    assert fallos == [], fallos
    # Lo que espera a cada rol, por área (no solo las alertas).
    for correo, clave in [("et@att.demo", "mis-demandas"), ("et@att.demo", "coincidencias"),
                          ("oferente@att.demo", "por-responder"), ("esap@att.demo", "por-responder"),
                          ("minsalud@att.demo", "por-responder"), ("admin@att.demo", "cola-demandas"),
                          ("departamento@att.demo", "municipios"), ("integrador@att.demo", "integracion")]:
        client.force_login(Usuario.objects.get(email=correo))
        html = client.get(reverse("escritorio")).content.decode()
        seccion = re.search(rf'<section class="escritorio__grupo" id="{clave}".*?</section>', html, re.DOTALL)
        assert seccion and 'class="escritorio__item' in seccion.group(0), (correo, clave)

    # Todas las alertas que crea la demo abren para quien las recibe (logueado como esa persona).
    alertas = list(Notificacion.objects.select_related("usuario").order_by("usuario_id", "pk"))
    tipos = Counter(n.categoria for n in alertas)
    assert tipos["demanda_solicitada"] >= 3 and tipos["demanda_coincide"] >= 1, tipos
    assert tipos["cuentas"] >= 2 and tipos["conversacion"] >= 3, tipos  # el DNP y el equipo de Antioquia
    fallos = []
    actual = None
    for n in alertas:
        if n.usuario_id != actual:
            client.force_login(n.usuario)
            actual = n.usuario_id
        codigo = client.get(n.url).status_code
        if codigo != 200:
            fallos.append((n.usuario.email, n.categoria, n.url, codigo))
    assert fallos == [], fallos[:10]


def test_la_demo_deja_administradores_colas_y_conversaciones_sin_duplicar(client):
    """La funcionaria de Medellín y el oferente de MinVivienda administran su entidad; el DNP tiene una
    solicitud de cuenta y una de datos personales por atender; hay mensajes en demandas y en un plan
    concertado. Repetir la demo no duplica nada de eso."""
    from agenda.models import PlanConcertado
    from att.models import Membresia, Mensaje, SolicitudCuenta, SolicitudDatosPersonales
    from demanda.models import Demanda

    _generar_demo()

    def cifras():
        return (Mensaje.objects.count(), SolicitudCuenta.objects.filter(estado="pendiente").count(),
                SolicitudDatosPersonales.objects.filter(estado="pendiente").count(), Notificacion.objects.count())

    antes = cifras()
    assert antes[1] == 1 and antes[2] == 1, antes
    tipos = set(Mensaje.objects.values_list("tipo__model", flat=True))
    assert tipos == {Demanda._meta.model_name, PlanConcertado._meta.model_name}, tipos
    assert set(Membresia.objects.filter(administra=True).values_list("usuario__email", flat=True)) == {
        "et@att.demo", "oferente@att.demo"}
    admin = Usuario.objects.get(email="admin@att.demo")
    client.force_login(admin)
    assert "Natalia Gómez" in client.get(reverse("cuenta-solicitudes")).content.decode()
    assert str(Usuario.objects.get(email="esap@att.demo")) in client.get(reverse("cuenta-solicitudes-datos")).content.decode()
    client.force_login(Usuario.objects.get(email="et@att.demo"))
    assert client.get(reverse("cuenta-invitar")).status_code == 200
    _generar_demo()
    assert cifras() == antes


def test_el_ingreso_llega_al_escritorio(client, funcionario_medellin):
    r = client.post(reverse("login"), {"username": funcionario_medellin.email, "password": factories.CLAVE})
    assert r.status_code == 302 and r["Location"] == reverse("escritorio")
    html = client.get(reverse("escritorio")).content.decode()
    assert f'href="{reverse("escritorio")}" aria-current="page">Mi escritorio<' in html


def test_el_escritorio_pide_ingresar(client):
    r = client.get(reverse("escritorio"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))


def _oferta_y_demanda_que_coinciden(entidad_oferente, et, n):
    oferta = fabricas.oferta(entidad_oferente, nombre=f"Catastro multipropósito rural {n}",
                             descripcion="Actualización catastral y gestión del catastro multipropósito.")
    demanda = fabricas.demanda(et.membresias.get().entidad, et, titulo=f"Actualizar el catastro multipropósito rural {n}",
                               descripcion="Necesitamos la actualización catastral del municipio.")
    services.alertar_oferentes(demanda=demanda, nueva=True)
    return oferta, demanda


@pytest.mark.parametrize("rol", ["et", "oferente", "dnp", "departamental"])
def test_consultas_del_escritorio_no_crecen_con_los_registros(client, django_assert_max_num_queries, rol,
                                                              funcionario_medellin, oferente, entidad_oferente,
                                                              admin_dnp, equipo_antioquia):
    persona = {"et": funcionario_medellin, "oferente": oferente, "dnp": admin_dnp, "departamental": equipo_antioquia}[rol]
    client.force_login(persona)

    def contar(n_antes):
        for i in range(n_antes):
            oferta, demanda = _oferta_y_demanda_que_coinciden(entidad_oferente, funcionario_medellin, f"{rol}{i}{n_antes}")
            if i % 2:
                services.decision_registrar(demanda=demanda, oferta=oferta, tipo="solicitada", por=funcionario_medellin)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as c:
            r = client.get(reverse("escritorio"))
        assert r.status_code == 200
        return len(c.captured_queries), r.content.decode()

    una, _html = contar(1)
    muchas, html = contar(10)
    assert muchas == una, (una, muchas)
    with django_assert_max_num_queries(una):
        client.get(reverse("escritorio"))
    assert html.count('class="escritorio__item') >= (3 if rol != "departamental" else 1)


def test_la_et_ve_sus_demandas_con_el_paso_siguiente_y_sus_coincidencias(client, funcionario_medellin, oferente,
                                                                          entidad_oferente):
    oferta, demanda = _oferta_y_demanda_que_coinciden(entidad_oferente, funcionario_medellin, "a")
    atendida = fabricas.demanda(demanda.entidad, funcionario_medellin, estado=EstadoDemanda.ATENDIDA, titulo="Ya atendida")
    client.force_login(funcionario_medellin)
    html = client.get(reverse("escritorio")).content.decode()
    assert f'{reverse("demanda:detalle", args=[demanda.pk])}#coincidencias' in html
    assert oferta.nombre in html
    assert "califíquela de 1 a 5" in html and atendida.titulo in html
    # El oferente: la demanda que coincide no le espera hasta que la entidad pide su oferta.
    client.force_login(oferente)
    assert demanda.titulo not in _seccion(client.get(reverse("escritorio")).content.decode(), "por-responder")
    services.decision_registrar(demanda=demanda, oferta=oferta, tipo="solicitada", por=funcionario_medellin)
    seccion = _seccion(client.get(reverse("escritorio")).content.decode(), "por-responder")
    assert demanda.titulo in seccion and "acéptela y vincule la demanda" in seccion
    # Y la ET ya no la ve como coincidencia por decidir.
    client.force_login(funcionario_medellin)
    html = client.get(reverse("escritorio")).content.decode()
    assert f'{reverse("demanda:detalle", args=[demanda.pk])}#coincidencias' not in html


def test_el_departamental_ve_sus_municipios_con_enlace_a_su_perfil(client, equipo_antioquia, funcionario_medellin):
    fabricas.demanda(funcionario_medellin.membresias.get().entidad, funcionario_medellin)
    client.force_login(equipo_antioquia)
    html = client.get(reverse("escritorio")).content.decode()
    assert 'href="/territorio/05001/"' in html and "1 demanda abierta" in html
    assert "1 espera la revisión del DNP" in html
    assert client.get("/territorio/05001/").status_code == 200
    assert 'href="/territorio/76001/"' not in html  # Cali no es de Antioquia


def test_el_oferente_ve_sus_planes_devueltos(client, oferente, entidad_oferente):
    from agenda.models import AgendaNacional, PlanDeTrabajo

    agenda = AgendaNacional.objects.create(nombre="Agenda de prueba", anio_inicio=2026, anio_fin=2030)
    plan = PlanDeTrabajo.objects.create(agenda=agenda, entidad=entidad_oferente, vigencia=2026, estado=EstadoPlan.DEVUELTO)
    client.force_login(oferente)
    html = client.get(reverse("escritorio")).content.decode()
    assert reverse("agenda:plan", args=[plan.pk]) in html and "El DNP lo devolvió" in html


def test_un_grupo_registrado_aparece_y_se_quita(client, funcionario_medellin):
    escritorio.registrar(escritorio.Grupo(
        clave="prueba", titulo="Grupo de prueba", orden=1,
        items=lambda u: [escritorio.Item(titulo="Algo de prueba", url="/demanda/")]))
    try:
        client.force_login(funcionario_medellin)
        html = client.get(reverse("escritorio")).content.decode()
        assert 'id="prueba"' in html and "Algo de prueba" in html
    finally:
        escritorio.quitar("prueba")
    assert 'id="prueba"' not in client.get(reverse("escritorio")).content.decode()


def test_sin_rol_el_escritorio_lo_dice(client):
    persona = Usuario.objects.create_user(email="sinrol@prueba.gov.co", password=factories.CLAVE)
    client.force_login(persona)
    html = client.get(reverse("escritorio")).content.decode()
    assert "Su cuenta aún no tiene una entidad ni un rol" in html
