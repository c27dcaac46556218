"""Cuentas: pedir una cuenta (aprobar / rechazar), invitaciones, contraseña (cambio y recuperación por
correo), fin de una membresía y los datos personales (Ley 1581 de 2012)."""

import csv
import io
import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from att import cuentas, permisos
from att.models import (
    EstadoSolicitudCuenta,
    Invitacion,
    Membresia,
    Rol,
    SolicitudCuenta,
    SolicitudDatosPersonales,
    Usuario,
)
from tests import factories

pytestmark = pytest.mark.django_db

CLAVE_NUEVA = "Llanos-Orientales-2026!"
ENLACE = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture(autouse=True)
def _sin_topes():
    cache.clear()


def _ruta(url: str) -> str:
    return urlsplit(url).path


def _enlaces(correo, fragmento: str) -> list[str]:
    return [u for u in ENLACE.findall(correo.body) if fragmento in u]


def _pedir(client, capturar, **cambios):
    datos = {"nombre": "Ana Restrepo", "email": "Ana.Restrepo@medellin.gov.co", "entidad": "05001",
             "rol": Rol.FUNCIONARIO_ET, "cargo": "Profesional de planeación",
             "justificacion": "Registro las demandas de asistencia técnica del municipio.", **cambios}
    with capturar(execute=True):
        return client.post("/cuenta/solicitar/", datos)


def _fijar_clave(client, enlace: str):
    respuesta = client.get(_ruta(enlace))
    assert respuesta.status_code == 302  # Django guarda el token en la sesión y quita el token de la URL
    formulario = respuesta["Location"]
    assert client.get(formulario).context["validlink"] is True
    return client.post(formulario, {"new_password1": CLAVE_NUEVA, "new_password2": CLAVE_NUEVA})


def test_pedir_aprobar_fijar_clave_e_ingresar(client, admin_dnp, django_capture_on_commit_callbacks):
    respuesta = _pedir(client, django_capture_on_commit_callbacks)
    assert respuesta.status_code == 302 and respuesta["Location"] == "/cuenta/solicitar/enviada/"
    solicitud = SolicitudCuenta.objects.get()
    assert (solicitud.email, solicitud.entidad.municipio_id) == ("ana.restrepo@medellin.gov.co", "05001")
    # Acuse a quien pide y alerta a quien resuelve (el administrador DNP), con el enlace a la solicitud.
    assert sorted(c.to[0] for c in mail.outbox) == sorted(["ana.restrepo@medellin.gov.co", admin_dnp.email])
    alerta = next(c for c in mail.outbox if c.to == [admin_dnp.email])
    assert f"/cuenta/solicitudes/{solicitud.pk}/" in alerta.body
    # Un reenvío (doble clic) no crea otra solicitud.
    _pedir(client, django_capture_on_commit_callbacks)
    assert SolicitudCuenta.objects.count() == 1

    aprobador = type(client)()
    aprobador.force_login(admin_dnp)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = aprobador.post(f"/cuenta/solicitudes/{solicitud.pk}/", {"accion": "aprobar"})
    assert r.status_code == 302
    usuario = Usuario.objects.get(email="ana.restrepo@medellin.gov.co")
    assert not usuario.has_usable_password()
    # Aprobar de nuevo (otra pestaña, una tarea repetida) no crea otro usuario ni otra membresía.
    assert cuentas.solicitud_cuenta_aprobar(solicitud=solicitud, por=admin_dnp) == usuario
    assert Usuario.objects.filter(email__iexact="ana.restrepo@medellin.gov.co").count() == 1
    assert Membresia.objects.filter(usuario=usuario).count() == 1
    (correo,) = mail.outbox
    assert correo.to == [usuario.email] and "aprobada" in correo.subject
    (enlace,) = _enlaces(correo, "/cuenta/recuperar/")

    assert _fijar_clave(client, enlace)["Location"] == "/cuenta/recuperar/listo/"
    # El enlace sirve una sola vez.
    assert client.get(_ruta(enlace), follow=True).context["validlink"] is False
    r = client.post("/ingresar/", {"username": usuario.email, "password": CLAVE_NUEVA})
    assert r.status_code == 302
    pagina = client.get("/cuenta/")
    assert pagina.status_code == 200
    assert [m.entidad.municipio_id for m in pagina.context["membresias"]] == ["05001"]


def test_rechazo_envia_el_motivo(client, admin_dnp, django_capture_on_commit_callbacks):
    _pedir(client, django_capture_on_commit_callbacks)
    solicitud = SolicitudCuenta.objects.get()
    client.force_login(admin_dnp)
    sin_motivo = client.post(f"/cuenta/solicitudes/{solicitud.pk}/", {"accion": "rechazar", "motivo": ""})
    assert sin_motivo.status_code == 200 and "Escriba el motivo" in sin_motivo.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/cuenta/solicitudes/{solicitud.pk}/",
                    {"accion": "rechazar", "motivo": "El correo no es institucional."})
    solicitud.refresh_from_db()
    assert solicitud.estado == EstadoSolicitudCuenta.RECHAZADA
    (correo,) = mail.outbox
    assert "El correo no es institucional." in correo.body
    assert not Usuario.objects.filter(email=solicitud.email).exists()
    with pytest.raises(ValidationError, match="ya fue rechazada"):
        cuentas.solicitud_cuenta_aprobar(solicitud=solicitud, por=admin_dnp)


def test_equipo_departamental_resuelve_solo_sus_municipios(client, equipo_antioquia, django_capture_on_commit_callbacks):
    _pedir(client, django_capture_on_commit_callbacks)  # Medellín (Antioquia)
    _pedir(client, django_capture_on_commit_callbacks, entidad="76001", email="luis@cali.gov.co")  # Cali
    medellin = SolicitudCuenta.objects.get(entidad__municipio_id="05001")
    cali = SolicitudCuenta.objects.get(entidad__municipio_id="76001")
    client.force_login(equipo_antioquia)
    cola = client.get("/cuenta/solicitudes/")
    assert [s.pk for s in cola.context["pagina"]] == [medellin.pk]
    assert client.post(f"/cuenta/solicitudes/{cali.pk}/", {"accion": "aprobar"}).status_code == 404
    with pytest.raises(PermissionDenied):
        cuentas.solicitud_cuenta_aprobar(solicitud=cali, por=equipo_antioquia)
    assert client.post(f"/cuenta/solicitudes/{medellin.pk}/", {"accion": "aprobar"}).status_code == 302
    cali.refresh_from_db()
    medellin.refresh_from_db()
    assert (medellin.estado, cali.estado) == (EstadoSolicitudCuenta.APROBADA, EstadoSolicitudCuenta.PENDIENTE)
    # Un funcionario municipal no ve la cola.
    client.force_login(factories.persona(factories.alcaldia("05001")))
    assert client.get("/cuenta/solicitudes/").status_code == 403


def test_rol_que_no_corresponde_a_la_entidad(client, django_capture_on_commit_callbacks):
    r = _pedir(client, django_capture_on_commit_callbacks, rol=Rol.EQUIPO_DEPARTAMENTAL)
    assert r.status_code == 200 and "gobernación" in r.content.decode()
    assert not SolicitudCuenta.objects.exists()


def test_pedir_cuenta_tiene_tope_por_ip(client, settings, django_capture_on_commit_callbacks):
    settings.ATT_CUENTA_TOPE_POR_HORA = 2
    for i in range(2):
        assert _pedir(client, django_capture_on_commit_callbacks, email=f"p{i}@medellin.gov.co").status_code == 302
    r = _pedir(client, django_capture_on_commit_callbacks, email="p9@medellin.gov.co")
    assert r.status_code == 429 and "muchos envíos" in r.content.decode()
    assert SolicitudCuenta.objects.count() == 2


def test_invitacion_un_solo_uso_y_reinvitar_renueva(client, django_capture_on_commit_callbacks):
    medellin = factories.alcaldia("05001")
    jefe = factories.persona(medellin)
    Membresia.objects.filter(usuario=jefe).update(administra=True)
    client.force_login(jefe)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/cuenta/invitar/", {"entidad": medellin.pk, "email": "nuevo@medellin.gov.co",
                                             "rol": Rol.FUNCIONARIO_ET})
    assert r.status_code == 302
    (primero,) = _enlaces(mail.outbox[-1], "/cuenta/invitacion/")
    # Reinvitar: la misma invitación con un enlace nuevo; el anterior deja de valer.
    with django_capture_on_commit_callbacks(execute=True):
        cuentas.invitacion_enviar(entidad=medellin, email="NUEVO@medellin.gov.co", rol=Rol.FUNCIONARIO_ET, por=jefe)
    assert Invitacion.objects.count() == 1
    (segundo,) = _enlaces(mail.outbox[-1], "/cuenta/invitacion/")
    assert segundo != primero
    client.logout()
    viejo = client.get(_ruta(primero))
    assert viejo.status_code == 404 and "reenvió" in viejo.content.decode()

    debil = client.post(_ruta(segundo), {"nombre": "Nueva Persona", "clave1": "123", "clave2": "123"})
    assert debil.status_code == 200 and not Usuario.objects.filter(email="nuevo@medellin.gov.co").exists()
    r = client.post(_ruta(segundo), {"nombre": "Nueva Persona", "clave1": CLAVE_NUEVA, "clave2": CLAVE_NUEVA})
    assert r.status_code == 302
    nueva = Usuario.objects.get(email="nuevo@medellin.gov.co")
    assert nueva.check_password(CLAVE_NUEVA)
    assert list(Membresia.objects.filter(usuario=nueva).values_list("entidad_id", "rol")) == [
        (medellin.pk, Rol.FUNCIONARIO_ET)]
    # Una sola vez.
    otra = client.post(_ruta(segundo), {"nombre": "Otra", "clave1": CLAVE_NUEVA, "clave2": CLAVE_NUEVA})
    assert otra.status_code == 404 and "ya se usó" in otra.content.decode()
    assert Usuario.objects.filter(email="nuevo@medellin.gov.co").count() == 1


def test_invitacion_vencida(client):
    medellin = factories.alcaldia("05001")
    dnp = factories.persona(factories.dnp(), Rol.ADMIN_DNP)
    invitacion = cuentas.invitacion_enviar(entidad=medellin, email="tarde@medellin.gov.co", rol=Rol.FUNCIONARIO_ET,
                                           por=dnp)
    token = cuentas.token_invitacion(invitacion)
    assert cuentas.invitacion_leer(token).pk == invitacion.pk
    # Ocho días después: la firma venció (y la fecha guardada también).
    Invitacion.objects.filter(pk=invitacion.pk).update(expira_en=timezone.now() - timedelta(minutes=1))
    r = client.get(f"/cuenta/invitacion/{token}/")
    assert r.status_code == 404 and "venció" in r.content.decode()
    with pytest.raises(ValidationError, match="venció"):
        cuentas.invitacion_aceptar(token=token, nombre="X", clave=CLAVE_NUEVA)


def test_invitar_exige_administrar_la_entidad(client):
    medellin, cali = factories.alcaldia("05001"), factories.alcaldia("76001")
    jefe = factories.persona(medellin)
    client.force_login(jefe)
    assert client.get("/cuenta/invitar/").status_code == 403  # sin `administra`
    Membresia.objects.filter(usuario=jefe).update(administra=True)
    permisos.olvidar_vinculos(jefe)
    with pytest.raises(PermissionDenied):
        cuentas.invitacion_enviar(entidad=cali, email="x@cali.gov.co", rol=Rol.FUNCIONARIO_ET, por=jefe)
    r = client.post("/cuenta/invitar/", {"entidad": cali.pk, "email": "x@cali.gov.co", "rol": Rol.FUNCIONARIO_ET})
    assert r.status_code == 200 and not Invitacion.objects.exists()


def test_recuperar_clave_por_correo(client, funcionario_medellin, django_capture_on_commit_callbacks):
    pagina = client.get("/cuenta/recuperar/")
    assert pagina.status_code == 200 and "Recuperar la contraseña" in pagina.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/cuenta/recuperar/", {"email": funcionario_medellin.email.upper()})
    assert r["Location"] == "/cuenta/recuperar/enviado/"
    # Un correo que no existe recibe la misma respuesta y no envía nada.
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/cuenta/recuperar/", {"email": "nadie@x.gov.co"})
    assert r["Location"] == "/cuenta/recuperar/enviado/"
    (correo,) = mail.outbox
    assert correo.to == [funcionario_medellin.email]
    (enlace,) = _enlaces(correo, "/cuenta/recuperar/")
    # Las reglas de contraseña del sitio siguen valiendo (mínimo 12 caracteres).
    formulario = client.get(_ruta(enlace))["Location"]
    corta = client.post(formulario, {"new_password1": "corta", "new_password2": "corta"})
    assert corta.status_code == 200 and corta.context["form"].errors
    assert client.post(formulario, {"new_password1": CLAVE_NUEVA, "new_password2": CLAVE_NUEVA}).status_code == 302
    assert "_auth_user_id" not in client.session  # no inicia sesión: se ingresa como siempre
    assert client.post("/ingresar/", {"username": funcionario_medellin.email, "password": CLAVE_NUEVA}).status_code == 302
    assert client.get("/cuenta/").status_code == 200


@pytest.mark.sin_mfa_automatica
def test_recuperar_no_salta_el_segundo_factor(client, admin_dnp, django_capture_on_commit_callbacks):
    from tests.conftest import dispositivo_mfa

    dispositivo_mfa(admin_dnp)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/cuenta/recuperar/", {"email": admin_dnp.email})
    (enlace,) = _enlaces(mail.outbox[0], "/cuenta/recuperar/")
    _fijar_clave(client, enlace)
    client.post("/ingresar/", {"username": admin_dnp.email, "password": CLAVE_NUEVA})
    r = client.get("/cuenta/solicitudes/")
    assert r.status_code == 302 and r["Location"].startswith("/cuenta/mfa/verificar/")


def test_cambiar_clave(client, funcionario_medellin):
    client.force_login(funcionario_medellin)
    r = client.post("/cuenta/clave/", {"old_password": factories.CLAVE, "new_password1": CLAVE_NUEVA,
                                       "new_password2": CLAVE_NUEVA})
    assert r.status_code == 302 and r["Location"] == "/cuenta/"
    funcionario_medellin.refresh_from_db()
    assert funcionario_medellin.check_password(CLAVE_NUEVA)
    assert client.get("/cuenta/").status_code == 200  # la sesión sigue


def test_fin_de_membresia_quita_el_acceso_y_conserva_los_registros(client, admin_dnp):
    medellin = factories.alcaldia("05001")
    saliente = factories.persona(medellin)
    Membresia.objects.filter(usuario=saliente).update(administra=True, desde=timezone.localdate() - timedelta(days=30))
    invitacion = cuentas.invitacion_enviar(entidad=medellin, email="x@medellin.gov.co", rol=Rol.FUNCIONARIO_ET,
                                           por=Usuario.objects.get(pk=saliente.pk))
    client.force_login(saliente)
    assert client.get(f"/cuenta/entidad/{medellin.pk}/miembros/").status_code == 200
    assert permisos.puede_ver_perfil_privado(Usuario.objects.get(pk=saliente.pk), medellin)

    jefe = type(client)()
    jefe.force_login(admin_dnp)
    membresia = Membresia.objects.get(usuario=saliente)
    ayer = timezone.localdate() - timedelta(days=1)
    r = jefe.post(f"/cuenta/membresia/{membresia.pk}/terminar/", {"hasta": ayer.isoformat()})
    assert r.status_code == 302
    membresia.refresh_from_db()
    assert membresia.hasta == ayer
    # Su acceso por esa membresía terminó; sus registros siguen a su nombre.
    assert client.get(f"/cuenta/entidad/{medellin.pk}/miembros/").status_code == 403
    fresco = Usuario.objects.get(pk=saliente.pk)
    assert not permisos.puede_ver_perfil_privado(fresco, medellin)
    assert not permisos.entidades_de(fresco).exists()
    invitacion.refresh_from_db()
    assert invitacion.invitada_por_id == saliente.pk
    assert client.get("/cuenta/").context["membresias"][0].vigente is False
    # Terminarla hoy aún deja el día de hoy.
    otra = factories.persona(medellin)
    cuentas.membresia_terminar(membresia=Membresia.objects.get(usuario=otra), por=admin_dnp)
    assert permisos.puede_ver_perfil_privado(Usuario.objects.get(pk=otra.pk), medellin)


def test_solo_quien_administra_termina_membresias(client, funcionario_medellin, funcionario_cali):
    membresia = Membresia.objects.get(usuario=funcionario_medellin)
    client.force_login(funcionario_cali)
    assert client.post(f"/cuenta/membresia/{membresia.pk}/terminar/",
                       {"hasta": timezone.localdate().isoformat()}).status_code == 403
    membresia.refresh_from_db()
    assert membresia.hasta is None


def test_descarga_de_mis_datos_sin_los_de_otros(client, funcionario_medellin, funcionario_cali):
    cuentas.datos_solicitar(usuario=funcionario_medellin, tipo="correccion", detalle="Mi cargo cambió.")
    cuentas.datos_solicitar(usuario=funcionario_cali, tipo="correccion", detalle="Dato de Cali secreto.")
    client.force_login(funcionario_medellin)
    r = client.get("/cuenta/datos.json")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    datos = json.loads(r.getvalue())
    assert datos["usuario"]["correo"] == funcionario_medellin.email
    assert [m["entidad"] for m in datos["membresias"]] == [factories.alcaldia("05001").nombre]
    assert [s["detalle"] for s in datos["solicitudes_datos"]] == ["Mi cargo cambió."]
    assert set(datos["preferencias_alertas"])
    texto = r.getvalue().decode()
    assert funcionario_cali.email not in texto and "Cali secreto" not in texto
    filas = list(csv.reader(io.StringIO(client.get("/cuenta/datos.csv").getvalue().decode("utf-8-sig"))))
    assert ["usuario", "correo", funcionario_medellin.email] in filas
    assert not any(funcionario_cali.email in c for f in filas for c in f)
    assert client.get("/cuenta/datos.xml").status_code == 404


def test_supresion_anonimiza_tras_la_respuesta_del_dnp(client, admin_dnp, funcionario_medellin,
                                                       django_capture_on_commit_callbacks):
    correo_original = funcionario_medellin.email
    client.force_login(funcionario_medellin)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/cuenta/datos/solicitar/", {"tipo": "supresion", "detalle": "Ya no trabajo en la alcaldía."})
    assert r.status_code == 302
    solicitud = SolicitudDatosPersonales.objects.get()
    invitacion = cuentas.invitacion_enviar(entidad=factories.alcaldia("05001"), email="otro@x.gov.co",
                                           rol=Rol.FUNCIONARIO_ET, por=admin_dnp)
    Invitacion.objects.filter(pk=invitacion.pk).update(invitada_por=funcionario_medellin)
    funcionario_medellin.refresh_from_db()
    assert funcionario_medellin.nombre != cuentas.nombre_anonimo(funcionario_medellin.pk)  # aún no

    dnp = type(client)()
    dnp.force_login(admin_dnp)
    assert [s.pk for s in dnp.get("/cuenta/solicitudes/datos/").context["pagina"]] == [solicitud.pk]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = dnp.post(f"/cuenta/solicitudes/datos/{solicitud.pk}/",
                     {"estado": "atendida", "respuesta": "Suprimimos sus datos de contacto."})
    assert r.status_code == 302
    anonima = Usuario.objects.get(pk=funcionario_medellin.pk)
    assert anonima.nombre == cuentas.nombre_anonimo(anonima.pk)
    assert anonima.email.endswith("@anonimo.invalid") and not anonima.is_active
    assert not anonima.has_usable_password()
    assert not Usuario.historial.filter(id=anonima.pk, email=correo_original).exists()
    assert Invitacion.objects.get(pk=invitacion.pk).invitada_por_id == anonima.pk  # el registro queda
    assert not permisos.entidades_de(anonima).exists()
    (correo,) = mail.outbox
    assert correo.to == [correo_original] and "Suprimimos" in correo.body
    # Responder otra vez no cambia nada.
    assert cuentas.datos_responder(solicitud=solicitud, estado="rechazada", respuesta="x", por=admin_dnp).estado == \
        "atendida"
    # Solo el DNP responde.
    otro = factories.persona(factories.alcaldia("76001"))
    pedido, _nueva = cuentas.datos_solicitar(usuario=otro, tipo="correccion", detalle="Mi teléfono.")
    with pytest.raises(PermissionDenied):
        cuentas.datos_responder(solicitud=pedido, estado="atendida", respuesta="ok", por=otro)


def test_colas_y_mi_cuenta_con_consultas_planas(client, admin_dnp, django_assert_max_num_queries):
    medellin = factories.alcaldia("05001")

    def sembrar(n):
        for i in range(n):
            SolicitudCuenta.objects.create(nombre=f"P{i}", email=f"p{i}-{n}@x.gov.co", entidad=medellin,
                                           rol=Rol.FUNCIONARIO_ET, cargo="c", justificacion="j")
            u = factories.persona(medellin)
            SolicitudDatosPersonales.objects.create(usuario=u, tipo="correccion", detalle="d")
            Membresia.objects.create(usuario=admin_dnp, entidad=factories.EntidadNacionalFactory(), rol=Rol.OFERENTE)

    client.force_login(admin_dnp)
    cifras = {}
    for n in (10, 20):
        sembrar(10)
        for url in ("/cuenta/solicitudes/", "/cuenta/solicitudes/datos/", "/cuenta/",
                    f"/cuenta/entidad/{medellin.pk}/miembros/"):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as c:
                assert client.get(url).status_code == 200
            cifras.setdefault(url, []).append(len(c.captured_queries))
    for url, (diez, veinte) in cifras.items():
        assert diez == veinte, (url, cifras)
        assert diez <= 20, (url, cifras)


def test_enlaces_en_ingreso_y_mi_cuenta_en_el_encabezado(client, funcionario_medellin):
    ingreso = client.get("/ingresar/").content.decode()
    assert 'href="/cuenta/solicitar/"' in ingreso and "¿No tiene cuenta? Solicítela" in ingreso
    assert 'href="/cuenta/recuperar/"' in ingreso and "¿Olvidó su contraseña?" in ingreso
    assert "Mi cuenta" not in client.get("/").content.decode()
    client.force_login(funcionario_medellin)
    assert 'href="/cuenta/">Mi cuenta</a>' in client.get("/").content.decode()


def test_entidad_por_nombre_ambiguo_ofrece_candidatos(client, django_capture_on_commit_callbacks):
    r = _pedir(client, django_capture_on_commit_callbacks, entidad="Alcaldía de San")
    assert r.status_code == 200 and "Muchas entidades" in r.content.decode()
    r = _pedir(client, django_capture_on_commit_callbacks, entidad="buenavista")  # sin tilde ni mayúscula
    assert r.status_code == 200 and not SolicitudCuenta.objects.exists()
    candidatos = r.context["form"].candidatos
    assert len(candidatos) >= 2 and all("Buenavista" in e.nombre for e in candidatos)
    assert 'name="entidad_id"' in r.content.decode()
    elegida = candidatos[1]
    r = _pedir(client, django_capture_on_commit_callbacks, entidad="buenavista", entidad_id=elegida.pk)
    assert r.status_code == 302
    assert SolicitudCuenta.objects.get().entidad == elegida
    # Por nombre exacto, sin tildes, una sola.
    _pedir(client, django_capture_on_commit_callbacks, entidad="alcaldia de medellin", email="b@medellin.gov.co")
    assert SolicitudCuenta.objects.get(email="b@medellin.gov.co").entidad.municipio_id == "05001"
