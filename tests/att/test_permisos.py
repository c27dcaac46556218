import pytest

from att import permisos
from att.models import Entidad, Membresia, Rol, TipoEntidad
from tests import factories

pytestmark = pytest.mark.django_db


def test_funcionario_actua_solo_por_su_entidad(funcionario_medellin):
    medellin, cali = factories.alcaldia("05001"), factories.alcaldia("76001")
    assert permisos.actua_por(funcionario_medellin, medellin, {Rol.FUNCIONARIO_ET})
    assert not permisos.actua_por(funcionario_medellin, cali, {Rol.FUNCIONARIO_ET})
    # Con otro rol en su propia entidad, tampoco.
    assert not permisos.actua_por(funcionario_medellin, medellin, {Rol.OFERENTE})


def test_equipo_departamental_actua_por_municipios_de_su_departamento(equipo_antioquia):
    roles = {Rol.FUNCIONARIO_ET, Rol.EQUIPO_DEPARTAMENTAL}
    assert permisos.actua_por(equipo_antioquia, factories.alcaldia("05001"), roles)
    assert permisos.actua_por(equipo_antioquia, factories.gobernacion("05"), roles)
    assert not permisos.actua_por(equipo_antioquia, factories.alcaldia("76001"), roles)
    assert not permisos.actua_por(equipo_antioquia, factories.gobernacion("76"), roles)
    assert not permisos.actua_por(equipo_antioquia, factories.dnp(), roles)


def test_entidades_de_coincide_con_actua_por(equipo_antioquia, funcionario_cali):
    alcance = permisos.entidades_de(equipo_antioquia, {Rol.EQUIPO_DEPARTAMENTAL})
    antioquia = Entidad.objects.filter(departamento_id="05", tipo__in=TipoEntidad.territoriales()).count()
    assert alcance.count() == antioquia == 126  # 125 alcaldías + la gobernación
    assert list(permisos.entidades_de(funcionario_cali).values_list("municipio_id", flat=True)) == ["76001"]


def test_auditor_lee_todo_y_no_cambia_nada(auditor):
    assert permisos.lee_todo(auditor)
    assert permisos.solo_lectura(auditor)
    assert not permisos.actua_por(auditor, factories.dnp(), set(Rol.values))
    assert not permisos.entidades_de(auditor).exists()
    assert permisos.puede_ver_entidad(auditor, factories.alcaldia("76001"))


def test_membresia_inactiva_no_da_permisos():
    persona = factories.persona(factories.alcaldia("05001"))
    Membresia.objects.filter(usuario=persona).update(activa=False)
    persona = type(persona).objects.get(pk=persona.pk)
    assert not permisos.actua_por(persona, factories.alcaldia("05001"), {Rol.FUNCIONARIO_ET})


def test_admin_dnp_y_reglas(admin_dnp, funcionario_medellin):
    assert permisos.es_admin_dnp(admin_dnp) and admin_dnp.has_perm("att.emitir_token")
    assert not funcionario_medellin.has_perm("att.emitir_token")
    assert funcionario_medellin.has_perm("att.ver_entidad", factories.alcaldia("05001"))
    assert not funcionario_medellin.has_perm("att.ver_entidad", factories.alcaldia("76001"))


def test_filtro_entidad_es_subconsulta_no_lista_de_ids(funcionario_medellin):
    q = permisos.filtro_entidad(funcionario_medellin, "pk")
    sql = str(Entidad.objects.filter(q).query)
    donde = sql.split(" WHERE ", 1)[1]
    # Una subconsulta con EXISTS por las membresías, no una lista de ids leída antes.
    assert donde.startswith('"att_entidad"."id" IN (SELECT ') and "EXISTS(SELECT" in donde
    assert list(Entidad.objects.filter(q).values_list("municipio_id", flat=True)) == ["05001"]
