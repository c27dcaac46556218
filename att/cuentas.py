"""Cuentas: pedir una cuenta, invitar, terminar una membresía y los datos personales (Ley 1581 de 2012).

Toda escritura pasa por aquí, en una transacción, con el permiso verificado aquí y repetible sin
efectos de más (un doble clic, una tarea reentregada):

- `solicitud_cuenta_crear`: una solicitud pendiente por (correo, entidad, rol); repetirla devuelve la misma.
- `solicitud_cuenta_aprobar`: crea (o reutiliza) la persona y su membresía; aprobar dos veces no crea dos
  usuarios. El correo lleva el enlace para fijar la contraseña (el token de restablecimiento de Django,
  que deja de valer cuando la contraseña cambia). Nadie entra sin pasar por el ingreso normal: quien
  debe usar el segundo factor (att/mfa.py) lo sigue usando.
- `invitacion_enviar`: una invitación pendiente por (entidad, correo); reenviarla la renueva (token nuevo,
  el enlace anterior deja de valer, plazo nuevo). `invitacion_aceptar` la usa una sola vez.
- `membresia_terminar`: la fecha de fin (`hasta`); desde el día siguiente la persona ya no actúa por la
  entidad (`Membresia.objects.vigentes`, en att/permisos.py) y sus registros siguen a su nombre.
- `datos_solicitar` / `datos_responder`: corrección o supresión; la supresión atendida anonimiza a la
  persona (`usuario_anonimizar`): sus registros quedan, con el nombre anonimizado.

Los correos salen por la bandeja de salida (`att.salida.encolar("att.correo_cuenta", …)`).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from att import permisos
from att.models import (
    CategoriaAlerta,
    Entidad,
    EstadoSolicitudCuenta,
    EstadoSolicitudDatos,
    Invitacion,
    Membresia,
    Rol,
    SolicitudCuenta,
    SolicitudDatosPersonales,
    TipoEntidad,
    TipoSolicitudDatos,
    Usuario,
)
from att.salida import encolar
from att.validadores import exigir_largos

TAREA_CORREO = "att.correo_cuenta"
VIGENCIA_INVITACION = timedelta(days=7)
SAL_INVITACION = "att.cuentas.invitacion"
# Lo que una persona puede pedir o recibir por invitación; los roles del DNP, el auditor y el
# integrador los asigna un administrador DNP en el administrador.
ROLES_SOLICITABLES = (Rol.FUNCIONARIO_ET, Rol.EQUIPO_DEPARTAMENTAL, Rol.OFERENTE)


# --- Quién puede qué -------------------------------------------------------------------------------

def puede_resolver_solicitud(usuario, entidad: Entidad) -> bool:
    """El administrador DNP resuelve todas; el equipo departamental, las de las alcaldías de su departamento."""
    if permisos.es_admin_dnp(usuario):
        return True
    return entidad.tipo == TipoEntidad.ALCALDIA and permisos.actua_por(usuario, entidad, {Rol.EQUIPO_DEPARTAMENTAL})


def resuelve_solicitudes(usuario) -> bool:
    return permisos.es_admin_dnp(usuario) or permisos.tiene_rol(usuario, Rol.EQUIPO_DEPARTAMENTAL)


def solicitudes_a_cargo(usuario):
    """Las solicitudes de cuenta que la persona puede resolver (sin listas de ids: subconsulta)."""
    qs = SolicitudCuenta.objects.select_related("entidad", "resuelta_por")
    if permisos.es_admin_dnp(usuario):
        return qs
    alcance = permisos.entidades_de(usuario, [Rol.EQUIPO_DEPARTAMENTAL]).filter(tipo=TipoEntidad.ALCALDIA)
    return qs.filter(entidad__in=alcance.values("pk"))


def entidades_administradas(usuario):
    """Entidades cuyos miembros la persona administra: las de sus membresías vigentes con `administra`,
    las alcaldías de su departamento (equipo departamental) y todas para el administrador DNP."""
    if not usuario.is_authenticated or permisos.solo_lectura(usuario):
        return Entidad.objects.none()
    if permisos.es_admin_dnp(usuario):
        return Entidad.objects.all()
    propias = Membresia.objects.vigentes().filter(usuario=usuario, administra=True, entidad=OuterRef("pk"))
    departamentales = permisos.entidades_de(usuario, [Rol.EQUIPO_DEPARTAMENTAL]).filter(tipo=TipoEntidad.ALCALDIA)
    return Entidad.objects.filter(Q(Exists(propias)) | Q(pk__in=departamentales.values("pk")))


def puede_administrar(usuario, entidad: Entidad) -> bool:
    if permisos.es_admin_dnp(usuario):
        return True
    return entidades_administradas(usuario).filter(pk=entidad.pk).exists()


def _verificar_rol(entidad: Entidad, rol: str, *, por=None) -> None:
    if por is not None and permisos.es_admin_dnp(por):
        if rol not in Rol.values:
            raise ValidationError({"rol": _("Elija un rol de la lista.")})
        return
    if rol not in ROLES_SOLICITABLES:
        raise ValidationError({"rol": _("Ese rol lo asigna el DNP: elija funcionario, equipo departamental u oferente.")})
    if rol == Rol.EQUIPO_DEPARTAMENTAL and entidad.tipo != TipoEntidad.GOBERNACION:
        raise ValidationError({"rol": _("El equipo departamental pertenece a una gobernación: elija su gobernación.")})
    if rol == Rol.FUNCIONARIO_ET and entidad.tipo not in TipoEntidad.territoriales():
        raise ValidationError({"rol": _("El rol de funcionario es para una alcaldía o una gobernación.")})


def _normalizar_correo(email: str) -> str:
    return Usuario.objects.normalize_email((email or "").strip()).lower()


def _membresia_dar(*, usuario, entidad, rol, por) -> Membresia:
    """La membresía vigente de la persona en la entidad con ese rol (la crea, o reabre una terminada)."""
    membresia = Membresia.objects.select_for_update().filter(usuario=usuario, entidad=entidad, rol=rol).first()
    if membresia is None:
        membresia = Membresia(usuario=usuario, entidad=entidad, rol=rol)
    elif membresia.activa and (membresia.hasta is None or membresia.hasta >= timezone.localdate()):
        return membresia
    else:
        membresia.activa, membresia.hasta, membresia.desde = True, None, timezone.localdate()
    membresia._history_user = por
    membresia.save()
    permisos.olvidar_vinculos(usuario)
    return membresia


# --- Solicitud de cuenta ---------------------------------------------------------------------------

@transaction.atomic
def solicitud_cuenta_crear(*, nombre: str, email: str, entidad: Entidad, rol: str, cargo: str,
                           justificacion: str) -> tuple[SolicitudCuenta, bool]:
    """Registra la solicitud (anónima) y avisa a quienes la resuelven. Devuelve (solicitud, nueva):
    repetirla con el mismo correo, entidad y rol mientras está pendiente devuelve la misma."""
    email = _normalizar_correo(email)
    datos = {"nombre": (nombre or "").strip(), "cargo": (cargo or "").strip(),
             "justificacion": (justificacion or "").strip()}
    faltan = {c: _("Este campo es obligatorio.") for c, v in {**datos, "email": email}.items() if not v}
    if faltan:
        raise ValidationError(faltan)
    exigir_largos(SolicitudCuenta, datos)
    if entidad is None or not entidad.activa:
        raise ValidationError({"entidad": _("Elija una entidad activa.")})
    _verificar_rol(entidad, rol)
    previa = (SolicitudCuenta.objects.select_for_update()
              .filter(email=email, entidad=entidad, rol=rol, estado=EstadoSolicitudCuenta.PENDIENTE).first())
    if previa is not None:
        return previa, False
    solicitud = SolicitudCuenta.objects.create(email=email, entidad=entidad, rol=rol, **datos)
    encolar(TAREA_CORREO, "solicitud_recibida", solicitud.pk, clave=f"cuenta:recibida:{solicitud.pk}")
    encolar("att.avisar_solicitud_cuenta", solicitud.pk, clave=f"cuenta:aviso:{solicitud.pk}")
    return solicitud, True


def _solicitud_bloqueada(solicitud: SolicitudCuenta, por) -> SolicitudCuenta:
    actual = SolicitudCuenta.objects.select_for_update().select_related("entidad").get(pk=solicitud.pk)
    if not puede_resolver_solicitud(por, actual.entidad):
        raise PermissionDenied(_("Solo el DNP o el equipo departamental del municipio resuelven esta solicitud."))
    return actual


@transaction.atomic
def solicitud_cuenta_aprobar(*, solicitud: SolicitudCuenta, por) -> Usuario:
    """Crea la persona (o usa la que ya tiene ese correo) y su membresía. Aprobar de nuevo devuelve la misma."""
    actual = _solicitud_bloqueada(solicitud, por)
    if actual.estado == EstadoSolicitudCuenta.APROBADA:
        return actual.usuario
    if actual.estado == EstadoSolicitudCuenta.RECHAZADA:
        raise ValidationError(_("Esta solicitud ya fue rechazada: la persona puede enviar una nueva."))
    usuario = Usuario.objects.select_for_update().filter(email__iexact=actual.email).first()
    if usuario is None:
        usuario = Usuario(email=actual.email, nombre=actual.nombre, cargo=actual.cargo)
        usuario.set_unusable_password()  # la fija la persona con el enlace del correo
        usuario._history_user = por
        usuario.save()
    elif not usuario.is_active:
        raise ValidationError(_("La cuenta de %(c)s está desactivada: reactívela en el administrador.")
                              % {"c": actual.email})
    _membresia_dar(usuario=usuario, entidad=actual.entidad, rol=actual.rol, por=por)
    actual.estado, actual.usuario = EstadoSolicitudCuenta.APROBADA, usuario
    actual.resuelta_en, actual.resuelta_por = timezone.now(), por
    actual._history_user = por
    actual.save()
    encolar(TAREA_CORREO, "solicitud_aprobada", actual.pk, clave=f"cuenta:aprobada:{actual.pk}")
    return usuario


@transaction.atomic
def solicitud_cuenta_rechazar(*, solicitud: SolicitudCuenta, motivo: str, por) -> SolicitudCuenta:
    actual = _solicitud_bloqueada(solicitud, por)
    if actual.estado == EstadoSolicitudCuenta.RECHAZADA:
        return actual
    if actual.estado == EstadoSolicitudCuenta.APROBADA:
        raise ValidationError(_("Esta solicitud ya fue aprobada: termine la membresía si la persona no debe seguir."))
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationError({"motivo": _("Escriba el motivo: se le envía a la persona.")})
    exigir_largos(SolicitudCuenta, {"motivo_rechazo": motivo})
    actual.estado, actual.motivo_rechazo = EstadoSolicitudCuenta.RECHAZADA, motivo
    actual.resuelta_en, actual.resuelta_por = timezone.now(), por
    actual._history_user = por
    actual.save()
    encolar(TAREA_CORREO, "solicitud_rechazada", actual.pk, clave=f"cuenta:rechazada:{actual.pk}")
    return actual


def avisar_solicitud_cuenta(solicitud_id: int) -> int:
    """Alerta a quienes pueden resolver la solicitud: los administradores DNP y, si es de una alcaldía,
    el equipo departamental de su gobernación."""
    from att.notificaciones import notificar

    solicitud = SolicitudCuenta.objects.select_related("entidad").filter(pk=solicitud_id).first()
    if solicitud is None:
        return 0
    dnp = Membresia.objects.vigentes().filter(rol=Rol.ADMIN_DNP)
    filtro = Q(pk__in=dnp.values("usuario_id"))
    if solicitud.entidad.tipo == TipoEntidad.ALCALDIA and solicitud.entidad.municipio_id:
        equipo = Membresia.objects.vigentes().filter(
            rol=Rol.EQUIPO_DEPARTAMENTAL, entidad__tipo=TipoEntidad.GOBERNACION,
            entidad__departamento_id=solicitud.entidad.municipio_id[:2])
        filtro |= Q(pk__in=equipo.values("usuario_id"))
    return len(notificar(
        usuarios=Usuario.objects.filter(filtro, is_active=True), categoria=CategoriaAlerta.CUENTAS,
        titulo=_("Solicitud de cuenta para %(e)s: %(n)s") % {"e": solicitud.entidad, "n": solicitud.nombre},
        url=reverse("cuenta-solicitud", args=[solicitud.pk]), clave=f"cuenta:solicitud:{solicitud.pk}",
        puede_ver=lambda u: puede_resolver_solicitud(u, solicitud.entidad),
    ))


# --- Invitaciones ----------------------------------------------------------------------------------

def token_invitacion(invitacion: Invitacion) -> str:
    return signing.dumps({"i": invitacion.pk, "n": invitacion.nonce}, salt=SAL_INVITACION, compress=True)


@transaction.atomic
def invitacion_enviar(*, entidad: Entidad, email: str, rol: str, por) -> Invitacion:
    """Invita (o reinvita: la misma fila, token y plazo nuevos) a una persona a la entidad."""
    if not puede_administrar(por, entidad):
        raise PermissionDenied(_("Solo quien administra la entidad (o el DNP) invita personas a ella."))
    email = _normalizar_correo(email)
    if not email:
        raise ValidationError({"email": _("Escriba el correo de la persona.")})
    _verificar_rol(entidad, rol, por=por)
    ahora = timezone.now()
    invitacion = (Invitacion.objects.select_for_update()
                  .filter(entidad=entidad, email=email, usada_en__isnull=True).first())
    if invitacion is None:
        invitacion = Invitacion(entidad=entidad, email=email)
    invitacion.rol, invitacion.invitada_por = rol, por
    invitacion.nonce = secrets.token_urlsafe(24)
    invitacion.enviada_en, invitacion.expira_en = ahora, ahora + VIGENCIA_INVITACION
    invitacion._history_user = por
    invitacion.save()
    encolar(TAREA_CORREO, "invitacion", invitacion.pk, clave=f"cuenta:invitacion:{invitacion.pk}:{invitacion.nonce}")
    return invitacion


def invitacion_leer(token: str) -> Invitacion:
    """La invitación vigente del token; si no sirve, un `ValidationError` que dice por qué."""
    try:
        datos = signing.loads(token, salt=SAL_INVITACION, max_age=VIGENCIA_INVITACION)
    except signing.SignatureExpired:
        raise ValidationError(_("Esta invitación venció. Pida a quien lo invitó que se la envíe de nuevo."),
                              code="vencida") from None
    except signing.BadSignature:
        raise ValidationError(_("El enlace de la invitación no es válido. Revise que lo copió completo."),
                              code="invalida") from None
    invitacion = Invitacion.objects.select_related("entidad").filter(pk=datos.get("i")).first()
    if invitacion is None or invitacion.usada_en is not None:
        raise ValidationError(_("Esta invitación ya se usó. Si es suya, ingrese con su correo y contraseña."),
                              code="usada")
    if not secrets.compare_digest(invitacion.nonce, str(datos.get("n", ""))):
        raise ValidationError(_("Esta invitación se reenvió: use el enlace del correo más reciente."),
                              code="reemplazada")
    if invitacion.vencida:
        raise ValidationError(_("Esta invitación venció. Pida a quien lo invitó que se la envíe de nuevo."),
                              code="vencida")
    return invitacion


@transaction.atomic
def invitacion_aceptar(*, token: str, nombre: str = "", clave: str = "", usuario_actual=None) -> Usuario:
    """Usa la invitación (una vez): crea la persona con su nombre y contraseña (ya validada por el
    formulario con los validadores de contraseña) o, si ya tiene cuenta e ingresó con ella, le da la membresía."""
    invitacion = invitacion_leer(token)
    invitacion = Invitacion.objects.select_for_update().select_related("entidad").get(pk=invitacion.pk)
    if invitacion.usada_en is not None:
        raise ValidationError(_("Esta invitación ya se usó. Si es suya, ingrese con su correo y contraseña."),
                              code="usada")
    usuario = Usuario.objects.select_for_update().filter(email__iexact=invitacion.email).first()
    if usuario is not None:
        if usuario_actual is None or usuario_actual.pk != usuario.pk:
            raise PermissionDenied(_("Ya hay una cuenta con ese correo: ingrese con ella para aceptar la invitación."))
    else:
        nombre = (nombre or "").strip()
        if not nombre or not clave:
            raise ValidationError({"nombre": _("Escriba su nombre completo y su contraseña.")})
        exigir_largos(Usuario, {"nombre": nombre})
        usuario = Usuario(email=invitacion.email, nombre=nombre)
        usuario.set_password(clave)
        usuario._history_user = invitacion.invitada_por
        usuario.save()
    _membresia_dar(usuario=usuario, entidad=invitacion.entidad, rol=invitacion.rol, por=usuario)
    invitacion.usada_en, invitacion.usuario = timezone.now(), usuario
    invitacion._history_user = usuario
    invitacion.save(update_fields=["usada_en", "usuario"])
    encolar(TAREA_CORREO, "invitacion_aceptada", invitacion.pk, clave=f"cuenta:aceptada:{invitacion.pk}")
    return usuario


# --- Fin de una membresía ---------------------------------------------------------------------------

@transaction.atomic
def membresia_terminar(*, membresia: Membresia, por, hasta=None) -> Membresia:
    """Fija la fecha de fin; desde el día siguiente la membresía no da acceso. Repetirla con la misma
    fecha no cambia nada. Sus registros siguen a nombre de la persona."""
    actual = Membresia.objects.select_for_update().select_related("entidad", "usuario").get(pk=membresia.pk)
    if not puede_administrar(por, actual.entidad):
        raise PermissionDenied(_("Solo quien administra la entidad (o el DNP) termina membresías."))
    hasta = hasta or timezone.localdate()
    if hasta < actual.desde:
        raise ValidationError({"hasta": _("La fecha de fin no puede ser anterior al inicio (%(d)s).")
                                        % {"d": actual.desde.isoformat()}})
    if actual.hasta == hasta:
        return actual
    actual.hasta = hasta
    actual._history_user = por
    actual.save()
    permisos.olvidar_vinculos(actual.usuario)
    encolar(TAREA_CORREO, "membresia_terminada", actual.pk, clave=f"cuenta:fin:{actual.pk}:{hasta.isoformat()}")
    return actual


# --- Datos personales (Ley 1581 de 2012) -----------------------------------------------------------

@transaction.atomic
def datos_solicitar(*, usuario, tipo: str, detalle: str) -> tuple[SolicitudDatosPersonales, bool]:
    """Pide corrección o supresión; una pendiente por tipo (repetirla devuelve la misma)."""
    if tipo not in TipoSolicitudDatos.values:
        raise ValidationError({"tipo": _("Elija corrección o supresión.")})
    detalle = (detalle or "").strip()
    if not detalle:
        raise ValidationError({"detalle": _("Cuente qué dato corregir o por qué pide la supresión.")})
    exigir_largos(SolicitudDatosPersonales, {"detalle": detalle})
    previa = (SolicitudDatosPersonales.objects.select_for_update()
              .filter(usuario=usuario, tipo=tipo, estado=EstadoSolicitudDatos.PENDIENTE).first())
    if previa is not None:
        return previa, False
    solicitud = SolicitudDatosPersonales(usuario=usuario, tipo=tipo, detalle=detalle)
    solicitud._history_user = usuario
    solicitud.save()
    encolar(TAREA_CORREO, "datos_recibida", solicitud.pk, clave=f"datos:recibida:{solicitud.pk}")
    return solicitud, True


@transaction.atomic
def datos_responder(*, solicitud: SolicitudDatosPersonales, estado: str, respuesta: str, por
                    ) -> SolicitudDatosPersonales:
    """El DNP atiende o declara improcedente la solicitud; una supresión atendida anonimiza a la persona.
    Responder de nuevo una ya respondida la devuelve sin cambios."""
    if not permisos.es_admin_dnp(por):
        raise PermissionDenied(_("Solo un administrador DNP responde las solicitudes sobre datos personales."))
    actual = SolicitudDatosPersonales.objects.select_for_update().select_related("usuario").get(pk=solicitud.pk)
    if actual.estado != EstadoSolicitudDatos.PENDIENTE:
        return actual
    if estado not in (EstadoSolicitudDatos.ATENDIDA, EstadoSolicitudDatos.RECHAZADA):
        raise ValidationError({"estado": _("Elija «Atendida» o «No procede».")})
    respuesta = (respuesta or "").strip()
    if not respuesta:
        raise ValidationError({"respuesta": _("Escriba la respuesta: se le envía a la persona.")})
    exigir_largos(SolicitudDatosPersonales, {"respuesta": respuesta})
    correo = actual.usuario.email  # antes de anonimizar: la respuesta llega a quien la pidió
    actual.estado, actual.respuesta = estado, respuesta
    actual.respondida_en, actual.respondida_por = timezone.now(), por
    actual._history_user = por
    actual.save()
    if actual.tipo == TipoSolicitudDatos.SUPRESION and estado == EstadoSolicitudDatos.ATENDIDA:
        usuario_anonimizar(usuario=actual.usuario, por=por)
    encolar(TAREA_CORREO, "datos_respondida", actual.pk, correo=correo, clave=f"datos:respondida:{actual.pk}")
    return actual


def nombre_anonimo(usuario_id: int) -> str:
    return _("Persona anonimizada %(n)s") % {"n": usuario_id}


@transaction.atomic
def usuario_anonimizar(*, usuario: Usuario, por) -> Usuario:
    """Supresión (Ley 1581, art. 8 e): borra los datos de contacto y el nombre (también de su historial),
    cierra sus membresías y la cuenta; sus registros quedan, atribuidos al nombre anonimizado. El
    registro de seguridad se conserva (deber legal de conservar la huella de accesos)."""
    from att.models import PreferenciaAlerta

    if not permisos.es_admin_dnp(por):
        raise PermissionDenied(_("Solo un administrador DNP anonimiza una cuenta."))
    usuario = Usuario.objects.select_for_update().get(pk=usuario.pk)
    hoy = timezone.localdate()
    for membresia in Membresia.objects.select_for_update().filter(usuario=usuario):
        if membresia.activa or membresia.hasta is None or membresia.hasta > hoy:
            membresia.activa, membresia.hasta = False, max(hoy, membresia.desde)
            membresia._history_user = por
            membresia.save()
    nombre = nombre_anonimo(usuario.pk)
    correo = f"anonimo-{usuario.pk}@anonimo.invalid"
    usuario.nombre, usuario.email, usuario.cargo, usuario.telefono = nombre, correo, "", ""
    usuario.is_active, usuario.is_staff, usuario.is_superuser = False, False, False
    usuario.set_unusable_password()
    usuario._history_user = por
    usuario.save()
    # Las filas anteriores del historial guardaban el nombre y el correo: también se anonimizan.
    Usuario.historial.filter(id=usuario.pk).update(nombre=nombre, email=correo, cargo="", telefono="")
    PreferenciaAlerta.objects.filter(usuario=usuario).delete()
    Invitacion.objects.filter(usuario=usuario).update(email=correo)
    SolicitudCuenta.objects.filter(usuario=usuario).update(email=correo, nombre=nombre, cargo="")
    permisos.olvidar_vinculos(usuario)
    return usuario


# --- Recuperar la contraseña -------------------------------------------------------------------------

def clave_pedir_recuperacion(*, email: str) -> int:
    """Encola el correo con el enlace para fijar una contraseña nueva (el token de Django se arma al
    enviar, así no queda en la bandeja de salida). No dice si el correo existe. Incluye a quien aún no
    fijó su primera contraseña (cuenta aprobada cuyo enlace venció); nunca a una cuenta inactiva o anonimizada."""
    email = _normalizar_correo(email)
    ids = list(Usuario.objects.filter(email__iexact=email, is_active=True)
               .exclude(email__endswith="@anonimo.invalid").values_list("pk", flat=True))
    with transaction.atomic():
        for pk in ids:
            encolar(TAREA_CORREO, "recuperar", pk, clave=f"cuenta:recuperar:{pk}")
    return len(ids)


# --- Correos ----------------------------------------------------------------------------------------

def _absoluta(url: str) -> str:
    return f"{settings.ATT_URL_BASE.rstrip('/')}{url}"


def enlace_fijar_clave(usuario: Usuario) -> str:
    """El enlace de restablecimiento de Django (vence con PASSWORD_RESET_TIMEOUT y al cambiar la clave)."""
    uid = urlsafe_base64_encode(force_bytes(usuario.pk))
    return _absoluta(reverse("cuenta-recuperar-confirmar", args=[uid, default_token_generator.make_token(usuario)]))


def _contenido(evento: str, pk: int) -> dict | None:
    """Destinatario, asunto, párrafos y enlace de cada correo (None si el objeto ya no existe)."""
    if evento == "recuperar":
        u = Usuario.objects.filter(pk=pk, is_active=True).first()
        if u is None:
            return None
        return {"para": u.email, "nombre": u.nombre, "asunto": _("ATT: fije una contraseña nueva"), "parrafos": [
            _("Alguien (ojalá usted) pidió fijar una contraseña nueva para su cuenta en la plataforma ATT."),
            _("El enlace sirve una sola vez y vence en %(d)d días. Si no lo pidió, ignore este correo: su "
              "contraseña no cambia.") % {"d": settings.PASSWORD_RESET_TIMEOUT // 86400}],
            "enlace": enlace_fijar_clave(u), "texto_enlace": _("Fijar mi contraseña")}
    if evento.startswith("solicitud_"):
        s = SolicitudCuenta.objects.select_related("entidad", "usuario").filter(pk=pk).first()
        if s is None:
            return None
        base = {"para": s.email, "nombre": s.nombre}
        if evento == "solicitud_recibida":
            return {**base, "asunto": _("ATT: recibimos su solicitud de cuenta"), "parrafos": [
                _("Recibimos su solicitud de cuenta para %(e)s con el rol «%(r)s».") % {
                    "e": s.entidad, "r": s.get_rol_display()},
                _("El DNP o el equipo departamental la revisa y le escribe con la decisión.")]}
        if evento == "solicitud_aprobada":
            usuario = s.usuario
            if usuario is None or not usuario.is_active:
                return None
            parrafos = [_("Su solicitud de cuenta para %(e)s fue aprobada.") % {"e": s.entidad}]
            if usuario.has_usable_password():
                parrafos.append(_("Ya tenía una cuenta con este correo: ingrese con su contraseña de siempre."))
                return {**base, "asunto": _("ATT: su cuenta fue aprobada"), "parrafos": parrafos,
                        "enlace": _absoluta(reverse("login")), "texto_enlace": _("Ingresar")}
            parrafos.append(_("Fije su contraseña con el siguiente enlace (sirve una sola vez y vence en %(d)d días).")
                            % {"d": settings.PASSWORD_RESET_TIMEOUT // 86400})
            return {**base, "asunto": _("ATT: su cuenta fue aprobada"), "parrafos": parrafos,
                    "enlace": enlace_fijar_clave(usuario), "texto_enlace": _("Fijar mi contraseña")}
        if evento == "solicitud_rechazada":
            return {**base, "asunto": _("ATT: su solicitud de cuenta no fue aprobada"), "parrafos": [
                _("Su solicitud de cuenta para %(e)s no fue aprobada.") % {"e": s.entidad},
                _("Motivo: %(m)s") % {"m": s.motivo_rechazo},
                _("Si cree que es un error, puede enviar una nueva solicitud con más detalle.")]}
    if evento.startswith("invitacion"):
        i = Invitacion.objects.select_related("entidad", "invitada_por", "usuario").filter(pk=pk).first()
        if i is None:
            return None
        if evento == "invitacion":
            if i.usada_en is not None:
                return None
            quien = i.invitada_por.nombre if i.invitada_por else _("El DNP")
            return {"para": i.email, "nombre": "", "asunto": _("ATT: invitación a %(e)s") % {"e": i.entidad},
                    "parrafos": [
                        _("%(q)s lo invita a la plataforma ATT como «%(r)s» de %(e)s.") % {
                            "q": quien, "r": i.get_rol_display(), "e": i.entidad},
                        _("El enlace sirve una sola vez y vence el %(f)s.") % {
                            "f": timezone.localtime(i.expira_en).strftime("%Y-%m-%d %H:%M")}],
                    "enlace": _absoluta(reverse("cuenta-invitacion", args=[token_invitacion(i)])),
                    "texto_enlace": _("Aceptar la invitación")}
        if evento == "invitacion_aceptada" and i.invitada_por and i.usuario:
            return {"para": i.invitada_por.email, "nombre": i.invitada_por.nombre,
                    "asunto": _("ATT: %(c)s aceptó su invitación") % {"c": i.email},
                    "parrafos": [_("%(n)s (%(c)s) aceptó la invitación a %(e)s.") % {
                        "n": i.usuario.nombre, "c": i.email, "e": i.entidad}]}
        return None
    if evento == "membresia_terminada":
        m = Membresia.objects.select_related("usuario", "entidad").filter(pk=pk).first()
        if m is None or not m.usuario.is_active or m.hasta is None:
            return None
        return {"para": m.usuario.email, "nombre": m.usuario.nombre,
                "asunto": _("ATT: su membresía en %(e)s termina") % {"e": m.entidad},
                "parrafos": [_("Su membresía en %(e)s como «%(r)s» termina el %(f)s. Después de esa fecha ya no "
                               "actúa por la entidad; lo que registró sigue a su nombre.") % {
                    "e": m.entidad, "r": m.get_rol_display(), "f": m.hasta.isoformat()}],
                "enlace": _absoluta(reverse("cuenta")), "texto_enlace": _("Ver mi cuenta")}
    if evento.startswith("datos_"):
        d = SolicitudDatosPersonales.objects.select_related("usuario").filter(pk=pk).first()
        if d is None:
            return None
        base = {"para": d.usuario.email, "nombre": d.usuario.nombre}
        if evento == "datos_recibida":
            return {**base, "asunto": _("ATT: recibimos su solicitud sobre sus datos personales"), "parrafos": [
                _("Recibimos su solicitud de %(t)s.") % {"t": d.get_tipo_display().lower()},
                _("La Ley 1581 de 2012 fija un plazo de quince días hábiles para responderla.")]}
        return {**base, "asunto": _("ATT: respuesta a su solicitud sobre sus datos personales"), "parrafos": [
            _("Su solicitud de %(t)s quedó «%(e)s».") % {
                "t": d.get_tipo_display().lower(), "e": d.get_estado_display()},
            _("Respuesta: %(r)s") % {"r": d.respuesta}]}
    return None


def enviar_correo(evento: str, pk: int, correo: str = "") -> int:
    """Envía el correo del `evento` (lo llama la tarea `att.correo_cuenta` de la bandeja de salida)."""
    contenido = _contenido(evento, pk)
    if contenido is None:
        return 0
    para = correo or contenido["para"]
    if para.endswith("@anonimo.invalid"):
        return 0
    contexto = {**contenido, "sitio": settings.ATT_URL_BASE}
    from att.notificaciones import correo_de_cuenta

    return correo_de_cuenta(para, contexto).send()


# --- Lectura: los datos personales de una persona ----------------------------------------------------

def _relaciones_de_autoria():
    """Las llaves foráneas a Usuario en los modelos de todas las apps (sin los historiales)."""
    for rel in Usuario._meta.related_objects:
        modelo = rel.related_model
        if rel.many_to_many or not rel.concrete or modelo._meta.model_name.startswith("historical"):
            continue
        if modelo._meta.label in ("att.Membresia", "att.PreferenciaAlerta", "att.EventoSeguridad"):
            continue  # se muestran aparte
        yield modelo, rel.field


def datos_personales(usuario: Usuario) -> dict:
    """Lo que la plataforma guarda de la persona (Ley 1581, art. 8: derecho a conocer): sus datos, sus
    membresías, cuántos registros creó o lleva su nombre por tipo, sus preferencias de alertas, sus
    solicitudes y sus ingresos. Solo de esta persona."""
    from att.models import EventoSeguridad, TipoEventoSeguridad
    from att.services import preferencias_alertas

    hoy = timezone.localdate()
    membresias = [
        {"entidad": m.entidad.nombre, "rol": m.get_rol_display(), "desde": m.desde.isoformat(),
         "hasta": m.hasta.isoformat() if m.hasta else "", "administra": m.administra,
         "vigente": m.activa and (m.hasta is None or m.hasta >= hoy)}
        for m in Membresia.objects.filter(usuario=usuario).select_related("entidad").order_by("-desde", "pk")
    ]
    registros = []
    for modelo, campo in _relaciones_de_autoria():
        n = modelo._default_manager.filter(**{campo.name: usuario}).count()
        if n:
            registros.append({"tipo": str(modelo._meta.verbose_name_plural), "campo": str(campo.verbose_name),
                              "cantidad": n})
    ingresos = [
        {"fecha": e.creado.isoformat(), "tipo": e.get_tipo_display(), "ip": e.ip or ""}
        for e in EventoSeguridad.objects.filter(
            usuario=usuario, tipo__in=[TipoEventoSeguridad.INGRESO, TipoEventoSeguridad.SALIDA]).order_by("-creado")[:50]
    ]
    return {
        "usuario": {
            "correo": usuario.email, "nombre": usuario.nombre, "cargo": usuario.cargo, "telefono": usuario.telefono,
            "fecha_registro": usuario.fecha_registro.isoformat(),
            "ultimo_ingreso": usuario.last_login.isoformat() if usuario.last_login else "",
            "clave_cambiada_en": usuario.clave_cambiada_en.isoformat() if usuario.clave_cambiada_en else "",
            "activo": usuario.is_active,
        },
        "membresias": membresias,
        "preferencias_alertas": preferencias_alertas(usuario),
        "registros": sorted(registros, key=lambda r: (r["tipo"], r["campo"])),
        "solicitudes_datos": [
            {"tipo": s.get_tipo_display(), "estado": s.get_estado_display(), "detalle": s.detalle,
             "respuesta": s.respuesta, "creada": s.creada_en.isoformat()}
            for s in SolicitudDatosPersonales.objects.filter(usuario=usuario)
        ],
        "ingresos": ingresos,
    }


def datos_personales_filas(datos: dict) -> list[tuple[str, str, str]]:
    """Los mismos datos como filas (sección, campo, valor) para el CSV."""
    filas = [("usuario", k, str(v)) for k, v in datos["usuario"].items()]
    for i, m in enumerate(datos["membresias"], 1):
        filas += [(f"membresia {i}", k, str(v)) for k, v in m.items()]
    filas += [("preferencias_alertas", k, v) for k, v in datos["preferencias_alertas"].items()]
    filas += [("registros", f"{r['tipo']} ({r['campo']})", str(r["cantidad"])) for r in datos["registros"]]
    for i, s in enumerate(datos["solicitudes_datos"], 1):
        filas += [(f"solicitud_datos {i}", k, str(v)) for k, v in s.items()]
    for i, e in enumerate(datos["ingresos"], 1):
        filas += [(f"ingreso {i}", k, str(v)) for k, v in e.items()]
    return filas
