"""El cruce lee la demanda: título y descripción contra el vector de búsqueda de la oferta."""

import datetime

import pytest

from att.models import Departamento
from demanda.matching import UMBRAL_BRECHA, es_brecha, ofertas_candidatas
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db


def _hacienda(entidad):
    """Vecinas del mismo tema («Hacienda y finanzas territoriales»), publicadas en fechas distintas."""
    catastro = fabricas.oferta(
        entidad, temas=["hacienda-finanzas"], nombre="Gestión catastral multipropósito",
        necesidad="Avalúos catastrales desactualizados.", descripcion="Actualización catastral y conservación predial.",
        publicada_en=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
    )
    estatuto = fabricas.oferta(
        entidad, temas=["hacienda-finanzas"], nombre="Actualización del estatuto tributario municipal",
        necesidad="Estatutos de rentas desactualizados.",
        descripcion="Impuesto de industria y comercio, sobretasas, estampillas y régimen sancionatorio.",
        publicada_en=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    return catastro, estatuto


def test_tema_amplio_con_la_sustancia_en_la_descripcion(funcionario_medellin, entidad_oferente):
    """La demanda marcó «Fortalecimiento institucional» (amplio); su descripción habla del estatuto
    tributario: la oferta del estatuto va primero aunque no comparta el tema marcado."""
    catastro, estatuto = _hacienda(entidad_oferente)
    amplia = fabricas.oferta(entidad_oferente, temas=["fortalecimiento-institucional"], nombre="Rediseño institucional",
                             descripcion="Planta de personal y manual de funciones.")
    demanda = fabricas.demanda(
        factories.alcaldia("05001"), funcionario_medellin, temas=["fortalecimiento-institucional"],
        titulo="fortalecer hacienda", descripcion="toca actualizar el estatuto tributario, lo de industria y comercio",
    )
    candidatas = ofertas_candidatas(demanda)
    assert [o.pk for o in candidatas][:1] == [estatuto.pk]
    por_pk = {o.pk: o for o in candidatas}
    assert por_pk[catastro.pk].relevancia < por_pk[estatuto.pk].relevancia  # solo «hacienda» y «actualizar»
    assert amplia.pk in [o.pk for o in candidatas]  # comparte el tema: candidata, pero detrás
    assert "Texto: coinciden «hacienda», «estatuto tributario», «industria y comercio»." in candidatas[0].explicacion
    assert candidatas[0].relevancia >= UMBRAL_BRECHA


def test_empate_lo_decide_el_texto_no_la_fecha(funcionario_medellin, entidad_oferente):
    """Mismo tema, misma estructura, misma cobertura: la más nueva (catastro) no gana por fecha; gana la
    que contiene las palabras de la demanda."""
    catastro, estatuto = _hacienda(entidad_oferente)
    demanda = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, temas=["hacienda-finanzas"],
                               titulo="rentas", descripcion="las estampillas y las sobretasas")
    candidatas = ofertas_candidatas(demanda)
    assert [o.pk for o in candidatas] == [estatuto.pk, catastro.pk]
    assert candidatas[0].publicada_en < candidatas[1].publicada_en
    assert candidatas[0].puntaje > candidatas[1].puntaje


def test_sin_oferta_que_la_atienda_es_brecha_aunque_compartan_tema(funcionario_medellin, entidad_oferente):
    catastro, estatuto = _hacienda(entidad_oferente)
    demanda = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, temas=["hacienda-finanzas"],
                               titulo="bomberos", descripcion="la sobretasa bomberil no alcanza para la maquina de bomberos")
    candidatas = ofertas_candidatas(demanda)
    assert {o.pk for o in candidatas} == {catastro.pk, estatuto.pk}  # comparten el tema: son candidatas
    assert all(o.relevancia < UMBRAL_BRECHA for o in candidatas)
    assert es_brecha(candidatas)
    # La misma demanda, con la palabra que sí está en la oferta, deja de ser brecha.
    otra = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, temas=["hacienda-finanzas"],
                            titulo="sobretasas", descripcion="actualizar las sobretasas y estampillas")
    assert not es_brecha(ofertas_candidatas(otra))


def test_la_focalizacion_excluye_aunque_el_texto_coincida(funcionario_medellin, entidad_oferente):
    """La oferta que repite cada palabra de la demanda pero focaliza otro departamento no se propone."""
    texto = {"nombre": "Reparación colectiva", "descripcion": "Plan integral de reparación colectiva."}
    fuera = fabricas.oferta(entidad_oferente, temas=["victimas"], departamentos=[Departamento.objects.get(codigo="52")],
                            **texto)
    solo_gob = fabricas.oferta(entidad_oferente, temas=["victimas"], dirigida_a_alcaldias=False, **texto)
    dentro = fabricas.oferta(entidad_oferente, temas=["victimas"], nombre="Plan de acción territorial de víctimas")
    demanda = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, temas=["otros"],
                               titulo="reparacion colectiva", descripcion="plan integral de reparacion colectiva")
    ids = [o.pk for o in ofertas_candidatas(demanda)]
    assert fuera.pk not in ids and solo_gob.pk not in ids
    assert ids == [dentro.pk]  # entra solo por el texto («plan»)


def test_el_informe_de_brechas_usa_el_umbral_y_se_recruza_al_publicar(funcionario_medellin, entidad_oferente):
    from demanda import selectors, services

    _hacienda(entidad_oferente)
    demanda = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, temas=["hacienda-finanzas"],
                               titulo="bomberos", descripcion="la sobretasa bomberil no alcanza para la maquina de bomberos")
    assert not selectors.demandas_en_brecha().filter(pk=demanda.pk).exists()  # sin cruzar: su tema tiene oferta
    services.alertar_oferentes(demanda=demanda, nueva=True)
    demanda.refresh_from_db()
    assert 0 < demanda.relevancia_cruce < UMBRAL_BRECHA  # «sobretasa» sí está en el estatuto
    assert selectors.demandas_en_brecha().filter(pk=demanda.pk).exists()
    assert [t["tema__codigo"] for t in selectors.brechas()["por_tema"]] == ["hacienda-finanzas"]
    nueva = fabricas.oferta(entidad_oferente, temas=["gestion-riesgo", "hacienda-finanzas"],
                            nombre="Dotación de bomberos", descripcion="Sobretasa bomberil y máquinas de bomberos.")
    assert services.recruzar_brechas(oferta_id=nueva.pk) == 1
    demanda.refresh_from_db()
    assert demanda.relevancia_cruce >= UMBRAL_BRECHA
    assert not selectors.demandas_en_brecha().filter(pk=demanda.pk).exists()
    assert services.recruzar_brechas(oferta_id=nueva.pk) == 0  # ya no es brecha: nada que recruzar
