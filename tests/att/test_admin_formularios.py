"""Admin de adjuntos conservados y borradores (issue 15): lista de solo lectura para el administrador
DNP, sin el archivo ni su token ni los textos del borrador; consultas planas de 10 a 30 filas."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from att import services
from att.models import AdjuntoPendiente, Borrador

pytestmark = pytest.mark.django_db


def _adjuntos(persona, n):
    archivos = [SimpleUploadedFile(f"acta-{i}.pdf", b"%PDF-1.4 secreto-" + str(i).encode()) for i in range(n)]
    return services.adjuntos_conservar(por=persona, formulario="seguimiento.avance", archivos=archivos)


def _borradores(persona, n, desde=0):
    for i in range(desde, desde + n):
        Borrador.objects.create(usuario=persona, formulario="demanda.nueva", objeto_id=i,
                                datos={"titulo": f"texto-privado-{i}", "descripcion": "x"})


def test_el_admin_dnp_ve_la_lista_sin_contenido(client, admin_dnp, oferente, django_assert_max_num_queries):
    pendientes = _adjuntos(oferente, 10)
    _borradores(oferente, 10)
    client.force_login(admin_dnp)
    r = client.get("/admin/att/adjuntopendiente/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "acta-3.pdf" in html and str(oferente) in html
    assert pendientes[0].token not in html and pendientes[0].archivo.name not in html
    r = client.get(f"/admin/att/adjuntopendiente/{pendientes[0].pk}/change/")
    html = r.content.decode()
    assert r.status_code == 200 and "acta-0.pdf" in html
    assert pendientes[0].token not in html and pendientes[0].archivo.name not in html and "secreto" not in html
    r = client.get("/admin/att/borrador/")
    html = r.content.decode()
    assert r.status_code == 200 and "demanda.nueva" in html and "texto-privado" not in html
    borrador = Borrador.objects.first()
    html = client.get(f"/admin/att/borrador/{borrador.pk}/change/").content.decode()
    assert "texto-privado" not in html
    # Solo lectura: ni crear, ni cambiar, ni borrar.
    assert client.get("/admin/att/adjuntopendiente/add/").status_code == 403
    assert client.get("/admin/att/borrador/add/").status_code == 403
    assert client.post(f"/admin/att/borrador/{borrador.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Borrador.objects.filter(pk=borrador.pk).exists()
    # Consultas planas: de 10 a 30 filas, lo mismo.
    with django_assert_max_num_queries(16) as antes:
        client.get("/admin/att/adjuntopendiente/")
    with django_assert_max_num_queries(16) as antes_b:
        client.get("/admin/att/borrador/")
    _adjuntos(oferente, 20)
    _borradores(oferente, 20, desde=10)
    with django_assert_max_num_queries(len(antes.captured_queries)):
        r = client.get("/admin/att/adjuntopendiente/")
    assert r.content.decode().count("acta-") >= 30
    with django_assert_max_num_queries(len(antes_b.captured_queries)):
        client.get("/admin/att/borrador/")
    assert AdjuntoPendiente.objects.count() == 30


def test_otros_con_acceso_al_admin_no_los_ven(client, seguimiento_dnp):
    client.force_login(seguimiento_dnp)
    assert client.get("/admin/att/adjuntopendiente/").status_code == 403
    assert client.get("/admin/att/borrador/").status_code == 403
