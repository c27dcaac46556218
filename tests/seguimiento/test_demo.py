import io
import random

import pytest

from indicadores.models import Medicion
from seguimiento import demo
from seguimiento.models import Avance, EstadoLinea, Hito, Percepcion

pytestmark = pytest.mark.django_db


def test_demo_un_anio_idempotente():
    from att import demo as demo_att

    salida = io.StringIO()
    demo_att.generar(escala=1, rng=random.Random(1), salida=salida)
    demo.generar(escala=1, rng=random.Random(2), salida=salida)
    avances, mediciones = Avance.objects.count(), Medicion.objects.count()
    assert Hito.objects.count() >= 40 * 6 and avances > 40 * 10
    assert mediciones == 2 * 12 and Percepcion.objects.exclude(
        entidad__consentimiento_percepcion__isnull=False).count() == 0
    # #12: calificaciones atadas a una asistencia recibida (con el oferente del registro), consentimientos dados y
    # alguno revocado, ETs en atención prioritaria, evaluaciones intermedias y finales.
    from django.db.models import F, Q

    from seguimiento import selectors
    from seguimiento.models import ConsentimientoPercepcion, EvaluacionLinea

    assert Percepcion.objects.count() > 100
    assert not Percepcion.objects.filter(linea__isnull=True, asesoria__isnull=True, evento__isnull=True).exists()
    assert not Percepcion.objects.filter(asesoria__isnull=False).exclude(
        Q(oferente=F("asesoria__oferente")) & Q(entidad=F("asesoria__entidad"))).exists()
    assert ConsentimientoPercepcion.objects.filter(revocado_en__isnull=True).exists()
    assert ConsentimientoPercepcion.objects.filter(revocado_en__isnull=False).exists()
    from att.models import Usuario

    dnp = Usuario.objects.filter(membresias__rol="seguimiento_dnp").first()
    assert selectors.atencion_prioritaria(dnp)
    assert set(EvaluacionLinea.objects.values_list("tipo", flat=True)) == {"intermedia", "final"}
    assert EstadoLinea.objects.count() >= 40
    assert set(EstadoLinea.objects.values_list("semaforo", flat=True)) >= {"al_dia", "atrasado"}
    # Líneas que llegan a varias entidades, con avances que difieren entre ellas.
    from django.db.models import Count

    from seguimiento.models import EstadoLineaEntidad

    distintas = (EstadoLineaEntidad.objects.values("linea_id").annotate(n=Count("avance", distinct=True))
                 .filter(n__gt=1).count())
    assert distintas > 0
    assert EstadoLineaEntidad.objects.values("linea_id").annotate(n=Count("pk")).filter(n__gte=8).exists()
    # Unas ofertas con diseño estructurado, fichas de indicador vinculadas y plantilla de hitos.
    from oferta.models import HitoPlantilla, Oferta

    disenadas = Oferta.objects.exclude(brecha_capacidad="")
    assert 1 <= disenadas.count() <= 5
    assert all(o.cadena_resultados and o.costo_por_et and o.fuentes_financiacion and o.indicadores.exists()
               and o.plantilla_hitos.count() == 4 for o in disenadas)
    plantillas, n_disenadas = HitoPlantilla.objects.count(), disenadas.count()
    demo.generar(escala=1, rng=random.Random(2), salida=salida)
    assert (Avance.objects.count(), Medicion.objects.count()) == (avances, mediciones)
    assert (HitoPlantilla.objects.count(), disenadas.count()) == (plantillas, n_disenadas)
    assert "nada que hacer" in salida.getvalue()
