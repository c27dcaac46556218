"""Autorización con tokens de integración (ASVS L2, V4): el token fija la entidad y el rol; nunca
hereda los poderes de superusuario y solo se emite dentro de las membresías activas de la persona."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from att import services
from att.models import Membresia, Rol, TokenIntegracion
from tests import factories

pytestmark = pytest.mark.django_db


def _api(clave=None):
    api = APIClient()
    if clave:
        api.credentials(HTTP_AUTHORIZATION=f"Token {clave}")
    return api


@pytest.fixture
def superusuario_de_medellin(db):
    """Un superusuario que además es funcionario de Medellín (la única membresía con que puede tener token)."""
    return factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET, is_superuser=True, is_staff=True)


# --- El token de un superusuario queda limitado a su entidad y su rol ------------------------------------
def test_token_de_superusuario_no_lee_la_memoria_de_otra_entidad(superusuario_de_medellin, admin_dnp):
    medellin, cali = factories.alcaldia("05001"), factories.alcaldia("76001")
    _token, clave = services.token_emitir(nombre="SI de Medellín", usuario=superusuario_de_medellin,
                                          entidad=medellin, rol=Rol.FUNCIONARIO_ET, por=admin_dnp)
    # Con su sesión, el superusuario lo lee todo (el atajo de Django sigue valiendo sin token).
    con_sesion = _api()
    con_sesion.force_authenticate(superusuario_de_medellin)
    assert con_sesion.get(f"/api/v1/conocimiento/memoria/{cali.pk}/").status_code == 200
    # Con el token, solo su entidad.
    con_token = _api(clave)
    assert con_token.get(f"/api/v1/conocimiento/memoria/{medellin.pk}/").status_code == 200
    r = con_token.get(f"/api/v1/conocimiento/memoria/{cali.pk}/")
    assert r.status_code == 403
    assert "sus funcionarios" in r.json()["detail"]


def test_has_perm_con_token_no_toma_el_atajo_de_superusuario(superusuario_de_medellin, admin_dnp):
    medellin, cali = factories.alcaldia("05001"), factories.alcaldia("76001")
    token, _clave = services.token_emitir(nombre="SI de Medellín", usuario=superusuario_de_medellin,
                                          entidad=medellin, rol=Rol.FUNCIONARIO_ET, por=admin_dnp)
    u = superusuario_de_medellin
    assert u.has_perm("conocimiento.ver_memoria", cali)
    assert u.has_perm("att.add_tokenintegracion")  # permiso de modelo de Django: todos para el superusuario
    u._att_token = token
    assert not u.has_perm("conocimiento.ver_memoria", cali)
    assert u.has_perm("conocimiento.ver_memoria", medellin)
    assert not u.has_perm("att.emitir_token")
    assert not u.has_perm("att.add_tokenintegracion")  # ni los de ModelBackend
    assert not u.has_module_perms("att")
    assert u.get_all_permissions() == set()


def test_token_de_superusuario_no_escribe_por_otra_entidad(superusuario_de_medellin, admin_dnp):
    cali = factories.alcaldia("76001")
    _token, clave = services.token_emitir(nombre="SI de Medellín", usuario=superusuario_de_medellin,
                                          entidad=factories.alcaldia("05001"), rol=Rol.FUNCIONARIO_ET, por=admin_dnp)
    r = _api(clave).post("/api/v1/seguimiento/percepciones/", {"entidad": cali.pk, "calidad": 5, "pertinencia": 5,
                                                               "oportunidad": 5}, format="json")
    assert r.status_code == 403


# --- Emisión solo dentro de las membresías ------------------------------------------------------------
def test_token_fuera_de_las_membresias_se_rechaza(funcionario_medellin, admin_dnp):
    with pytest.raises(ValidationError, match=r"no tiene una membresía activa en Alcaldía de Cali \(Valle del Cauca\)"):
        services.token_emitir(nombre="X", usuario=funcionario_medellin, entidad=factories.alcaldia("76001"),
                              rol=Rol.FUNCIONARIO_ET, por=admin_dnp)
    with pytest.raises(ValidationError, match="Administrador DNP/DER"):  # su entidad, otro rol
        services.token_emitir(nombre="X", usuario=funcionario_medellin, entidad=factories.alcaldia("05001"),
                              rol=Rol.ADMIN_DNP, por=admin_dnp)
    assert not TokenIntegracion.objects.exists()


def test_superusuario_sin_membresia_no_recibe_token(admin_dnp):
    root = factories.UsuarioFactory(is_superuser=True, is_staff=True)
    with pytest.raises(ValidationError, match="no tiene una membresía activa"):
        services.token_emitir(nombre="X", usuario=root, entidad=factories.dnp(), rol=Rol.ADMIN_DNP, por=admin_dnp)
    assert not TokenIntegracion.objects.exists()


def test_membresia_inactiva_no_da_token(admin_dnp):
    medellin = factories.alcaldia("05001")
    usuario = factories.persona(medellin, Rol.INTEGRADOR)
    Membresia.objects.filter(usuario=usuario).update(activa=False)
    with pytest.raises(ValidationError, match="no tiene una membresía activa"):
        services.token_emitir(nombre="X", usuario=usuario, entidad=medellin, rol=Rol.INTEGRADOR, por=admin_dnp)


def test_admin_no_emite_token_fuera_de_las_membresias(client, admin_dnp, funcionario_medellin):
    client.force_login(admin_dnp)
    r = client.post("/admin/att/tokenintegracion/add/", {
        "nombre": "SUIFP", "usuario": funcionario_medellin.pk, "entidad": factories.dnp().pk, "rol": Rol.INTEGRADOR,
    })
    assert r.status_code == 200
    assert "no tiene una membresía activa" in r.content.decode()
    assert not TokenIntegracion.objects.exists()


def test_token_deja_de_valer_cuando_la_membresia_se_desactiva(admin_dnp):
    medellin = factories.alcaldia("05001")
    usuario = factories.persona(medellin, Rol.INTEGRADOR)
    _token, clave = services.token_emitir(nombre="SI", usuario=usuario, entidad=medellin, rol=Rol.INTEGRADOR,
                                          por=admin_dnp)
    assert _api(clave).get("/api/v1/demandas/").status_code == 200
    Membresia.objects.filter(usuario=usuario).update(activa=False)
    r = _api(clave).get("/api/v1/demandas/")
    assert r.status_code == 401
    assert "ya no tiene una membresía activa" in r.json()["detail"]


def test_token_vale_hasta_el_ultimo_dia_de_la_membresia(admin_dnp):
    """El día `hasta` la membresía todavía cuenta; desde el siguiente, el token ya no (la fecha se evalúa en
    cada petición aunque la consulta del token esté compilada una vez: att/consultas.py)."""
    import datetime

    from django.utils import timezone

    medellin = factories.alcaldia("05001")
    usuario = factories.persona(medellin, Rol.INTEGRADOR)
    _token, clave = services.token_emitir(nombre="SI", usuario=usuario, entidad=medellin, rol=Rol.INTEGRADOR,
                                          por=admin_dnp)
    hoy = timezone.localdate()
    Membresia.objects.filter(usuario=usuario).update(desde=hoy - datetime.timedelta(days=30), hasta=hoy)
    r = _api(clave).get("/api/v1/demandas/")
    assert r.status_code == 200
    Membresia.objects.filter(usuario=usuario).update(desde=hoy - datetime.timedelta(days=30), hasta=hoy - datetime.timedelta(days=1))
    r = _api(clave).get("/api/v1/demandas/")
    assert r.status_code == 401 and "ya no tiene una membresía activa" in r.json()["detail"]
