"""El informe mensual lo produce un worker real de Celery a través de Redis."""

from datetime import date
from decimal import Decimal as D

import pytest

from seguimiento import services
from seguimiento.models import EstadoInforme, InformeMensual
from seguimiento.tasks import generar_informe_mensual
from tests import factories
from tests.seguimiento import fabricas

pytestmark = pytest.mark.integration


def test_informe_mensual_en_worker_real(worker_celery, referencia_cargada):
    from att.models import Rol

    entidad = factories.EntidadNacionalFactory()
    oferente = factories.persona(entidad, Rol.OFERENTE)
    dnp = factories.persona(factories.dnp(), Rol.SEGUIMIENTO_DNP)
    h = fabricas.hito(fabricas.linea(entidad, territorios=[factories.alcaldia("05001")]))
    a = services.avance_reportar(hito=h, porcentaje=D(40), fecha_corte=date(2026, 10, 3), narrativa="x", por=oferente)
    services.avance_validar(avance=a, por=dnp)

    primero = generar_informe_mensual.delay("2026-10").get(timeout=120)
    segundo = generar_informe_mensual.delay("2026-10").get(timeout=120)
    assert primero["id"] == segundo["id"] and segundo["estado"] == EstadoInforme.LISTO
    informe = InformeMensual.objects.get()
    assert informe.progreso == 100 and informe.intentos == 2
    assert informe.pdf.name.endswith(".pdf") and informe.xlsx.name.endswith(".xlsx")
    assert informe.resumen["avance"] == "40.0" and informe.resumen["lineas"] == 1
