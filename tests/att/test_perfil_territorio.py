"""Perfil de la entidad territorial `/territorio/<DIVIPOLA>/`: quién ve qué, consultas planas, redirecciones
de las páginas que absorbió y el informe de empalme."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agenda.models import Compromiso, EstadoCompromiso, LineaPlan, MesaDeTrabajo
from att import empalme, perfil
from att.models import EstadoEmpalme, InformeEmpalme, Modalidad, Salida
from conocimiento.models import Recurso
from demanda.models import Demanda
from oferta.models import Oferta
from seguimiento.models import Asesoria, EstadoLineaEntidad
from tests import factories
from tests.agenda import fabricas as fa

pytestmark = pytest.mark.django_db

URL = "/territorio/05001/"
PRIVADO = "Necesidad privada de Medellín"
PUBLICO = "Oferta publicada para todo el país"
SECCIONES_PRIVADAS = ("demandas", "agenda", "seguimiento", "memoria")


@pytest.fixture
def medellin():
    return factories.alcaldia("05001")


@pytest.fixture
def datos(medellin, entidad_oferente):
    persona = factories.persona(medellin)
    Demanda.objects.create(entidad=medellin, registrada_por=persona, titulo=PRIVADO, descripcion="d",
                           fuente="diagnostico_propio")
    fa.oferta(entidad_oferente, nombre=PUBLICO)
    return persona


def _secciones(html):
    return {s.clave for s in perfil.secciones() if f'id="t-{s.clave}"' in html}


@pytest.mark.parametrize("quien", ["seguimiento_dnp", "funcionario_medellin", "equipo_antioquia", "auditor"])
def test_quien_ve_todo_el_perfil(client, request, datos, quien):
    client.force_login(request.getfixturevalue(quien))
    r = client.get(URL)
    assert r.status_code == 200
    html = r.content.decode()
    assert PRIVADO in html and PUBLICO in html
    assert set(SECCIONES_PRIVADAS) | {"oferta", "estadisticas"} <= _secciones(html)
    assert 'id="empalme"' in html
    for clave in SECCIONES_PRIVADAS:
        assert client.get(f"{URL}seccion/{clave}/").status_code == 200


def test_funcionario_de_otro_municipio_ve_la_parte_publica_y_404_en_lo_privado(client, datos, funcionario_cali):
    client.force_login(funcionario_cali)
    r = client.get(URL)
    assert r.status_code == 200
    html = r.content.decode()
    assert PUBLICO in html and PRIVADO not in html
    assert _secciones(html) == {"oferta", "estadisticas"}
    assert 'id="empalme"' not in html
    for clave in SECCIONES_PRIVADAS:
        assert client.get(f"{URL}seccion/{clave}/").status_code == 404
    assert client.get(f"{URL}seccion/oferta/").status_code == 200
    for formato in ("pdf", "xlsx"):
        assert client.get(f"{URL}empalme/{formato}/").status_code == 404
    assert client.post(f"{URL}empalme/").status_code == 404
    assert not InformeEmpalme.objects.exists()


def test_anonimo_ve_la_parte_publica(client, datos):
    r = client.get(URL)
    assert r.status_code == 200
    html = r.content.decode()
    assert PUBLICO in html and PRIVADO not in html
    assert _secciones(html) == {"oferta", "estadisticas"}
    assert "Medellín" in html and "PDET" in html  # identidad y focalización
    assert client.get(f"{URL}seccion/demandas/").status_code == 404
    assert client.get(f"{URL}empalme/pdf/").status_code == 404


def test_las_ofertas_que_la_alcanzan_se_cuentan_hasta_un_tope(client, medellin, entidad_oferente, monkeypatch):
    """La sección pública no cuenta todas las ofertas que alcanzan a la ET (miles en una gobernación): cuenta hasta
    `TOPE_CONTEO` en la misma consulta y, si hay más, dice «más de N»."""
    from oferta import perfil as perfil_oferta

    for i in range(3):
        fa.oferta(entidad_oferente, nombre=f"Oferta pública {i}")
    titulo = "Ofertas publicadas y vigentes que la alcanzan"
    monkeypatch.setattr(perfil_oferta, "TOPE_CONTEO", 5)
    html = client.get(URL).content.decode()
    assert f'{titulo} <span class="etiqueta">3</span>' in html
    monkeypatch.setattr(perfil_oferta, "TOPE_CONTEO", 2)
    with CaptureQueriesContext(connection) as consultas:
        html = client.get(URL).content.decode()
    assert f'{titulo} <span class="etiqueta">más de 2</span>' in html
    assert html.count("Oferta pública ") == 3  # las filas no se recortan al tope del conteo
    assert sum("oferta_oferta" in q["sql"] for q in consultas.captured_queries) == 1


def test_gobernacion_por_dos_digitos_y_codigos_malos(client, equipo_antioquia):
    client.force_login(equipo_antioquia)
    assert client.get("/territorio/05/").status_code == 200
    for codigo in ("123", "0500", "abcde", "99999"):
        assert client.get(f"/territorio/{codigo}/").status_code == 404


def test_paginas_absorbidas_redirigen_al_perfil(client, funcionario_medellin, medellin):
    client.force_login(funcionario_medellin)
    r = client.get(f"/agenda/territorio/{medellin.pk}/")
    assert (r.status_code, r["Location"]) == (302, "/territorio/05001/#agenda")
    r = client.get(f"/conocimiento/memoria/{medellin.pk}/")
    assert (r.status_code, r["Location"]) == (302, "/territorio/05001/#memoria")
    assert client.get(f"/agenda/territorio/{factories.dnp().pk}/").status_code == 404


def _sembrar(n, medellin, oferente, persona):
    """n registros de cada clase que muestra el perfil, todos de Medellín."""
    plan = fa.plan(oferente, vigencia=2025, estado="aprobado")
    oferta = fa.oferta(oferente)
    responsable = factories.UsuarioFactory()
    Oferta.objects.bulk_create([Oferta(
        entidad=oferente, nombre=f"Oferta {n}-{i}", necesidad="N", descripcion="D", canal=oferta.canal,
        contacto_nombre="C", contacto_email="c@x.gov.co", vigencia_desde=datetime.date(2023, 1, 1),
        estado="publicada", publicada_en=timezone.now()) for i in range(n)])
    Demanda.objects.bulk_create([Demanda(entidad=medellin, registrada_por=persona, titulo=f"Necesidad {n}-{i}",
                                         descripcion="d", fuente="diagnostico_propio", oferta_cruce=oferta,
                                         calificacion=(i % 5) + 1) for i in range(n)])
    lineas = LineaPlan.objects.bulk_create([LineaPlan(
        plan=plan, oferta=oferta, objetivo=f"Objetivo {i}", etapa=fa.etapa(), fecha_inicio=datetime.date(2025, 3, 1),
        fecha_fin=datetime.date(2025, 6, 30), responsable=responsable) for i in range(n)])
    LineaPlan.territorios.through.objects.bulk_create(
        [LineaPlan.territorios.through(lineaplan_id=ln.pk, entidad_id=medellin.pk) for ln in lineas])
    EstadoLineaEntidad.objects.bulk_create([EstadoLineaEntidad(
        linea=ln, entidad=medellin, plan=plan, agenda_id=plan.agenda_id, oferente=oferente, responsable=responsable,
        oferta=oferta, peso=1) for ln in lineas])
    pc = fa.concertado(medellin, [oferente])
    mesa = MesaDeTrabajo.objects.create(plan=pc, fecha=timezone.now(), participantes="P", lugar="Alcaldía", registrada_por=persona)
    Compromiso.objects.bulk_create([Compromiso(plan=pc, mesa=mesa, descripcion=f"Compromiso {i}", responsable=persona,
                                               fecha_limite=datetime.date(2025, 12, 1)) for i in range(n)])
    Recurso.objects.bulk_create([Recurso(tipo="buena_practica", titulo=f"Práctica {n}-{i}", resumen="r",
                                         propuesto_por=persona, entidad=medellin, estado="publicado",
                                         publicado_en=timezone.now()) for i in range(n)])
    Asesoria.objects.bulk_create([Asesoria(
        entidad=medellin, oferente=oferente, fecha=datetime.date(2025, 5, 1), modalidad=Modalidad.objects.first(),
        canal=oferta.canal, registrado_por=persona) for _ in range(n)])


@pytest.mark.parametrize("quien", ["funcionario_medellin", None])
def test_consultas_planas_de_10_a_1000_registros(client, request, medellin, entidad_oferente, quien):
    persona = factories.persona(medellin)
    if quien:
        client.force_login(request.getfixturevalue(quien))
    conteos = []
    for n in (10, 990):
        _sembrar(n, medellin, entidad_oferente, persona)
        with CaptureQueriesContext(connection) as consultas:
            r = client.get(URL)
        assert r.status_code == 200
        conteos.append(len(consultas))
    assert Demanda.objects.filter(entidad=medellin).count() == 1000
    assert conteos[0] == conteos[1], conteos
    # Fijado: con sesión, la sesión, el usuario, las secciones (una a tres consultas cada una) y el informe.
    assert conteos[0] <= (40 if quien else 10), conteos


# --- Informe de empalme ------------------------------------------------------------------------------
def test_el_empalme_lista_un_compromiso_del_periodo_anterior_que_sigue_abierto(medellin, entidad_oferente):
    from openpyxl import load_workbook

    persona = factories.persona(medellin)
    pc = fa.concertado(medellin, [entidad_oferente], vigencia=2023)  # gobierno 2020–2023
    mesa = MesaDeTrabajo.objects.create(plan=pc, fecha=timezone.now(), participantes="P", lugar="Alcaldía", registrada_por=persona)
    Compromiso.objects.create(plan=pc, mesa=mesa, descripcion="Entregar el catastro actualizado", responsable=persona,
                              fecha_limite=datetime.date(2023, 11, 30), estado=EstadoCompromiso.EN_CURSO)
    Compromiso.objects.create(plan=pc, mesa=mesa, descripcion="Compromiso ya cumplido", responsable=persona,
                              fecha_limite=datetime.date(2023, 6, 30), estado=EstadoCompromiso.CUMPLIDO,
                              cerrado_en=datetime.date(2023, 6, 1))
    informe = empalme.generar(medellin.pk)
    assert (informe.estado, informe.version, informe.omitido) == (EstadoEmpalme.LISTO, 1, False)
    libro = load_workbook(io.BytesIO(informe.xlsx.read()), read_only=True)
    hoja = libro["Compromisos aún abiertos"]
    filas = [fila for fila in hoja.iter_rows(values_only=True) if "Entregar el catastro actualizado" in fila]
    assert len(filas) == 1
    assert filas[0][0] == "2020–2023" and "En curso" in filas[0]  # el periodo anterior, aún abierto
    textos = [c for fila in hoja.iter_rows(values_only=True) for c in fila if c]
    assert "Compromiso ya cumplido" not in textos
    assert informe.pdf.read().startswith(b"%PDF")


def test_el_empalme_es_idempotente(client, funcionario_medellin, medellin):
    client.force_login(funcionario_medellin)
    assert client.post(f"{URL}empalme/").status_code == 302
    assert client.post(f"{URL}empalme/").status_code == 302  # doble clic: sigue en cola, no otro pedido
    assert Salida.objects.filter(tarea="att.generar_empalme").count() == 1
    informe = InformeEmpalme.objects.get(entidad=medellin)
    assert informe.estado == EstadoEmpalme.PEDIDO
    pedido = informe.pedido_en
    primero = empalme.generar(medellin.pk, solicitado_en=pedido)
    repetido = empalme.generar(medellin.pk, solicitado_en=pedido)  # la tarea reentregada
    assert (primero.version, primero.omitido, repetido.version, repetido.omitido) == (1, False, 1, True)
    contenidos = {}
    for formato, inicio in (("pdf", b"%PDF"), ("xlsx", b"PK")):
        r = client.get(f"{URL}empalme/{formato}/")
        assert r.status_code == 200
        assert f"empalme-05001-v1.{formato}" in r["Content-Disposition"]
        contenidos[formato] = b"".join(r.streaming_content)
        assert contenidos[formato].startswith(inicio)
    assert "Versión 1" in client.get(URL).content.decode()
    # El PDF dice en qué XLSX están todas las filas, con el nombre con que se descarga.
    from tests.lectura_pdf import textos

    texto = " ".join(" ".join(textos(contenidos["pdf"])).split())
    assert "todas las filas de cada tabla, están en el XLSX «empalme-05001-v1.xlsx»" in texto


def test_el_pdf_de_empalme_resume_y_dice_en_que_hoja_estan_todas(medellin):
    from tests.lectura_pdf import textos

    filas = [[f"Fila {i}", i] for i in range(empalme.FILAS_PDF + 20)]
    pdf = empalme.generar_pdf(medellin, [("Asistencia recibida", ["Nombre", "Valor"], filas)],
                              xlsx="empalme-05001-v3.xlsx")
    texto = " ".join(" ".join(textos(pdf)).split())
    t = len(filas)
    assert (f"Se muestran las primeras {empalme.FILAS_PDF} de {t} filas; las {t} están en la hoja «Asistencia recibida» "
            "del XLSX «empalme-05001-v3.xlsx».") in texto


def test_el_auditor_descarga_pero_no_pide(client, auditor, medellin):
    client.force_login(auditor)
    assert client.post(f"{URL}empalme/").status_code == 403
    assert "Generar el informe de empalme" not in client.get(URL).content.decode()


# --- Filtro por periodo de gobierno en la página propia de las secciones «agenda» y «seguimiento» ------------
def test_ver_todo_filtra_lineas_y_avances_por_periodo(client, seguimiento_dnp, medellin, entidad_oferente):
    responsable = factories.UsuarioFactory()
    oferta_vieja, oferta_nueva = fa.oferta(entidad_oferente, nombre="Oferta de 2023"), fa.oferta(
        entidad_oferente, nombre="Oferta de 2025")
    for vigencia, oferta in ((2023, oferta_vieja), (2025, oferta_nueva)):
        plan = fa.plan(entidad_oferente, vigencia=vigencia, estado="aprobado")
        ln = fa.linea(plan, territorios=[medellin], oferta_=oferta, objetivo=f"Objetivo de la vigencia {vigencia}",
                      responsable=responsable)
        EstadoLineaEntidad.objects.create(linea=ln, entidad=medellin, plan=plan, agenda_id=plan.agenda_id,
                                          oferente=entidad_oferente, responsable=responsable, oferta=oferta, peso=1)
    client.force_login(seguimiento_dnp)
    html = client.get(URL).content.decode()
    assert f'href="{URL}seccion/agenda/"' in html and f'href="{URL}seccion/seguimiento/"' in html  # «ver todo»
    base = f"{URL}seccion/agenda/"
    todo = client.get(base).content.decode()
    assert "Objetivo de la vigencia 2023" in todo and "Objetivo de la vigencia 2025" in todo
    r = client.get(base, {"periodo": "2024-2027"})
    html = r.content.decode()
    assert r.status_code == 200 and '<option value="2024-2027" selected>' in html
    assert "Objetivo de la vigencia 2025" in html
    assert "Objetivo de la vigencia 2023" not in html
    assert "Objetivo de la vigencia 2023" in client.get(base, {"periodo": "2020-2023"}).content.decode()
    avance = client.get(f"{URL}seccion/seguimiento/", {"periodo": "2024-2027"}).content.decode()
    assert "Oferta de 2025" in avance and "Oferta de 2023" not in avance
    assert "Oferta de 2023" in client.get(f"{URL}seccion/seguimiento/").content.decode()
