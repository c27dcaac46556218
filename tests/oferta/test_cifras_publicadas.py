"""Una sola definición de «oferta publicada» (publicada Y vigente): la portada, el portal, la API y los
datos abiertos dan la misma cifra, con una oferta vencida ayer (no cuenta) y una que termina hoy (cuenta)."""

import datetime

import pytest
from django.utils import timezone

from oferta import selectors
from oferta.models import EstadoOferta, Oferta
from tests.oferta import fabricas

pytestmark = pytest.mark.django_db


@pytest.fixture
def ofertas():
    hoy = timezone.localdate()
    fabricas.oferta(nombre="Sin fin de vigencia")
    fabricas.oferta(nombre="Termina hoy", vigencia_hasta=hoy)
    fabricas.oferta(nombre="Termina el otro año", vigencia_hasta=hoy + datetime.timedelta(days=365))
    fabricas.oferta(nombre="Vencida ayer", vigencia_hasta=hoy - datetime.timedelta(days=1))
    fabricas.oferta(nombre="Borrador vigente", estado=EstadoOferta.BORRADOR)
    fabricas.oferta(nombre="Archivada", estado=EstadoOferta.ARCHIVADA)
    return {"Sin fin de vigencia", "Termina hoy", "Termina el otro año"}


def _cifra_portada(client) -> int:
    r = client.get("/")
    return next(int(c["valor"]) for c in r.context["resumenes"] if str(c["etiqueta"]) == "Ofertas publicadas")


def test_la_definicion_es_una(ofertas):
    assert set(Oferta.objects.publicadas().values_list("nombre", flat=True)) == ofertas
    assert set(selectors.publicadas().values_list("nombre", flat=True)) == ofertas
    assert set(selectors.vigentes().values_list("nombre", flat=True)) == ofertas
    hoy = timezone.localdate()
    assert Oferta.objects.get(nombre="Termina hoy").esta_publicada(hoy)
    assert not Oferta.objects.get(nombre="Vencida ayer").esta_publicada(hoy)
    # Mañana, la que termina hoy ya no cuenta.
    manana = hoy + datetime.timedelta(days=1)
    assert "Termina hoy" not in set(Oferta.objects.publicadas(manana).values_list("nombre", flat=True))


def test_portada_portal_api_y_datos_abiertos_dan_la_misma_cifra(client, ofertas):
    portal = client.get("/oferta/")
    assert portal.status_code == 200
    en_portal = {o.nombre for o in portal.context["pagina"].object_list}
    assert portal.context["pagina"].paginator.count == 3
    assert "3 ofertas publicadas" in portal.content.decode()

    api = client.get("/api/v1/ofertas/")
    assert api.status_code == 200
    en_api = {o["nombre"] for o in api.json()["results"]}

    exportadas = {o["nombre"] for o in selectors.para_exportar(selectors.FiltrosPortal.desde({}))}

    assert en_portal == en_api == exportadas == ofertas
    assert _cifra_portada(client) == 3


def test_la_vencida_no_se_puede_solicitar_ni_se_ve_en_publico(client, ofertas):
    vencida = Oferta.objects.get(nombre="Vencida ayer")
    assert client.get(f"/oferta/{vencida.pk}/").status_code == 404
    assert client.get(f"/api/v1/ofertas/{vencida.pk}/").status_code == 404
    hoy = Oferta.objects.get(nombre="Termina hoy")
    assert client.get(f"/oferta/{hoy.pk}/").status_code == 200
