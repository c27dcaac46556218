"""El formulario de demanda no pierde nada (issue 15): el adjunto de un envío con otro error queda
conservado y llega a la demanda; el borrador se recupera, se descarta al registrar y es de cada persona."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from att import services as services_att
from att.models import AdjuntoPendiente, Borrador
from demanda.models import Demanda
from tests import factories
from tests.demanda import fabricas

pytestmark = pytest.mark.django_db


def test_el_adjunto_sobrevive_al_error_y_queda_en_la_demanda(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    medellin = factories.alcaldia("05001")
    r = client.post(reverse("demanda:nueva"), fabricas.datos_formulario(
        medellin, titulo="Corto", adjuntos=SimpleUploadedFile("diagnostico.pdf", b"%PDF-1.4 diagnostico")))
    assert r.status_code == 200 and Demanda.objects.count() == 0
    html = r.content.decode()
    assert "Adjuntos conservados" in html and "diagnostico.pdf" in html
    tokens = re.findall(r'name="adjuntos__conservado" value="([^"]+)"', html)
    assert len(tokens) == 1
    r = client.post(reverse("demanda:nueva"), fabricas.datos_formulario(medellin, adjuntos__conservado=tokens))
    assert r.status_code == 302, r.content.decode()[:2000]
    assert [a.nombre for a in Demanda.objects.get().adjuntos.all()] == ["diagnostico.pdf"]
    assert AdjuntoPendiente.objects.get().usado is not None


def test_el_token_ajeno_no_adjunta_nada(client, funcionario_medellin, funcionario_cali):
    [ajeno] = services_att.adjuntos_conservar(
        por=funcionario_cali, formulario="demanda.demanda", archivos=[SimpleUploadedFile("cali.pdf", b"%PDF-1.4 c")])
    client.force_login(funcionario_medellin)
    r = client.post(reverse("demanda:nueva"), fabricas.datos_formulario(
        factories.alcaldia("05001"), adjuntos__conservado=[ajeno.token]))
    assert r.status_code == 200
    assert "ya no está disponible" in r.content.decode()
    assert Demanda.objects.count() == 0


def test_el_borrador_de_la_demanda(client, funcionario_medellin, funcionario_cali):
    client.force_login(funcionario_medellin)
    r = client.post("/borradores/", {"_borrador_formulario": "demanda.demanda", "_borrador_objeto": "0",
                                     "titulo": "Acompañamiento para el catastro multipropósito"})
    assert r.status_code == 200
    html = client.get(reverse("demanda:nueva")).content.decode()
    assert "Se recuperó un borrador guardado el" in html
    assert 'value="Acompañamiento para el catastro multipropósito"' in html
    client.force_login(funcionario_cali)
    assert "catastro multipropósito" not in client.get(reverse("demanda:nueva")).content.decode()
    client.force_login(funcionario_medellin)
    r = client.post(reverse("demanda:nueva"), fabricas.datos_formulario(factories.alcaldia("05001")))
    assert r.status_code == 302
    assert not Borrador.objects.filter(usuario=funcionario_medellin).exists()


def test_el_borrador_de_la_oferta(client, oferente):
    client.force_login(oferente)
    client.post("/borradores/", {"_borrador_formulario": "oferta.oferta", "_borrador_objeto": "0",
                                 "nombre": "Asistencia en gestión catastral"})
    html = client.get(reverse("oferta:nueva")).content.decode()
    assert "Se recuperó un borrador guardado el" in html
    assert 'value="Asistencia en gestión catastral"' in html
