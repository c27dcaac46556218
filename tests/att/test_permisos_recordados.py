"""`Usuario.has_perm` sin objeto se recuerda en la instancia, como las membresías de las que sale
(`permisos.vinculos`); `permisos.olvidar_vinculos` olvida las dos cosas."""

import datetime

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


# --- La persona de la sesión con sus membresías y alertas en la misma consulta (`cargando_de_sesion`) ----
def _persona_con_membresias_de_borde():
    """Una persona con cuatro membresías: vigente sin fin, que termina hoy (cuenta), que terminó ayer y una
    inactiva (no cuentan)."""
    from django.utils import timezone

    hoy = timezone.localdate()
    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    Membresia.objects.create(usuario=persona, entidad=factories.dnp(), rol=Rol.AUDITOR, desde=hoy, hasta=hoy)
    Membresia.objects.create(usuario=persona, entidad=factories.gobernacion("05"), rol=Rol.EQUIPO_DEPARTAMENTAL,
                             desde=hoy - datetime.timedelta(days=9), hasta=hoy - datetime.timedelta(days=1))
    Membresia.objects.create(usuario=persona, entidad=factories.alcaldia("05002"), rol=Rol.FUNCIONARIO_ET, activa=False)
    return persona


def test_de_sesion_trae_las_mismas_membresias_y_la_cuenta_de_alertas_en_una_consulta(django_assert_num_queries):
    from att import selectors
    from att.models import Notificacion
    from att.models.usuarios import cargando_de_sesion
    from att.notificaciones import notificar

    persona = _persona_con_membresias_de_borde()
    otra = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    for i in range(3):
        notificar(usuarios=[persona], categoria="x", titulo=f"Alerta {i}")
    notificar(usuarios=[otra], categoria="x", titulo="Ajena")
    Notificacion.objects.filter(usuario=persona, titulo="Alerta 0").update(leida_en=datetime.datetime.now(datetime.UTC))
    esperadas = permisos.vinculos(Usuario.objects.get(pk=persona.pk))  # la consulta de siempre
    assert [(v.rol, v.entidad_id) for v in esperadas] == [
        (Rol.FUNCIONARIO_ET, persona.membresias.get(rol=Rol.FUNCIONARIO_ET, activa=True).entidad_id),
        (Rol.AUDITOR, factories.dnp().pk)]
    with django_assert_num_queries(1):
        with cargando_de_sesion():
            de_sesion = Usuario.objects.get(pk=persona.pk)
        assert permisos.vinculos(de_sesion) == esperadas
        assert selectors.alertas_sin_leer(de_sesion) == 2
    # Sin membresías ni alertas: lista vacía y cero, no None (que volvería a consultar).
    sola = factories.UsuarioFactory()
    with django_assert_num_queries(1):
        with cargando_de_sesion():
            sola = Usuario.objects.get(pk=sola.pk)
        assert permisos.vinculos(sola) == [] and selectors.alertas_sin_leer(sola) == 0


def test_fuera_de_la_sesion_leer_la_persona_no_fija_sus_membresias():
    from att.models.usuarios import cargando_de_sesion

    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    with cargando_de_sesion():
        pass
    leida = Usuario.objects.get(pk=persona.pk)
    assert "_att_vinculos" not in leida.__dict__ and "_att_alertas_sin_leer" not in leida.__dict__
    Membresia.objects.create(usuario=persona, entidad=factories.dnp(), rol=Rol.AUDITOR)
    assert leida.has_perm(PERMISO) is True


def test_una_pagina_con_sesion_lee_persona_membresias_y_alertas_en_una_consulta(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from att.notificaciones import notificar

    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    notificar(usuarios=[persona], categoria="x", titulo="Una")
    client.force_login(persona)
    with CaptureQueriesContext(connection) as capturadas:
        html = client.get("/nucleo/alertas/").content.decode()
    assert '<span class="insignia" aria-label="1 sin leer">1</span>' in html
    sql = [q["sql"] for q in capturadas.captured_queries]
    assert sum('FROM "att_usuario"' in s and "att_membresia" in s and "att_notificacion" in s for s in sql) == 1
    assert not [s for s in sql if s.startswith(('SELECT "att_membresia"', "SELECT COUNT(*) FROM"))]


def test_marcar_leidas_en_la_misma_solicitud_vuelve_a_contar(client):
    """Los servicios que marcan alertas olvidan la cuenta traída con la sesión: lo que se pinte después en la
    misma solicitud no muestra la insignia vieja."""
    from att import selectors, services
    from att.models.usuarios import cargando_de_sesion
    from att.notificaciones import notificar

    persona = factories.persona(factories.alcaldia("05001"), Rol.FUNCIONARIO_ET)
    notificar(usuarios=[persona], categoria="x", titulo="Una")
    notificar(usuarios=[persona], categoria="x", titulo="Dos")
    with cargando_de_sesion():
        de_sesion = Usuario.objects.get(pk=persona.pk)
    assert selectors.alertas_sin_leer(de_sesion) == 2
    services.notificacion_marcar_leida(notificacion=persona.notificaciones.get(titulo="Una"), por=de_sesion)
    assert selectors.alertas_sin_leer(de_sesion) == 1
    with cargando_de_sesion():
        de_sesion = Usuario.objects.get(pk=persona.pk)
    assert services.notificaciones_marcar_todas_leidas(por=de_sesion) == 1
    assert selectors.alertas_sin_leer(de_sesion) == 0
