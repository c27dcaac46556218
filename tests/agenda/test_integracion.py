"""La alerta diaria de compromisos vencidos la ejecuta un worker real de Celery a través de Redis."""

import datetime

import pytest
from django.utils import timezone

from agenda.models import Compromiso, MesaDeTrabajo
from agenda.tasks import alertar_compromisos_vencidos
from att.models import Notificacion, Rol
from tests import factories
from tests.agenda import fabricas as f

pytestmark = pytest.mark.integration


def test_alerta_de_vencidos_en_worker_real(worker_celery, referencia_cargada):
    medellin = factories.alcaldia("05001")
    responsable = factories.persona(medellin, Rol.FUNCIONARIO_ET)
    pc = f.concertado(medellin, [factories.EntidadNacionalFactory()])
    mesa = MesaDeTrabajo.objects.create(plan=pc, fecha=timezone.now(), lugar="Sala", participantes="Ana",
                                        registrada_por=responsable)
    c = Compromiso.objects.create(plan=pc, mesa=mesa, descripcion="Enviar el acta", responsable=responsable,
                                  fecha_limite=timezone.localdate() - datetime.timedelta(days=3))
    assert alertar_compromisos_vencidos.delay().get(timeout=120) == 1
    assert alertar_compromisos_vencidos.delay().get(timeout=120) == 0
    assert Notificacion.objects.filter(usuario=responsable, clave=f"compromiso-vencido-{c.pk}").count() == 1
