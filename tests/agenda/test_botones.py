"""Un botón que el servicio rechazaría no se muestra: en el plan concertado, el compromiso de un responsable que
no lo puede actualizar (el auditor, que no cambia nada) no tiene formulario; el del responsable que sí, lo tiene."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from agenda import services
from agenda.models import Compromiso
from tests.agenda.test_seguridad import _mesa

pytestmark = pytest.mark.django_db


def test_el_compromiso_muestra_su_boton_solo_a_quien_lo_puede_actualizar(client, concertado, oferente, auditor):
    mesa = _mesa(concertado, oferente)
    limite = timezone.localdate() + datetime.timedelta(days=5)
    del_auditor = Compromiso.objects.create(plan=concertado, mesa=mesa, descripcion="Revisar el acta",
                                            responsable=auditor, fecha_limite=limite)
    with pytest.raises(PermissionDenied, match="No puede actualizar este compromiso"):
        services.compromiso_revisar(compromiso=del_auditor, estado="cumplido", por=auditor)
    client.force_login(auditor)
    html = client.get(f"/agenda/concertados/{concertado.pk}/").content.decode()
    assert "Revisar el acta" in html and f"/agenda/compromisos/{del_auditor.pk}/revisar/" not in html
    client.force_login(oferente)
    html = client.get(f"/agenda/concertados/{concertado.pk}/").content.decode()
    assert f"/agenda/compromisos/{del_auditor.pk}/revisar/" in html
