"""Cruce oferta-demanda con datos conocidos: orden, explicación y exclusiones por focalización."""

import datetime

import pytest
from django.utils import timezone

from att.models import Departamento, Municipio
from demanda import selectors
from demanda.matching import filtro_focalizacion, ofertas_candidatas
from demanda.models import EstadoDemanda as E
from oferta.models import Oferta
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db


@pytest.fixture
def medellin(db):
    Municipio.objects.filter(codigo="05001").update(categoria="E", grupo_mdm="C", pdet=False, zomac=False)
    return factories.alcaldia("05001")


@pytest.fixture
def demanda(medellin, funcionario_medellin):
    return fabricas.demanda(medellin, funcionario_medellin, temas=["planeacion"], etapa="planeacion",
                            capacidad="planeacion", modalidad="asesoria", canal="virtual", titulo="Planeacion",
                            descripcion="necesitamos acompañamiento en planeacion")


def test_la_oferta_que_cubre_departamento_tema_y_etapa_va_primero(demanda, entidad_oferente, funcionario_medellin):
    otra = factories.EntidadNacionalFactory()
    abierta = fabricas.oferta(otra, temas=["planeacion"], etapas=["ejecucion"], modalidades=["capacitacion"],
                              canal="presencial", nombre="Abierta a todas")
    mejor = fabricas.oferta(entidad_oferente, temas=["planeacion"], etapas=["planeacion"], capacidades=["planeacion"],
                            modalidades=["asesoria"], canal="virtual", departamentos=[Departamento.objects.get(codigo="05")],
                            nombre="Planeación para Antioquia")
    subtema = fabricas.oferta(otra, temas=["plan-indicativo"], nombre="Plan indicativo")
    llena = fabricas.oferta(otra, temas=["planeacion"], etapas=["planeacion"], capacidades=["planeacion"], cupos=1,
                            nombre="Sin cupos")
    fabricas.demanda(factories.alcaldia("05002"), funcionario_medellin, estado=E.VINCULADA, oferta=llena)
    irrelevante = fabricas.oferta(otra, temas=["vivienda"])

    candidatas = ofertas_candidatas(demanda)
    nombres = [o.nombre for o in candidatas]
    assert nombres[0] == "Planeación para Antioquia"
    assert irrelevante.nombre not in nombres
    assert set(nombres) == {mejor.nombre, abierta.nombre, subtema.nombre, llena.nombre}
    primera = candidatas[0]
    assert primera.puntaje == 98  # 100 solo con la entidad en la lista explícita
    assert primera.explicacion == [
        "Texto: coinciden «planeacion».",
        "Tema: coincide en «Planeación». Comparte el descriptor «Gestión pública territorial».",
        "Capacidad: fortalece «Planeación», la que pide la entidad.",
        "Cobertura: focaliza el departamento de Antioquia, donde está la entidad.",
        "Etapa del ciclo: es útil en «Planeación», la etapa en que está la entidad.",
        "Modalidad y canal: ofrece la modalidad «Asesoría»; canal «Virtual» como se prefiere.",
        "Cupos: sin límite.",
    ]
    por_nombre = {o.nombre: o for o in candidatas}
    assert "Tema: relacionado (tema padre o subtema) «Plan indicativo»." in por_nombre["Plan indicativo"].explicacion[1]
    assert "Cobertura: abierta a todas las entidades territoriales de su tipo." in por_nombre["Abierta a todas"].explicacion
    assert "Etapa del ciclo: no está pensada para «Planeación»." in por_nombre["Abierta a todas"].explicacion
    assert "Cupos: agotados (1 de 1 ocupados)." in por_nombre["Sin cupos"].explicacion
    assert nombres.index("Sin cupos") > nombres.index("Abierta a todas")
    assert all(len(o.explicacion) == 7 for o in candidatas)


@pytest.mark.parametrize("focalizacion", [
    {"departamentos": "76"},
    {"dirigida_a_alcaldias": False},
    {"solo_pdet": True},
    {"solo_zomac": True},
    {"focaliza_grupos_mdm": ["G5"]},
    {"focaliza_categorias": ["6"]},
    {"entidades": "76001"},
    {"estado": "borrador"},
    {"vigencia_hasta": datetime.date(2026, 1, 2)},
])
def test_oferta_que_excluye_a_la_entidad_no_se_propone(demanda, entidad_oferente, focalizacion, settings):
    extra = dict(focalizacion)
    if "departamentos" in extra:
        extra["departamentos"] = [Departamento.objects.get(codigo=extra["departamentos"])]
    if "entidades" in extra:
        extra["entidades"] = [factories.alcaldia(extra["entidades"])]
    if "vigencia_hasta" in extra:
        extra["vigencia_desde"] = datetime.date(2026, 1, 1)
    excluida = fabricas.oferta(entidad_oferente, temas=["planeacion"], **extra)
    incluida = fabricas.oferta(entidad_oferente, temas=["planeacion"])
    ids = [o.pk for o in ofertas_candidatas(demanda)]
    assert incluida.pk in ids and excluida.pk not in ids


def test_focalizacion_que_incluye_a_la_entidad(medellin, entidad_oferente):
    o = fabricas.oferta(entidad_oferente, focaliza_grupos_mdm=["C", "G1"], focaliza_categorias=["E"],
                        entidades=[medellin], departamentos=[Departamento.objects.get(codigo="05")])
    assert Oferta.objects.filter(filtro_focalizacion(medellin), pk=o.pk).exists()
    gob = factories.gobernacion("05")
    # Criterios municipales (categoría, grupo MDM) no los cumple una gobernación.
    assert not Oferta.objects.filter(filtro_focalizacion(gob), pk=o.pk).exists()
    abierta = fabricas.oferta(entidad_oferente)
    assert Oferta.objects.filter(filtro_focalizacion(gob), pk=abierta.pk).exists()
    solo_alcaldias = fabricas.oferta(entidad_oferente, dirigida_a_gobernaciones=False)
    assert not Oferta.objects.filter(filtro_focalizacion(gob), pk=solo_alcaldias.pk).exists()
    assert not Oferta.objects.filter(filtro_focalizacion(factories.dnp())).exists()


def test_lista_explicita_puntua_mas_que_abierta(demanda, medellin, entidad_oferente):
    abierta = fabricas.oferta(entidad_oferente, temas=["planeacion"], nombre="Abierta")
    dirigida = fabricas.oferta(entidad_oferente, temas=["planeacion"], entidades=[medellin], nombre="Para Medellín")
    candidatas = ofertas_candidatas(demanda)
    assert [o.pk for o in candidatas] == [dirigida.pk, abierta.pk]
    assert "Cobertura: la oferta incluye expresamente a Alcaldía de Medellín (Antioquia)." in candidatas[0].explicacion


@pytest.mark.parametrize("ofertas", [3, 40])
def test_consultas_del_cruce_no_crecen_con_las_ofertas(demanda, entidad_oferente, ofertas, django_assert_max_num_queries):
    for _ in range(ofertas):
        fabricas.oferta(entidad_oferente, temas=["planeacion"], cupos=5)
    # Entidad, temas y descriptores (UNION ALL), palabras de la demanda (ts_debug), decisiones sobre
    # demandas parecidas (agregadas), orden (con cobertura y cupos ocupados) y ofertas elegidas (con las
    # copias de sus facetas): no depende de cuántas ofertas haya.
    with django_assert_max_num_queries(6):
        assert len(ofertas_candidatas(demanda, limite=20)) == min(ofertas, 20)


def test_vigencia_en_el_limite_del_dia(demanda, entidad_oferente):
    """Límite: la oferta vigente hasta hoy (o desde hoy) se propone hoy; la que terminó ayer, no."""
    hoy = timezone.localdate()
    ayer, hace_un_mes = hoy - datetime.timedelta(days=1), hoy - datetime.timedelta(days=30)
    termina_hoy = fabricas.oferta(entidad_oferente, vigencia_desde=hace_un_mes, vigencia_hasta=hoy)
    empieza_hoy = fabricas.oferta(entidad_oferente, vigencia_desde=hoy, vigencia_hasta=hoy)
    termino_ayer = fabricas.oferta(entidad_oferente, vigencia_desde=hace_un_mes, vigencia_hasta=ayer)
    ids = {o.pk for o in ofertas_candidatas(demanda)}
    assert ids == {termina_hoy.pk, empieza_hoy.pk}
    assert termino_ayer.pk not in ids


def test_brecha_cuenta_como_cubierta_la_oferta_que_termina_hoy(demanda, entidad_oferente):
    hoy = timezone.localdate()
    oferta = fabricas.oferta(entidad_oferente, vigencia_desde=hoy - datetime.timedelta(days=30),
                             vigencia_hasta=hoy - datetime.timedelta(days=1))
    assert [t["tema__codigo"] for t in selectors.brechas()["por_tema"]] == ["planeacion"]  # terminó ayer
    Oferta.objects.filter(pk=oferta.pk).update(vigencia_hasta=hoy)
    brechas = selectors.brechas()
    assert (brechas["por_tema"], brechas["por_departamento"], brechas["total"]) == ([], [], 0)  # vigente hasta hoy
    assert brechas["serie"]["registradas"] == [0] * 12  # y la serie mensual de brechas tampoco la cuenta
