"""Recorridos sin callejones: uno por rol, en Chromium sin cabeza, en escritorio (1366×900) y en
teléfono (390×844), cada uno hasta la página donde la persona hace su trabajo (issue 15):

- la funcionaria de la alcaldía ingresa (llega a su escritorio), registra una demanda con el
  formulario, ve en su ficha las ofertas que coinciden (`#coincidencias`) y pide una;
- la oferente abre la alerta de la demanda, llega a una página que puede abrir y responde;
- el equipo de seguimiento del DNP ve su cola de revisión en el escritorio y valida un avance;
- el equipo departamental registra una demanda para uno de sus municipios con el selector
  buscable («Buscar municipio», escrito sin tildes);
- quien visita sin cuenta busca «catastro» en el repositorio y encuentra la práctica «catastral»,
  y llega a la ayuda, la privacidad y la accesibilidad desde el pie de página.

Cada página visitada pasa por tests/e2e/recorrido.py: axe-core sin infracciones graves ni críticas,
≤ 30 KiB transferidos sin caché, ninguna petición fuera del sitio, captura en var/capturas/."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from att.models import Rol
from conocimiento.models import TipoRecurso
from demanda import services as demanda_services
from demanda.models import EstadoDemanda, TipoDecision
from seguimiento import services as seguimiento_services
from tests import factories
from tests.conocimiento.conftest import recurso_publicado
from tests.demanda import fabricas
from tests.e2e.recorrido import DISPOSITIVOS, Recorrido, servidor_como_produccion
from tests.seguimiento import fabricas as fabricas_seguimiento

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.parametrize("dispositivo", list(DISPOSITIVOS))]

OFERTA_PLAN = "Acompañamiento a la formulación del plan indicativo"


@pytest.fixture(scope="session")
def servidor(django_db_setup, django_db_blocker, tmp_path_factory):
    """Un servidor en vivo para toda la sesión, con los estáticos comprimidos como en producción."""
    with django_db_blocker.unblock():
        hilo = servidor_como_produccion(tmp_path_factory.mktemp("estaticos"))
    yield f"http://localhost:{hilo.port}"
    hilo.terminate()


@pytest.fixture
def recorrido(navegador, servidor, referencia_cargada):
    """Abre un recorrido (contexto nuevo de Chromium) y lo cierra al final de la prueba."""
    from django.test import modify_settings

    abiertos = []

    def abrir(rol: str, dispositivo: str) -> Recorrido:
        r = Recorrido(navegador, servidor, rol, dispositivo)
        abiertos.append(r)
        return r

    hosts = modify_settings(ALLOWED_HOSTS={"append": "localhost"})
    hosts.enable()
    yield abrir
    for r in abiertos:
        r.guardar()
        r.cerrar()
    hosts.disable()


# --- Datos: lo que necesita cada recorrido (fábricas de tests/) -------------------------------
def _ministerio_con_oferta():
    """Un ministerio con su oferente y una oferta publicada de planeación para todo el país."""
    ministerio = factories.EntidadNacionalFactory(nombre="Ministerio de Planeación Territorial de Prueba",
                                                  sigla="MinPlanTP")
    oferente = factories.persona(ministerio, Rol.OFERENTE, email="olga@minplan.gov.co", nombre="Olga Fernández")
    oferta = fabricas.oferta(
        ministerio, temas=["planeacion", "plan-indicativo"], nombre=OFERTA_PLAN, canal="virtual",
        capacidades=["planeacion"], etapas=["planeacion"],
        necesidad="Alcaldías que deben formular el plan indicativo del plan de desarrollo",
        descripcion="Mesas técnicas y guía para formular el plan indicativo y su seguimiento.",
    )
    # Otra oferta de otro tema: si aparece entre las coincidencias, va después.
    fabricas.oferta(ministerio, temas=["vivienda"], nombre="Mejoramiento de vivienda rural")
    return ministerio, oferente, oferta


def _datos_et():
    _ministerio_con_oferta()
    return factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET, email="elena@medellin.gov.co",
                             nombre="Elena Torres")


def _datos_oferente():
    """Una demanda de Pasto que coincide con la oferta de Olga, registrada por el servicio: la
    alerta «Nueva demanda que coincide con su oferta» la crea la plataforma misma."""
    _ministerio, oferente, oferta = _ministerio_con_oferta()
    pasto = factories.alcaldia("52001")
    funcionario = factories.persona(pasto, Rol.FUNCIONARIO_ET, email="pablo@pasto.gov.co", nombre="Pablo Rosero")
    from att.models import Tema

    demanda = demanda_services.demanda_registrar(
        por=funcionario, entidad=pasto, titulo="Formular el plan indicativo del cuatrienio",
        descripcion="La secretaría de planeación necesita apoyo para formular el plan indicativo.",
        fuente="metas_pdt", temas=Tema.objects.filter(codigo__in=["planeacion", "plan-indicativo"]),
    )
    # La funcionaria pide la oferta de Olga entre las que coinciden: la plataforma avisa a Olga.
    demanda_services.decision_registrar(demanda=demanda, oferta=oferta, tipo=TipoDecision.SOLICITADA, por=funcionario)
    return oferente, demanda, oferta


def _datos_dnp():
    """Un avance reportado por un oferente que espera la validación del equipo de seguimiento."""
    ministerio = factories.EntidadNacionalFactory(nombre="Ministerio de Vivienda de Prueba", sigla="MinVivP")
    oferente = factories.persona(ministerio, Rol.OFERENTE, email="oscar@minvivienda.gov.co", nombre="Óscar Ferro")
    revisora = factories.persona(factories.dnp(), Rol.SEGUIMIENTO_DNP, email="sara@dnp.gov.co", nombre="Sara Ortiz")
    hoy = timezone.localdate()
    linea = fabricas_seguimiento.linea(ministerio, responsable=oferente, inicio=hoy - timedelta(days=50),
                                       fin=hoy + timedelta(days=50), territorios=[factories.alcaldia("05001")],
                                       aprobado=True)
    hito = fabricas_seguimiento.hito(linea, nombre="Diagnóstico territorial", fecha=hoy + timedelta(days=50))
    seguimiento_services.avance_reportar(hito=hito, porcentaje=40, fecha_corte=hoy, por=oferente,
                                         narrativa="Mesa técnica con la secretaría de planeación.")
    return revisora, hito


def _datos_departamental():
    _ministerio_con_oferta()
    return factories.persona(factories.gobernacion("52"), Rol.EQUIPO_DEPARTAMENTAL, email="diana@narino.gov.co",
                             nombre="Diana Benavides")


def _datos_visitante():
    autora = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET, nombre="Autora de la práctica")
    # El resumen no dice «catastro»: solo la búsqueda en español (raíces) une «catastro» y «catastral».
    recurso_publicado(autora, titulo="Gestión catastral multipropósito en municipios pequeños",
                      tipo=TipoRecurso.BUENA_PRACTICA,
                      resumen="Actualización de la base predial rural con brigadas de la comunidad.")
    recurso_publicado(autora, titulo="Presupuesto participativo en comunas", tipo=TipoRecurso.BUENA_PRACTICA)


# --- Ayudas de formulario -----------------------------------------------------------------------
def elegir_tema(pagina, nombre: str) -> None:
    """El campo de temas: una lista de selección múltiple o (issue 15) un grupo de casillas con filtro."""
    if pagina.locator("select[name=temas]").count():
        pagina.locator("select[name=temas]").select_option(label=nombre)
    else:
        pagina.get_by_role("checkbox", name=nombre, exact=True).check()


def llenar_demanda(pagina, titulo: str) -> None:
    pagina.get_by_label("Título de la necesidad").fill(titulo)
    pagina.get_by_label("Descripción").fill("La secretaría de planeación necesita acompañamiento para formular "
                                            "el plan indicativo y su sistema de seguimiento.")
    elegir_tema(pagina, "Planeación")
    pagina.get_by_label("Origen de la necesidad").select_option("metas_pdt")


def registrar(pagina) -> None:
    pagina.get_by_role("button", name="Registrar la necesidad").click()
    pagina.wait_for_load_state()


def mensaje_de_estado(pagina) -> str:
    return pagina.locator('[role="status"]').inner_text()


# --- Los recorridos -------------------------------------------------------------------------------
def test_funcionaria_et_registra_ve_coincidencias_y_pide_una_oferta(recorrido, dispositivo):
    """La funcionaria de la alcaldía: escritorio → registrar demanda → su ficha con coincidencias →
    «Solicitar esta oferta» → la página confirma."""
    funcionaria = _datos_et()
    r = recorrido("et", dispositivo)
    p = r.pagina
    r.ingresar(funcionaria.email)
    assert p.url.endswith("/mi-escritorio/"), f"El ingreso lleva a {p.url}, no al escritorio"
    r.paso("escritorio")

    r.ir("/demanda/nueva/", "formulario")
    titulo = "Formular el plan indicativo de Medellín"
    llenar_demanda(p, titulo)
    registrar(p)
    assert p.get_by_role("heading", name=titulo, level=1).is_visible()
    r.paso("demanda")

    coincidencias = p.locator("#coincidencias")
    assert coincidencias.is_visible(), "La ficha de la demanda no tiene la sección #coincidencias"
    # La que más coincide va primero (la otra oferta del ministerio solo comparte una palabra).
    primera = coincidencias.locator("h3").first.inner_text()
    assert primera.startswith(OFERTA_PLAN), primera
    tarjeta = coincidencias.locator("li, article").filter(has_text=OFERTA_PLAN).first
    tarjeta.get_by_role("button", name=re.compile("^Solicitar esta oferta")).click()
    p.wait_for_load_state()
    assert p.get_by_role("heading", name=titulo, level=1).is_visible()
    assert f"Pidió la oferta «{OFERTA_PLAN}»" in mensaje_de_estado(p)
    tarjeta = p.locator("#coincidencias li, #coincidencias article").filter(has_text=OFERTA_PLAN).first
    assert "Usted la pidió" in tarjeta.inner_text()
    r.paso("oferta-solicitada")
    r.terminar()


def test_oferente_abre_la_alerta_y_responde(recorrido, dispositivo):
    """La oferente: escritorio → sus alertas → «Abrir» la de la demanda que pidió su oferta → una
    página que puede abrir (200) → «Aceptar y vincular» y un mensaje en la conversación."""
    oferente, demanda, oferta = _datos_oferente()
    r = recorrido("oferente", dispositivo)
    p = r.pagina
    r.ingresar(oferente.email)
    assert p.url.endswith("/mi-escritorio/"), f"El ingreso lleva a {p.url}, no al escritorio"
    r.paso("escritorio")

    p.get_by_role("banner").get_by_role("link", name=re.compile(r"^Alertas")).click()
    p.wait_for_load_state()
    r.paso("alertas")
    alerta = p.locator("li").filter(has_text=f"pidió su oferta «{oferta.nombre}»")
    assert alerta.count() == 1, p.locator("main").inner_text()
    with p.expect_navigation():
        alerta.get_by_role("button", name="Abrir").click()
    pagina_alerta = r.paso("demanda")
    assert pagina_alerta.estado == 200, f"La alerta lleva a {pagina_alerta.url} con HTTP {pagina_alerta.estado}"
    assert p.get_by_role("heading", name=demanda.titulo, level=1).is_visible()

    # Su respuesta: acepta y vincula la demanda a su oferta…
    p.locator("#coincidencias").get_by_role("button", name=re.compile("^Aceptar y vincular")).click()
    p.wait_for_load_state()
    assert "Demanda vinculada a la oferta" in mensaje_de_estado(p)
    demanda.refresh_from_db()
    assert demanda.estado == EstadoDemanda.VINCULADA and demanda.oferta_id == oferta.pk
    r.paso("vinculada")
    # … y se lo dice a la entidad en la conversación de la demanda.
    respuesta = "Podemos acompañarlos desde el próximo mes con mesas técnicas virtuales."
    p.locator("#conversacion").get_by_label("Su mensaje").fill(respuesta)
    p.locator("#conversacion").get_by_role("button", name="Enviar mensaje").click()
    p.wait_for_load_state()
    assert respuesta in p.locator("#conversacion").inner_text()
    r.paso("respuesta")
    r.terminar()


def test_dnp_revisa_desde_su_cola(recorrido, dispositivo):
    """El equipo de seguimiento del DNP: escritorio con su cola de revisión → el avance por validar →
    lo valida."""
    revisora, hito = _datos_dnp()
    r = recorrido("dnp", dispositivo)
    p = r.pagina
    r.ingresar(revisora.email)
    assert p.url.endswith("/mi-escritorio/"), f"El ingreso lleva a {p.url}, no al escritorio"
    r.paso("escritorio")

    cola = p.locator("main section").filter(has=p.get_by_role("heading", name=re.compile("Avances por validar")))
    assert cola.count() == 1, "El escritorio del DNP no muestra su cola de avances por validar"
    enlace = cola.get_by_role("link", name=re.compile(hito.nombre))
    assert enlace.count() == 1, cola.inner_text()
    enlace.click()
    p.wait_for_load_state()
    r.paso("cola")
    p.get_by_role("button", name=f"Validar avance de {hito.nombre}").click()
    p.wait_for_load_state()
    assert "Avance validado" in mensaje_de_estado(p)
    r.paso("validado")
    r.terminar()


def test_equipo_departamental_registra_para_un_municipio(recorrido, dispositivo):
    """El equipo departamental de Nariño registra una demanda para Túquerres: escribe «tuquerres»
    (sin tilde) en «Buscar municipio» dentro del selector buscable y lo elige."""
    equipo = _datos_departamental()
    r = recorrido("departamental", dispositivo)
    p = r.pagina
    r.ingresar(equipo.email)
    assert p.url.endswith("/mi-escritorio/"), f"El ingreso lleva a {p.url}, no al escritorio"
    r.paso("escritorio")

    r.ir("/demanda/nueva/", "formulario")
    selector = p.locator("[data-selector-buscable]").filter(has=p.get_by_label("Buscar municipio"))
    assert selector.count() == 1, "El formulario no tiene el selector buscable de municipios"
    lista = selector.locator("select")
    total = lista.locator("option:not([value=''])").count()
    assert total >= 64  # los 64 municipios de Nariño (y la gobernación)
    selector.get_by_label("Buscar municipio").fill("tuquerres")
    visibles = lista.locator("option:not([value='']):not([hidden])")
    expect(visibles).to_have_count(1)
    assert visibles.first.inner_text().startswith("Alcaldía de Túquerres")
    lista.select_option(label=visibles.first.inner_text())
    titulo = "Plan indicativo del municipio de Túquerres"
    llenar_demanda(p, titulo)
    registrar(p)
    assert p.get_by_role("heading", name=titulo, level=1).is_visible()
    assert "Alcaldía de Túquerres" in p.locator("main").inner_text()
    r.paso("demanda")
    r.terminar()


def test_visitante_busca_catastro_y_llega_a_las_paginas_del_pie(recorrido, dispositivo):
    """Sin cuenta: repositorio → «catastro» → la práctica «catastral» → ayuda, privacidad y
    accesibilidad desde el pie de página."""
    _datos_visitante()
    r = recorrido("visitante", dispositivo)
    p = r.pagina
    r.ir("/conocimiento/repositorio/", "repositorio")
    p.get_by_label("Palabras clave").fill("catastro")
    p.get_by_role("button", name="Buscar").click()
    p.wait_for_load_state()
    r.paso("busqueda")
    practica = p.get_by_role("link", name="Gestión catastral multipropósito en municipios pequeños")
    assert practica.count() == 1, "Buscar «catastro» no encuentra la práctica «catastral»"
    assert p.get_by_role("link", name="Presupuesto participativo en comunas").count() == 0
    practica.click()
    p.wait_for_load_state()
    assert p.get_by_role("heading", name="Gestión catastral multipropósito en municipios pequeños").is_visible()
    r.paso("practica")

    for ruta, nombre in (("/ayuda/", "ayuda"), ("/privacidad/", "privacidad"), ("/accesibilidad/", "accesibilidad")):
        enlace = p.locator(f'footer a[href="{ruta}"]')
        assert enlace.count() == 1, f"El pie de página no enlaza {ruta}"
        enlace.click()
        p.wait_for_load_state()
        assert p.url.endswith(ruta)
        assert p.locator("h1").count() == 1
        r.paso(nombre)
    r.terminar()
