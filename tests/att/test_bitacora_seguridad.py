"""Registro de seguridad en la base (ASVS L2, cap. 7): ingresos fallidos, bloqueos, permisos
denegados, tokens, cambios de rol y de acceso de administración, con persona, IP y hora; visible
solo para el administrador DNP; y el registro nunca tumba a quien lo llama."""

import logging
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from att import bitacora, services
from att.models import EventoSeguridad, Membresia, Rol, TipoEventoSeguridad, Usuario
from tests import factories

Tipo = TipoEventoSeguridad
CORREO = "ana.perez@medellin.gov.co"


def _eventos(tipo, **filtros):
    return list(EventoSeguridad.objects.filter(tipo=tipo, **filtros).order_by("creado", "pk"))


def _ingresar(client, correo, clave, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": correo, "password": clave}, REMOTE_ADDR=ip)


# --- Ingreso ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_ingreso_fallido_queda_con_correo_ip_y_hora(client):
    factories.persona(factories.alcaldia("05001"), email=CORREO)
    antes = timezone.now()
    r = _ingresar(client, "Ana.Perez@Medellin.gov.co", "clave-equivocada-123", ip="192.0.2.10")
    assert r.status_code == 200
    [evento] = _eventos(Tipo.INGRESO_FALLIDO)
    assert evento.correo == CORREO
    assert evento.ip == "192.0.2.10"
    assert evento.creado >= antes
    assert evento.ruta == "/ingresar/" and evento.metodo == "POST"
    assert evento.usuario is None
    assert evento.detalle == {"bloqueado": False}
    assert evento.request_id == r["X-Request-ID"]
    assert "clave-equivocada" not in str(evento.detalle)


@pytest.mark.django_db
def test_bloqueo_queda_registrado(client):
    factories.persona(factories.alcaldia("05001"), email=CORREO)
    for _ in range(4):
        _ingresar(client, CORREO, "clave-equivocada-123", ip="192.0.2.11")
    assert _eventos(Tipo.BLOQUEO) == []
    assert _ingresar(client, CORREO, "clave-equivocada-123", ip="192.0.2.11").status_code == 429
    [bloqueo] = _eventos(Tipo.BLOQUEO)
    assert (bloqueo.correo, bloqueo.ip) == (CORREO, "192.0.2.11")
    fallidos = _eventos(Tipo.INGRESO_FALLIDO, correo=CORREO)
    assert len(fallidos) == 5
    assert fallidos[-1].detalle == {"bloqueado": True}


@pytest.mark.django_db
def test_ingreso_y_salida_quedan_registrados(client):
    persona = factories.persona(factories.alcaldia("05001"), email=CORREO)
    assert _ingresar(client, CORREO, factories.CLAVE, ip="10.1.1.1").status_code == 302
    [ingreso] = _eventos(Tipo.INGRESO)
    assert (ingreso.usuario, ingreso.ip, ingreso.correo) == (persona, "10.1.1.1", CORREO)
    client.post(reverse("logout"), REMOTE_ADDR="10.1.1.1")
    [salida] = _eventos(Tipo.SALIDA)
    assert salida.usuario == persona


# --- Permisos denegados --------------------------------------------------------------------------

@pytest.mark.django_db
def test_403_en_una_pagina_queda_con_usuario_ruta_e_ip(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    r = client.get("/nucleo/atributos/importar/", REMOTE_ADDR="198.51.100.20")
    assert r.status_code == 403
    [evento] = _eventos(Tipo.PERMISO_DENEGADO)
    assert evento.usuario == funcionario_medellin
    assert (evento.ruta, evento.metodo, evento.ip) == ("/nucleo/atributos/importar/", "GET", "198.51.100.20")
    assert evento.detalle == {"estado": 403, "motivo": "Solo un administrador DNP puede importar atributos."}


@pytest.mark.django_db
def test_403_en_la_api_queda_registrado(client, funcionario_medellin):
    cali = factories.alcaldia("76001")
    client.force_login(funcionario_medellin)
    r = client.get(f"/api/v1/conocimiento/memoria/{cali.pk}/", REMOTE_ADDR="198.51.100.21")
    assert r.status_code == 403
    [evento] = _eventos(Tipo.PERMISO_DENEGADO)
    assert evento.usuario == funcionario_medellin
    assert evento.ruta == f"/api/v1/conocimiento/memoria/{cali.pk}/"
    assert evento.ip == "198.51.100.21"
    assert evento.detalle["motivo"] == r.json()["detail"]


@pytest.mark.django_db
def test_una_sola_fila_por_solicitud_denegada(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    for _ in range(3):
        client.get("/nucleo/atributos/importar/")
    assert len(_eventos(Tipo.PERMISO_DENEGADO)) == 3


@pytest.mark.django_db
def test_token_invalido_en_la_api_queda_como_ingreso_fallido():
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token no-es-una-clave-valida")
    r = api.post("/api/v1/seguimiento/percepciones/", {}, format="json", REMOTE_ADDR="203.0.113.50")
    assert r.status_code == 401
    [evento] = _eventos(Tipo.INGRESO_FALLIDO)
    assert evento.ip == "203.0.113.50"
    assert evento.detalle == {"medio": "token", "estado": 401, "motivo": "Token inválido o revocado."}


@pytest.mark.django_db
def test_un_bucle_de_tokens_inventados_no_llena_el_registro(settings):
    """Por IP y minuto se guardan hasta el tope; la última fila lo dice y otra IP sigue contando."""
    from django.core.cache import cache

    cache.clear()
    settings.ATT_BITACORA_TOPE_POR_MINUTO = 5
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token inventado")
    for _i in range(12):
        assert api.get("/api/v1/demandas/", REMOTE_ADDR="198.51.100.7").status_code == 401
    eventos = _eventos(Tipo.INGRESO_FALLIDO)
    assert len(eventos) == 5
    assert [e.detalle.get("tope_alcanzado", False) for e in eventos] == [False] * 4 + [True]
    assert api.get("/api/v1/demandas/", REMOTE_ADDR="198.51.100.8").status_code == 401
    assert len(_eventos(Tipo.INGRESO_FALLIDO)) == 6


@pytest.mark.django_db(transaction=True)
def test_la_denegacion_persiste_aunque_la_solicitud_y_su_transaccion_fallen(client):
    """Con solicitudes atómicas (ATOMIC_REQUESTS) o dentro de un atomic de la aplicación que se
    revierte, la denegación queda; un evento de una acción revertida (un token), no."""
    persona = factories.UsuarioFactory(email="sin.rol@prueba.gov.co")
    client.force_login(persona)
    connection.settings_dict["ATOMIC_REQUESTS"] = True
    try:
        assert client.get("/nucleo/atributos/importar/").status_code == 403
    finally:
        connection.settings_dict["ATOMIC_REQUESTS"] = False
    assert len(_eventos(Tipo.PERMISO_DENEGADO, usuario=persona)) == 1

    with pytest.raises(RuntimeError, match="la acción falló"), transaction.atomic():
        bitacora.registrar(Tipo.PERMISO_DENEGADO, usuario=persona, motivo="dentro de un atomic")
        bitacora.registrar("ingreso_fallido", correo="alguien@prueba.gov.co")  # como texto, igual persiste
        bitacora.registrar(Tipo.TOKEN_EMITIDO, usuario=persona, correo="otro@prueba.gov.co")
        raise RuntimeError("la acción falló")
    assert [e.detalle for e in _eventos(Tipo.PERMISO_DENEGADO, usuario=persona)][-1] == {"motivo": "dentro de un atomic"}
    assert len(_eventos(Tipo.INGRESO_FALLIDO, correo="alguien@prueba.gov.co")) == 1
    assert _eventos(Tipo.TOKEN_EMITIDO) == []


# --- Tokens, roles y acceso de administración ---------------------------------------------------------

@pytest.mark.django_db
def test_emitir_y_revocar_token_quedan_con_quien_lo_hizo(admin_dnp, funcionario_medellin):
    medellin = factories.alcaldia("05001")
    token, _clave = services.token_emitir(nombre="SI de Medellín", usuario=funcionario_medellin,
                                          entidad=medellin, rol=Rol.FUNCIONARIO_ET, por=admin_dnp)
    [emitido] = _eventos(Tipo.TOKEN_EMITIDO)
    assert emitido.usuario == admin_dnp
    assert emitido.correo == funcionario_medellin.email
    assert emitido.detalle == {"token": token.pk, "prefijo": token.prefijo, "nombre": "SI de Medellín",
                               "afectado": funcionario_medellin.pk, "entidad": medellin.pk,
                               "rol": Rol.FUNCIONARIO_ET}
    services.token_revocar(token=token, por=admin_dnp)
    services.token_revocar(token=token, por=admin_dnp)  # ya revocado: no es otro evento
    [revocado] = _eventos(Tipo.TOKEN_REVOCADO)
    assert (revocado.usuario, revocado.detalle["token"]) == (admin_dnp, token.pk)


@pytest.mark.django_db
def test_token_que_no_se_emite_no_deja_evento(admin_dnp, funcionario_medellin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="no tiene una membresía activa"):
        services.token_emitir(nombre="X", usuario=funcionario_medellin, entidad=factories.alcaldia("76001"),
                              rol=Rol.FUNCIONARIO_ET, por=admin_dnp)
    assert _eventos(Tipo.TOKEN_EMITIDO) == []


@pytest.mark.django_db
def test_cambio_de_rol_y_desactivacion_de_membresia(funcionario_medellin):
    membresia = Membresia.objects.get(usuario=funcionario_medellin)
    [creada] = _eventos(Tipo.ROL_CAMBIADO)
    assert creada.detalle["accion"] == "creada" and creada.correo == funcionario_medellin.email
    membresia.rol = Rol.EQUIPO_DEPARTAMENTAL
    membresia.save()
    membresia.activa = False
    membresia.save(update_fields=["activa"])
    membresia.hasta = membresia.desde
    membresia.save(update_fields=["hasta"])  # la fecha de fin termina el acceso (att.permisos): con evento
    _, cambio, desactivada, fin = _eventos(Tipo.ROL_CAMBIADO)
    assert fin.detalle["cambios"] == {"hasta": [None, membresia.desde.isoformat()]}
    assert cambio.detalle["accion"] == "modificada"
    assert cambio.detalle["cambios"] == {"rol": [Rol.FUNCIONARIO_ET, Rol.EQUIPO_DEPARTAMENTAL]}
    assert desactivada.detalle["accion"] == "desactivada"
    assert desactivada.detalle["cambios"] == {"activa": [True, False]}
    membresia.delete()
    assert _eventos(Tipo.ROL_CAMBIADO)[-1].detalle["accion"] == "eliminada"


def _datos_del_formulario(respuesta) -> dict:
    """Los valores de un formulario de cambio del admin (con sus inlines), como los enviaría el navegador."""
    datos = {}
    formularios = [respuesta.context["adminform"].form]
    for inline in respuesta.context["inline_admin_formsets"]:
        formularios += [inline.formset.management_form, *inline.formset.forms]
    for form in formularios:
        for campo in form:
            valor = campo.value()
            if valor is None or valor is False:
                continue
            if isinstance(valor, (list, tuple)):
                if campo.field.widget.__class__.__name__.startswith("Split"):
                    for i, parte in enumerate(campo.field.widget.decompress(valor) if not isinstance(valor, list) else valor):
                        datos[f"{campo.html_name}_{i}"] = parte
                else:
                    datos[campo.html_name] = list(valor)
            elif valor is True:
                datos[campo.html_name] = "on"
            else:
                datos[campo.html_name] = valor
    return datos


@pytest.mark.django_db
def test_dar_acceso_de_administracion_en_el_admin_queda_registrado(client, funcionario_medellin):
    superusuario = factories.UsuarioFactory(is_superuser=True, is_staff=True)
    client.force_login(superusuario)
    url = f"/admin/att/usuario/{funcionario_medellin.pk}/change/"
    formulario = client.get(url)
    assert formulario.status_code == 200
    datos = _datos_del_formulario(formulario)
    datos.update({
        "is_staff": "on", "fecha_registro_0": timezone.localtime(funcionario_medellin.fecha_registro).strftime("%d/%m/%Y"),
        "fecha_registro_1": timezone.localtime(funcionario_medellin.fecha_registro).strftime("%H:%M:%S"),
    })
    datos.pop("fecha_registro", None)
    r = client.post(url, datos, REMOTE_ADDR="10.20.30.40")
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    funcionario_medellin.refresh_from_db()
    assert funcionario_medellin.is_staff
    [evento] = _eventos(Tipo.STAFF_CAMBIADO, correo=funcionario_medellin.email)
    assert evento.usuario == superusuario
    assert evento.ip == "10.20.30.40"
    assert evento.ruta == url
    assert evento.detalle == {"afectado": funcionario_medellin.pk, "accion": "modificado",
                              "cambios": {"is_staff": [False, True]}}
    # Guardar de nuevo sin cambios de permisos no agrega filas.
    client.post(url, datos)
    assert len(_eventos(Tipo.STAFF_CAMBIADO, correo=funcionario_medellin.email)) == 1


@pytest.mark.django_db
def test_ultimo_ingreso_no_consulta_los_permisos_anteriores(funcionario_medellin, django_assert_num_queries):
    """El ingreso guarda last_login con update_fields: no paga la lectura previa de is_staff & co."""
    with django_assert_num_queries(1):
        funcionario_medellin.last_login = timezone.now()
        funcionario_medellin.save(update_fields=["last_login"])


# --- Quién lo ve ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_el_admin_dnp_ve_el_registro(client, admin_dnp, funcionario_medellin, django_assert_max_num_queries):
    for ip in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        _ingresar(client, CORREO, "clave-equivocada-123", ip=ip)
    client.force_login(admin_dnp)
    with django_assert_max_num_queries(12):
        r = client.get("/nucleo/seguridad/", {"tipo": Tipo.INGRESO_FALLIDO})
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count(CORREO) == 3 and "192.0.2.3" in html
    assert client.get("/nucleo/seguridad/", {"q": "192.0.2.2"}).context["pagina"].paginator.count == 1
    with django_assert_max_num_queries(14):
        r = client.get("/admin/att/eventoseguridad/", {"q": CORREO})
    assert r.status_code == 200 and "192.0.2.2" in r.content.decode()
    assert client.get("/admin/att/eventoseguridad/add/").status_code == 403
    evento = EventoSeguridad.objects.filter(correo=CORREO).first()
    assert client.post(f"/admin/att/eventoseguridad/{evento.pk}/delete/", {"post": "yes"}).status_code == 403
    assert EventoSeguridad.objects.filter(pk=evento.pk).exists()


@pytest.mark.django_db
def test_un_funcionario_et_no_ve_el_registro_y_el_intento_queda(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    r = client.get("/nucleo/seguridad/", REMOTE_ADDR="198.51.100.99")
    assert r.status_code == 403
    [evento] = _eventos(Tipo.PERMISO_DENEGADO)
    assert (evento.usuario, evento.ruta, evento.ip) == (funcionario_medellin, "/nucleo/seguridad/", "198.51.100.99")
    assert evento.detalle["motivo"] == "Solo un administrador DNP puede ver el registro de seguridad."
    # Con acceso al admin (is_staff) pero sin ser del DNP, tampoco en el admin.
    Usuario.objects.filter(pk=funcionario_medellin.pk).update(is_staff=True)
    funcionario_medellin.refresh_from_db()
    client.force_login(funcionario_medellin)  # con acceso al admin debe pasar el segundo factor
    assert client.get("/admin/att/eventoseguridad/").status_code == 403
    assert _eventos(Tipo.PERMISO_DENEGADO)[-1].ruta == "/admin/att/eventoseguridad/"


@pytest.mark.django_db
def test_el_seguimiento_dnp_no_ve_el_registro(client, seguimiento_dnp):
    client.force_login(seguimiento_dnp)
    assert client.get("/nucleo/seguridad/").status_code == 403
    assert client.get("/admin/att/eventoseguridad/").status_code == 403


# --- Registrar nunca lanza ----------------------------------------------------------------------------

class _Raro:
    def __str__(self):
        return "objeto raro"


@pytest.mark.django_db
def test_un_detalle_que_no_es_json_no_impide_registrar(admin_dnp):
    evento = bitacora.registrar(Tipo.PERMISO_DENEGADO, usuario=admin_dnp, objeto=_Raro(), monto=Decimal("1.5"),
                                nul="a\x00b", conjunto={1})
    assert evento is not None
    evento.refresh_from_db()
    assert evento.detalle == {"objeto": "objeto raro", "monto": "1.5", "nul": "ab", "conjunto": "{1}"}


@pytest.mark.django_db
def test_registrar_no_lanza_si_la_escritura_falla(admin_dnp, caplog):
    def falla_el_insert(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "att_eventoseguridad"'):
            sql, params = "SELECT 1/0", None  # un error real de PostgreSQL: aborta lo que esté en curso
        return execute(sql, params, many, context)

    with caplog.at_level(logging.ERROR, logger="att.bitacora"), transaction.atomic():
        with connection.execute_wrapper(falla_el_insert):
            assert bitacora.registrar(Tipo.ROL_CAMBIADO, usuario=admin_dnp, accion="prueba") is None
        # La transacción de quien llamó sigue sana.
        assert Usuario.objects.filter(pk=admin_dnp.pk).exists()
    assert "No se pudo escribir el evento de seguridad «rol_cambiado»." in caplog.text
    assert not EventoSeguridad.objects.filter(detalle__accion="prueba").exists()


@pytest.mark.django_db
def test_un_tipo_desconocido_se_anota_como_error_sin_lanzar(caplog):
    with caplog.at_level(logging.ERROR, logger="att.bitacora"):
        assert bitacora.registrar("no_existe") is None
    assert "Tipo de evento de seguridad desconocido: 'no_existe'" in caplog.text


@pytest.mark.django_db
def test_una_escritura_fallida_del_registro_no_tumba_la_solicitud(client, funcionario_medellin):
    def falla_el_insert(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "att_eventoseguridad"'):
            raise DatabaseError("base caída")
        return execute(sql, params, many, context)

    client.force_login(funcionario_medellin)
    with connection.execute_wrapper(falla_el_insert):
        r = client.get("/nucleo/atributos/importar/")
    assert r.status_code == 403  # el 403 de siempre, no un 500
    assert _eventos(Tipo.PERMISO_DENEGADO) == []


def test_eventos_no_se_editan():
    evento = EventoSeguridad(tipo=Tipo.INGRESO)
    evento._state.adding = False
    with pytest.raises(ValueError, match="Un evento de seguridad no se modifica."):
        evento.save()
