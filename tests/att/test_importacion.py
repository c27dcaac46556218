import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from att import importacion
from tests import factories

pytestmark = pytest.mark.django_db


def test_ticket_de_otra_persona_o_de_otro_ambito_no_sirve(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ana, beto = factories.UsuarioFactory(), factories.UsuarioFactory()
    ticket, ruta = importacion.guardar_para_confirmar(SimpleUploadedFile("a.csv", b"x,y\n1,2\n"), usuario=ana, ambito="plan-1")
    assert ruta.read_bytes() == b"x,y\n1,2\n"
    assert importacion.ruta_del_ticket(ticket, usuario=ana, ambito="plan-1") == ruta
    assert importacion.ruta_del_ticket(ticket, usuario=beto, ambito="plan-1") is None
    assert importacion.ruta_del_ticket(ticket, usuario=ana, ambito="plan-12") is None
    assert importacion.ruta_del_ticket("../" + ticket, usuario=ana, ambito="plan-1") == ruta  # sin rutas relativas
    importacion.descartar(ruta)
    assert importacion.ruta_del_ticket(ticket, usuario=ana, ambito="plan-1") is None


def test_ambito_invalido():
    with pytest.raises(ValueError, match=r"El ámbito de una importación solo lleva minúsculas, dígitos y guiones\."):
        importacion.guardar_para_confirmar(SimpleUploadedFile("a.csv", b"x"), usuario=factories.UsuarioFactory.build(pk=1),
                                           ambito="../etc")
