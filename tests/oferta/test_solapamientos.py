import pytest

from oferta import selectors
from oferta.models import EstadoOferta
from tests import factories
from tests.oferta import fabricas

pytestmark = pytest.mark.django_db


def test_ofertas_casi_iguales_de_entidades_distintas(client, admin_dnp):
    a, b = factories.EntidadNacionalFactory(), factories.EntidadNacionalFactory()
    x = fabricas.oferta(entidad=a, nombre="Asesoría en formulación del plan de desarrollo territorial")
    y = fabricas.oferta(entidad=b, nombre="Asesoria en formulacion de planes de desarrollo territorial")
    fabricas.oferta(entidad=a, nombre="Asesoría en formulación del plan de desarrollo territorial 2")  # misma entidad
    fabricas.oferta(entidad=b, nombre="Gestión del riesgo de desastres")
    fabricas.oferta(entidad=b, nombre="Asesoria en formulacion de planes de desarrollo territorial",
                    estado=EstadoOferta.BORRADOR)  # borrador: no cuenta
    pares = selectors.solapamientos(umbral=0.5)
    ids = {frozenset((p.a.pk, p.b.pk)) for p in pares}
    assert frozenset((x.pk, y.pk)) in ids
    assert all(p.a.entidad_id != p.b.entidad_id for p in pares)
    assert all(p.similitud >= 0.5 for p in pares)
    client.force_login(admin_dnp)
    html = client.get("/oferta/solapamientos/", {"umbral": "0,5"}).content.decode()
    assert y.nombre in html


@pytest.mark.parametrize("quien,codigo", [("oferente", 403), ("funcionario_medellin", 403), ("auditor", 200)])
def test_quien_ve_los_solapamientos(client, request, quien, codigo):
    client.force_login(request.getfixturevalue(quien))
    assert client.get("/oferta/solapamientos/").status_code == codigo


def test_resumen_de_portada():
    fabricas.oferta()
    [cifra] = selectors.resumen_inicio()
    assert cifra["valor"] == 1 and cifra["url"] == "/oferta/"


def test_admin_guarda_y_actualiza_la_busqueda(client):
    from oferta.models import Oferta

    raiz = factories.UsuarioFactory(is_staff=True, is_superuser=True)
    o = fabricas.oferta(nombre="Catastro multipropósito")
    client.force_login(raiz)
    assert client.get("/admin/oferta/oferta/").status_code == 200
    assert client.get(f"/admin/oferta/oferta/{o.pk}/change/").status_code == 200
    Oferta.objects.filter(pk=o.pk).update(busqueda=None)
    from django.contrib import admin as django_admin

    from oferta.admin import OfertaAdmin

    formulario = type("Formulario", (), {"instance": o, "save_m2m": lambda self: None})()
    OfertaAdmin(Oferta, django_admin.site).save_related(None, formulario, [], True)
    assert Oferta.objects.filter(pk=o.pk, busqueda__isnull=False).exists()


def test_detalle_muestra_parecidas_al_dnp(client, admin_dnp, funcionario_medellin):
    a, b = factories.EntidadNacionalFactory(), factories.EntidadNacionalFactory()
    nueva = fabricas.oferta(entidad=a, nombre="Escuela de gobierno para alcaldes", estado=EstadoOferta.EN_REVISION)
    fabricas.oferta(entidad=b, nombre="Escuela de gobierno para alcaldes y alcaldesas")
    client.force_login(admin_dnp)
    html = client.get(f"/oferta/{nueva.pk}/").content.decode()
    assert "Ofertas parecidas de otras entidades" in html and "alcaldesas" in html
    client.force_login(funcionario_medellin)
    assert client.get(f"/oferta/{nueva.pk}/").status_code == 404
