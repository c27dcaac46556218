"""Decisiones sobre ofertas propuestas: un modelo, un servicio; el cruce aprende de ellas."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from demanda import selectors, services
from demanda.matching import ofertas_candidatas
from demanda.models import DecisionCruce, TipoDecision
from oferta.models import EstadoOferta
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db


def _gemelas(entidad):
    """Dos ofertas del mismo tema que la demanda atiende igual de bien (mismas palabras)."""
    texto = {"descripcion": "Proyección de ingresos y plan financiero del marco fiscal de mediano plazo."}
    a = fabricas.oferta(entidad, temas=["hacienda-finanzas"], nombre="Marco fiscal A", **texto)
    b = fabricas.oferta(entidad, temas=["hacienda-finanzas"], nombre="Marco fiscal B", **texto)
    return a, b


def _demanda(por, titulo="marco fiscal"):
    return fabricas.demanda(factories.alcaldia("05001"), por, temas=["hacienda-finanzas"], titulo=titulo,
                            descripcion="no sabemos hacer el plan financiero del marco fiscal")


def test_vincular_sube_la_oferta_para_una_demanda_parecida(funcionario_medellin, admin_dnp, entidad_oferente):
    a, b = _gemelas(entidad_oferente)
    antes = ofertas_candidatas(_demanda(funcionario_medellin))
    assert [o.pk for o in antes] == [a.pk, b.pk]  # empate exacto: id
    assert antes[0].puntaje == antes[1].puntaje
    primera = _demanda(funcionario_medellin)
    services.demanda_vincular(demanda=primera, por=admin_dnp, oferta=b)
    assert DecisionCruce.objects.get(demanda=primera).tipo == TipoDecision.VINCULADA
    despues = ofertas_candidatas(_demanda(funcionario_medellin, titulo="marco fiscal 2027"))
    assert [o.pk for o in despues] == [b.pk, a.pk]
    assert despues[0].puntaje > despues[1].puntaje
    assert "Decisiones anteriores: el DNP la vinculó a 1 demanda parecida (+12 puntos)." in despues[0].explicacion
    assert not any(linea.startswith("Decisiones") for linea in despues[1].explicacion)


def test_descartar_baja_la_oferta_y_pedir_la_reemplaza(funcionario_medellin, entidad_oferente):
    a, b = _gemelas(entidad_oferente)
    d = _demanda(funcionario_medellin)
    for _ in range(2):  # repetir no duplica
        services.decision_registrar(demanda=d, oferta=a, tipo=TipoDecision.DESCARTADA, por=funcionario_medellin)
    assert DecisionCruce.objects.filter(demanda=d).count() == 1
    candidatas = ofertas_candidatas(d)
    assert [o.pk for o in candidatas] == [b.pk, a.pk]
    assert "descartada 1 vez para una demanda parecida" in candidatas[1].explicacion[-1]
    services.decision_registrar(demanda=d, oferta=a, tipo=TipoDecision.SOLICITADA, por=funcionario_medellin)
    assert list(selectors.decisiones_de(d).values_list("tipo", flat=True)) == [TipoDecision.SOLICITADA]
    assert [o.pk for o in ofertas_candidatas(d)] == [a.pk, b.pk]


def test_quien_decide_que(funcionario_medellin, admin_dnp, oferente, entidad_oferente):
    a, _b = _gemelas(entidad_oferente)
    d = _demanda(funcionario_medellin)
    with pytest.raises(PermissionDenied, match="Solo el DNP"):
        services.decision_registrar(demanda=d, oferta=a, tipo=TipoDecision.REMITIDA, por=funcionario_medellin)
    with pytest.raises(PermissionDenied, match="Solo la entidad"):
        services.decision_registrar(demanda=d, oferta=a, tipo=TipoDecision.DESCARTADA, por=admin_dnp)
    with pytest.raises(PermissionDenied, match="Solo la entidad"):
        services.decision_registrar(demanda=d, oferta=a, tipo=TipoDecision.SOLICITADA, por=oferente)
    borrador = fabricas.oferta(entidad_oferente, estado=EstadoOferta.BORRADOR)
    with pytest.raises(ValidationError, match="publicada"):
        services.decision_registrar(demanda=d, oferta=borrador, tipo=TipoDecision.SOLICITADA, por=funcionario_medellin)
    remitida = services.decision_registrar(demanda=d, oferta=a, tipo=TipoDecision.REMITIDA, por=admin_dnp,
                                           motivo="La atiende la gobernación.")
    assert remitida.temas and "fiscal" in remitida.terminos
    assert remitida.historial.count() == 1


def test_las_decisiones_no_pasan_por_encima_de_la_focalizacion(funcionario_medellin, admin_dnp, entidad_oferente):
    from att.models import Departamento

    a, _b = _gemelas(entidad_oferente)
    services.demanda_vincular(demanda=_demanda(funcionario_medellin), por=admin_dnp, oferta=a)
    a.focaliza_departamentos.set([Departamento.objects.get(codigo="76")])
    from oferta.services import actualizar_busqueda

    actualizar_busqueda([a.pk])
    assert a.pk not in [o.pk for o in ofertas_candidatas(_demanda(funcionario_medellin))]
