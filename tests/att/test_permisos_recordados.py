"""`Usuario.has_perm` sin objeto se recuerda en la instancia, como las membresías de las que sale
(`permisos.vinculos`); `permisos.olvidar_vinculos` olvida las dos cosas."""

import pytest

from att import permisos
from att.models import Membresia, Rol, Usuario
from tests import factories

pytestmark = pytest.mark.django_db

PERMISO = "seguimiento.ver_tablero_dnp"  # lo tiene quien lee todo (DNP, auditor), no un funcionario de ET


def _contar_evaluaciones(monkeypatch) -> list:
    llamadas = []
    original = Usuario._tiene_permiso

    def contado(self, perm, obj):
        llamadas.append((perm, obj))
        return original(self, perm, obj)

    monkeypatch.setattr(Usuario, "_tiene_permiso", contado)
    return llamadas


def test_la_segunda_pregunta_sin_objeto_no_vuelve_a_evaluar(monkeypatch):
    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    llamadas = _contar_evaluaciones(monkeypatch)
    assert persona.has_perm(PERMISO) is False
    assert persona.has_perm(PERMISO) is False
    assert persona.has_perm("seguimiento.ver") is True
    assert persona.has_perm("seguimiento.ver") is True
    assert llamadas == [(PERMISO, None), ("seguimiento.ver", None)]


def test_con_objeto_se_evalua_siempre(monkeypatch):
    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    medellin = factories.alcaldia("05001")
    llamadas = _contar_evaluaciones(monkeypatch)
    persona.has_perm("conocimiento.ver_memoria", medellin)
    persona.has_perm("conocimiento.ver_memoria", medellin)
    assert len(llamadas) == 2


def test_una_membresia_nueva_cuenta_tras_olvidar_los_vinculos():
    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    assert persona.has_perm(PERMISO) is False
    Membresia.objects.create(usuario=persona, entidad=factories.dnp(), rol=Rol.AUDITOR)
    # Lo mismo que las membresías: la instancia sigue con lo que leyó…
    assert persona.has_perm(PERMISO) is False
    permisos.olvidar_vinculos(persona)
    # …hasta que se olvida (lo hacen los servicios de cuentas al cambiar membresías).
    assert persona.has_perm(PERMISO) is True
    # Y una instancia nueva (la de la petición siguiente) la ve de una vez.
    assert Usuario.objects.get(pk=persona.pk).has_perm(PERMISO) is True


def test_desactivar_o_quitar_superusuario_cambia_la_respuesta_en_la_misma_instancia():
    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET, is_superuser=True)
    assert persona.has_perm("att.add_tokenintegracion") is True
    persona.is_superuser = False
    assert persona.has_perm("att.add_tokenintegracion") is False
    persona.is_superuser = True
    persona.is_active = False
    assert persona.has_perm("att.add_tokenintegracion") is False


# --- La persona de la sesión por su pk, con el SQL compilado una vez (`UsuarioManager.get`) --------------
def test_get_por_pk_da_lo_mismo_que_el_orm(django_assert_num_queries):
    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET, cargo="Secretaria de planeación")
    with django_assert_num_queries(1):
        rapida = Usuario.objects.get(pk=persona.pk)
    orm = Usuario.objects.filter(pk=persona.pk).get()  # el QuerySet: el camino de siempre
    campos = [f.attname for f in Usuario._meta.concrete_fields]
    assert [getattr(rapida, c) for c in campos] == [getattr(orm, c) for c in campos]
    assert rapida._state.adding is False and rapida._state.db == "default"
    assert rapida.cargo == "Secretaria de planeación"


def test_get_por_pk_que_no_existe_y_las_otras_formas():
    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    with pytest.raises(Usuario.DoesNotExist, match="Usuario matching query does not exist"):
        Usuario.objects.get(pk=987_654_321)
    # Un pk en texto sigue por el ORM (que lo convierte, o da su error).
    assert Usuario.objects.get(pk=str(persona.pk)) == persona
    with pytest.raises(ValueError, match="expected a number"):
        Usuario.objects.get(pk="no-es-un-numero")
    # Un administrador de relación hereda de UsuarioManager: conserva su filtro.
    from django.contrib.auth.models import Group

    grupo = Group.objects.create(name="Pruebas")
    with pytest.raises(Usuario.DoesNotExist):
        grupo.user_set.get(pk=persona.pk)
    grupo.user_set.add(persona)
    assert grupo.user_set.get(pk=persona.pk) == persona
