"""Revisión del cruce: la brecha sigue a la mejor oferta (archivada, vencida, nueva por texto), las
demandas de solo palabras de trámite, demandas que no se pueden cruzar y la remisión como decisión."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from att.models import Notificacion
from demanda import matching, selectors, services
from demanda.matching import UMBRAL_BRECHA, ofertas_candidatas
from demanda.models import DecisionCruce, Demanda, TipoDecision
from oferta import services as oferta_services
from oferta.models import Oferta
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db

PLAN = {"nombre": "Formulación del plan indicativo"}


def _cruzada(por, **extra):
    d = fabricas.demanda(factories.alcaldia("05001"), por, titulo="Apoyo para el plan indicativo",
                         descripcion="Necesitamos apoyo", **extra)
    services.alertar_oferentes(demanda=d, nueva=True)
    d.refresh_from_db()
    return d


def _en_brecha(d) -> bool:
    return selectors.demandas_en_brecha().filter(pk=d.pk).exists()


def test_archivar_la_mejor_oferta_vuelve_brecha_y_recruza(funcionario_medellin, admin_dnp, entidad_oferente,
                                                          django_capture_on_commit_callbacks):
    oferta = fabricas.oferta(entidad_oferente, **PLAN)
    d = _cruzada(funcionario_medellin)
    assert d.oferta_cruce_id == oferta.pk and d.relevancia_cruce >= UMBRAL_BRECHA and not _en_brecha(d)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        oferta_services.oferta_archivar(oferta=oferta, por=admin_dnp, motivo="Terminó el programa")
    assert _en_brecha(d)  # antes de recruzar: su mejor oferta ya no está publicada
    for callback in callbacks:
        callback()
    d.refresh_from_db()
    assert (d.relevancia_cruce, d.oferta_cruce_id) == (0.0, None) and _en_brecha(d)


def test_la_mejor_oferta_vencida_vuelve_brecha(funcionario_medellin, entidad_oferente):
    hoy = timezone.localdate()
    oferta = fabricas.oferta(entidad_oferente, vigencia_hasta=hoy, **PLAN)
    d = _cruzada(funcionario_medellin)
    assert not _en_brecha(d)  # vigente hasta hoy
    Oferta.objects.filter(pk=oferta.pk).update(vigencia_hasta=hoy - datetime.timedelta(days=1))
    assert _en_brecha(d)


def test_la_oferta_nueva_que_coincide_solo_por_texto_recruza_la_brecha(funcionario_medellin, entidad_oferente):
    d = _cruzada(funcionario_medellin, temas=["centros-reclusion"])
    assert d.relevancia_cruce == 0 and _en_brecha(d)
    nueva = fabricas.oferta(entidad_oferente, temas=["vivienda"], **PLAN)  # ningún tema en común
    assert services.recruzar_brechas(oferta_id=nueva.pk) == 1
    d.refresh_from_db()
    assert d.oferta_cruce_id == nueva.pk and d.relevancia_cruce >= UMBRAL_BRECHA and not _en_brecha(d)


def test_recruzar_demandas_cruza_por_lotes_las_que_nunca_se_cruzaron(funcionario_medellin, entidad_oferente):
    oferta = fabricas.oferta(entidad_oferente, **PLAN)
    demandas = [fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, titulo="plan indicativo")
                for _ in range(3)]
    cerrada = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, titulo="plan indicativo",
                               estado="cerrada")
    call_command("recruzar_demandas", "--lote", "2", stdout=io.StringIO())
    assert set(Demanda.objects.filter(pk__in=[x.pk for x in demandas]).values_list("oferta_cruce_id", flat=True)) == {
        oferta.pk}
    cerrada.refresh_from_db()
    assert cerrada.relevancia_cruce is None  # solo las abiertas
    assert services.recruzar_lote(desde=0, lote=2) == (0, None)  # repetirlo no vuelve a cruzar


def test_demanda_de_solo_palabras_de_tramite_en_un_tema_exacto_alerta_al_oferente(
        funcionario_medellin, oferente, admin_dnp, entidad_oferente):
    fabricas.oferta(entidad_oferente, temas=["planeacion"], **PLAN)
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, titulo="Necesitamos apoyo urgente",
                         descripcion="Necesitamos asesoría técnica de la secretaría, por favor.")
    assert matching.huella(d)[1] == []  # ninguna palabra útil
    services.alertar_oferentes(demanda=d, nueva=True)
    assert Notificacion.objects.get(usuario=oferente).categoria == "demanda_coincide"
    assert not Notificacion.objects.filter(usuario=admin_dnp).exists()
    assert not _en_brecha(d)


def test_demanda_sin_temas_con_palabras_no_falla(funcionario_medellin, entidad_oferente):
    oferta = fabricas.oferta(entidad_oferente, **PLAN)
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, temas=[], titulo="plan indicativo")
    assert [o.pk for o in ofertas_candidatas(d)] == [oferta.pk]


def test_demanda_de_una_entidad_no_territorial_no_tiene_candidatas(funcionario_medellin, entidad_oferente):
    fabricas.oferta(entidad_oferente, **PLAN)
    d = fabricas.demanda(entidad_oferente, funcionario_medellin, titulo="plan indicativo")
    assert ofertas_candidatas(d) == []


def test_sin_condicion_de_busqueda_posible_no_hay_candidatas(funcionario_medellin, entidad_oferente):
    fabricas.oferta(entidad_oferente, **PLAN)
    d = fabricas.demanda(factories.alcaldia("05001"), funcionario_medellin, temas=[], titulo="plan indicativo")
    contexto = matching._Contexto(d)
    contexto.distintivos, contexto.descriptores = [], {1: "x"}  # palabras muy frecuentes, solo descriptores
    assert matching.consulta_candidatas(d, contexto=contexto) == []


def test_remitir_guarda_la_decision_sobre_la_oferta_propuesta(funcionario_medellin, admin_dnp, entidad_oferente,
                                                              otro_oferente):
    oferta = fabricas.oferta(entidad_oferente, **PLAN)
    d = _cruzada(funcionario_medellin)
    otra = otro_oferente.membresias.get().entidad
    services.demanda_remitir(demanda=d, por=admin_dnp, entidad_competente=otra, motivo="Lo atiende otra entidad")
    decision = DecisionCruce.objects.get(demanda=d)
    assert (decision.oferta_id, decision.tipo, decision.por) == (oferta.pk, TipoDecision.REMITIDA, admin_dnp)


def test_remitir_a_la_entidad_de_la_oferta_propuesta_no_la_descarta(funcionario_medellin, admin_dnp,
                                                                    entidad_oferente):
    fabricas.oferta(entidad_oferente, **PLAN)
    d = _cruzada(funcionario_medellin)
    services.demanda_remitir(demanda=d, por=admin_dnp, entidad_competente=entidad_oferente)
    assert not DecisionCruce.objects.filter(demanda=d).exists()
