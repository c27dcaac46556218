"""Escrituras del núcleo: cada una con argumentos por nombre, en una transacción y con el
permiso verificado aquí."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from att import bitacora, cifras, conversaciones, importacion, permisos
from att.models import (
    AdjuntoMensaje,
    CategoriaAlerta,
    Dependencia,
    EstadoEmpalme,
    FrecuenciaAlerta,
    InformeEmpalme,
    Membresia,
    Mensaje,
    Municipio,
    Notificacion,
    PreferenciaAlerta,
    PuntajeMDM,
    Rol,
    TokenIntegracion,
    Usuario,
)
from att.selectors import usuarios_con_rol

# --- Tokens de integración -------------------------------------------------------------------------

def token_verificar_alcance(*, usuario, entidad, rol: str) -> None:
    """Un token solo se emite dentro de las membresías activas de quien lo usará: la misma entidad
    y el mismo rol. Ni un superusuario recibe un token por una entidad o un rol que no tiene."""
    if usuario is None or entidad is None or not rol:
        raise ValidationError(_("Indique el usuario, la entidad y el rol del token."))
    if not usuario.is_active:
        raise ValidationError({"usuario": _("El usuario %(u)s está inactivo: no se le emiten tokens.") % {"u": usuario}})
    if not Membresia.objects.vigentes().filter(usuario=usuario, entidad=entidad, rol=rol).exists():
        raise ValidationError({"rol": _(
            "%(u)s no tiene una membresía activa en %(e)s con el rol «%(r)s»: el token solo puede "
            "emitirse con una entidad y un rol que la persona ya tenga."
        ) % {"u": usuario, "e": entidad, "r": Rol(rol).label if rol in Rol.values else rol}})


@transaction.atomic
def token_emitir(*, nombre: str, usuario, entidad, rol: str, por) -> tuple[TokenIntegracion, str]:
    """Emite un token y devuelve (token, clave). La clave no se guarda: se muestra una sola vez."""
    if not permisos.es_admin_dnp(por):
        raise PermissionDenied(_("Solo un administrador DNP puede emitir tokens de integración."))
    token_verificar_alcance(usuario=usuario, entidad=entidad, rol=rol)
    clave = TokenIntegracion.nueva_clave()
    token = TokenIntegracion(
        nombre=nombre, usuario=usuario, entidad=entidad, rol=rol, emitido_por=por,
        prefijo=clave[:8], resumen=TokenIntegracion.resumir(clave),
    )
    token._history_user = por
    token.save()
    bitacora.registrar(bitacora.Tipo.TOKEN_EMITIDO, usuario=por, correo=usuario.email, **_datos_token(token))
    return token, clave


def _datos_token(token: TokenIntegracion) -> dict:
    return {"token": token.pk, "prefijo": token.prefijo, "nombre": token.nombre, "afectado": token.usuario_id,
            "entidad": token.entidad_id, "rol": token.rol}


@transaction.atomic
def token_revocar(*, token: TokenIntegracion, por) -> TokenIntegracion:
    if not permisos.es_admin_dnp(por):
        raise PermissionDenied(_("Solo un administrador DNP puede revocar tokens de integración."))
    if token.revocado_en is None:
        token.revocado_en = timezone.now()
        token.revocado_por = por
        token._history_user = por
        token.save(update_fields=["revocado_en", "revocado_por"])
        bitacora.registrar(bitacora.Tipo.TOKEN_REVOCADO, usuario=por, correo=token.usuario.email,
                           **_datos_token(token))
    return token


# --- Alertas ----------------------------------------------------------------------------------

def notificacion_marcar_leida(*, notificacion: Notificacion, por) -> Notificacion:
    if notificacion.usuario_id != por.pk:
        raise PermissionDenied(_("Solo la persona a quien va dirigida puede marcar una alerta."))
    if notificacion.leida_en is None:
        notificacion.leida_en = timezone.now()
        notificacion.save(update_fields=["leida_en"])
        _olvidar_alertas_contadas(por)
    return notificacion


def notificaciones_marcar_todas_leidas(*, por) -> int:
    marcadas = Notificacion.objects.filter(usuario=por, leida_en__isnull=True).update(leida_en=timezone.now())
    _olvidar_alertas_contadas(por)
    return marcadas


def _olvidar_alertas_contadas(usuario) -> None:
    """La insignia que esta solicitud pinte después cuenta de nuevo (`selectors.alertas_sin_leer`)."""
    if getattr(usuario, "_att_alertas_sin_leer", None) is not None:
        delattr(usuario, "_att_alertas_sin_leer")


# --- Conversaciones (att.conversaciones) ---------------------------------------------------------------

MAXIMO_ADJUNTOS_MENSAJE = 5


def mensaje_validar(*, objeto, por, texto: str, adjuntos=()) -> str:
    """Permiso, texto y adjuntos de un mensaje; devuelve el texto limpio. La usan la página y la API."""
    from att.validadores import exigir_largo, validar_adjunto

    tipo = conversaciones.tipo_de(objeto)
    if not tipo.puede_ver(por, objeto) or not tipo.puede_escribir(por, objeto):
        raise PermissionDenied(_("Solo la entidad territorial, los oferentes y el DNP que participan escriben aquí."))
    texto = (texto or "").strip()
    if not texto:
        raise ValidationError({"texto": _("Escriba el mensaje.")})
    exigir_largo(Mensaje, "texto", texto)
    adjuntos = list(adjuntos)
    errores = []
    if len(adjuntos) > MAXIMO_ADJUNTOS_MENSAJE:
        errores.append(_("Adjunte a lo sumo %(n)s archivos por mensaje.") % {"n": MAXIMO_ADJUNTOS_MENSAJE})
    for archivo in adjuntos:
        try:
            validar_adjunto(archivo)
        except ValidationError as e:
            errores.extend(e.messages)
    if errores:
        raise ValidationError({"adjuntos": errores})
    return texto


def mensaje_publicar(*, objeto, por, texto: str, adjuntos=(), clave: str = "") -> Mensaje:
    """Deja un mensaje (con sus adjuntos) en la conversación del objeto y avisa a los demás participantes
    que pueden ver el objeto (`notificar`: la alerta y su correo salen por la bandeja de salida).

    `clave`: la del envío (token del formulario o cabecera `Idempotency-Key`). Con la misma clave, un
    reenvío o una tarea reentregada devuelve el mensaje ya creado: nunca hay dos."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import IntegrityError

    from att.notificaciones import notificar

    clave = (clave or "").strip()[:200]
    if clave:
        previo = Mensaje.objects.filter(autor=por, clave=clave).first()
        if previo is not None:
            return previo
    texto = mensaje_validar(objeto=objeto, por=por, texto=texto, adjuntos=adjuntos)
    tipo = conversaciones.tipo_de(objeto)
    try:
        with transaction.atomic():
            mensaje = Mensaje.objects.create(
                tipo=ContentType.objects.get_for_model(objeto), objeto_id=objeto.pk, autor=por,
                entidad_id=conversaciones.entidad_del_autor(por, objeto), texto=texto, clave=clave,
            )
            for archivo in adjuntos:
                AdjuntoMensaje.objects.create(mensaje=mensaje, archivo=archivo, nombre=archivo.name[:255],
                                              tamano=archivo.size)
            anteriores = Usuario.objects.filter(
                is_active=True, pk__in=conversaciones.mensajes(objeto).values("autor_id"))
            destinatarios = [u for u in {*tipo.participantes(objeto), *anteriores} if u.pk != por.pk]
            notificar(
                usuarios=destinatarios, puede_ver=lambda u: tipo.puede_ver(u, objeto),
                categoria=tipo.categoria,
                titulo=_("Mensaje nuevo de %(p)s sobre %(o)s") % {"p": por.nombre or por.email,
                                                                 "o": tipo.titulo(objeto)},
                mensaje=texto, url=f"{tipo.url(objeto)}#mensaje-{mensaje.pk}", clave=f"mensaje-{mensaje.pk}",
            )
    except IntegrityError:
        previo = Mensaje.objects.filter(autor=por, clave=clave).first() if clave else None
        if previo is None:
            raise
        return previo  # el envío simultáneo con la misma clave ganó
    return mensaje


# --- Preferencias de correo de las alertas -----------------------------------------------------------

def preferencias_alertas(usuario) -> dict[str, str]:
    """La frecuencia vigente de cada tipo de alerta para la persona (una consulta)."""
    from att.notificaciones import TODAS_LAS_DEMAS

    filas = dict(PreferenciaAlerta.objects.filter(usuario=usuario).values_list("categoria", "frecuencia"))
    omision = filas.get(TODAS_LAS_DEMAS) or (
        FrecuenciaAlerta.RESUMEN if usuario.recibe_resumen_diario else FrecuenciaAlerta.INMEDIATA
    )
    return {c: filas.get(c, omision) for c in CategoriaAlerta.values}


@transaction.atomic
def preferencias_alertas_guardar(*, usuario, preferencias: dict[str, str], por) -> int:
    """Guarda la frecuencia de cada tipo (solo los que cambian; cada cambio deja historial).
    Devuelve cuántos tipos cambiaron. `TODAS_LAS_DEMAS` vale para los tipos sin fila propia."""
    from att.notificaciones import TODAS_LAS_DEMAS

    if por.pk != usuario.pk:
        raise PermissionDenied(_("Solo la persona puede cambiar sus preferencias de alertas."))
    validas = set(CategoriaAlerta.values) | {TODAS_LAS_DEMAS}
    for categoria, frecuencia in preferencias.items():
        if categoria not in validas:
            raise ValidationError(_("«%(c)s» no es un tipo de alerta.") % {"c": categoria})
        if frecuencia not in FrecuenciaAlerta.values:
            raise ValidationError({categoria: _("Elija al momento, resumen diario o ninguno.")})
    existentes = {p.categoria: p for p in PreferenciaAlerta.objects.select_for_update().filter(
        usuario=usuario, categoria__in=list(preferencias))}
    vigentes = preferencias_alertas(usuario)
    cambios = 0
    for categoria, frecuencia in preferencias.items():
        fila = existentes.get(categoria)
        if fila is None and categoria != TODAS_LAS_DEMAS and vigentes[categoria] == frecuencia:
            continue  # sin fila y ya vale eso: no hace falta escribir
        if fila is not None and fila.frecuencia == frecuencia:
            continue
        fila = fila or PreferenciaAlerta(usuario=usuario, categoria=categoria)
        fila.frecuencia = frecuencia
        fila._history_user = por
        fila.save()
        cambios += 1
    return cambios


@transaction.atomic
def alertas_dar_de_baja(*, token: str) -> tuple[Usuario, str]:
    """Baja sin ingresar, con el token firmado del correo: ese tipo de alerta (o todos) deja de
    llegar por correo; las alertas se siguen viendo en la plataforma. Repetirla no cambia nada.
    `signing.BadSignature` si el token no es válido; `Usuario.DoesNotExist` si la persona ya no existe."""
    from att.notificaciones import TODAS_LAS_DEMAS, leer_token_baja

    usuario_id, categoria = leer_token_baja(token)
    usuario = Usuario.objects.get(pk=usuario_id)
    categorias = [*CategoriaAlerta.values, TODAS_LAS_DEMAS] if categoria == TODAS_LAS_DEMAS else [categoria]
    for c in categorias:
        fila = PreferenciaAlerta.objects.select_for_update().filter(usuario=usuario, categoria=c).first()
        if fila is not None and fila.frecuencia == FrecuenciaAlerta.NINGUNA:
            continue
        fila = fila or PreferenciaAlerta(usuario=usuario, categoria=c)
        fila.frecuencia = FrecuenciaAlerta.NINGUNA
        fila._history_user = usuario
        fila._change_reason = "baja desde el enlace del correo"
        fila.save()
    logging.getLogger("att.notificaciones").info("Baja de alertas por correo: usuario %s, tipo %s", usuario.pk, categoria)
    return usuario, categoria


# --- Importación de atributos de focalización -------------------------------------------------------

COLUMNAS_ATRIBUTOS = [
    "codigo_divipola", "departamento", "municipio", "categoria", "grupo_mdm", "pdet", "zomac",
    "anio_mdm", "puntaje_mdm",
]
"""Encabezado del archivo (CSV con coma o punto y coma, o XLSX, primera hoja). Se identifica el
municipio por `codigo_divipola` (5 dígitos) o, si falta, por `departamento` + `municipio`. Las
demás columnas son opcionales; una celda vacía deja el valor actual."""

ResultadoImportacion = importacion.Resultado
leer_tabla = importacion.leer_tabla


def atributos_importar(*, filas: list[dict], confirmar: bool, por=None) -> ResultadoImportacion:
    """Valida todas las filas ({columna: valor}; la primera es la fila 2 del archivo); si `confirmar`
    y no hay errores, escribe todas en una transacción. O el archivo entero entra, o nada."""
    from att.importadores import ImportadorAtributos

    return importacion.importar_filas(ImportadorAtributos(por=por), filas, confirmar=confirmar)


def _atributos_escribir(validos: list[dict], *, por) -> None:
    """Escribe las filas validadas en lote, con su fila de historial cada municipio y puntaje que cambia
    (`*_with_history`: unas pocas consultas por archivo, no dos por fila)."""
    municipios = Municipio.objects.in_bulk({c["codigo"] for c in validos})
    mdm = {(c["codigo"], c["mdm"][0]): c for c in validos if "mdm" in c}
    puntajes = {
        (p.municipio_id, p.anio): p
        for p in PuntajeMDM.objects.filter(municipio_id__in={m for m, _a in mdm}, anio__in={a for _m, a in mdm})
    }
    cambiados: dict[str, Municipio] = {}
    campos: set[str] = set()
    for cambios in validos:
        municipio = municipios[cambios["codigo"]]
        for campo, valor in cambios.items():
            if campo not in ("codigo", "mdm") and getattr(municipio, campo) != valor:
                setattr(municipio, campo, valor)
                campos.add(campo)
                cambiados[municipio.pk] = municipio
    nuevos, actualizados = [], {}
    for (codigo, anio), cambios in mdm.items():
        puntaje, grupo = cambios["mdm"][1], cambios.get("grupo_mdm", "")
        existente = puntajes.get((codigo, anio))
        if existente is None:
            nuevos.append(PuntajeMDM(municipio_id=codigo, anio=anio, puntaje=puntaje, grupo=grupo))
        elif (existente.puntaje, existente.grupo) != (puntaje, grupo):
            existente.puntaje, existente.grupo = puntaje, grupo
            actualizados[existente.pk] = existente
    motivo = "importación de atributos de focalización"
    if cambiados:
        ahora = timezone.now()  # bulk_update no toca auto_now: la fuente de cambios (actualizado_desde)
        for municipio in cambiados.values():
            municipio.actualizado = ahora
        bulk_update_with_history(list(cambiados.values()), Municipio, sorted({*campos, "actualizado"}), batch_size=1000,
                                 default_user=por, default_change_reason=motivo)
        cifras.invalidar("territorio")  # bulk_update no emite señales: PDET/ZOMAC de la portada y el mapa
    if nuevos:
        bulk_create_with_history(nuevos, PuntajeMDM, batch_size=1000, default_user=por,
                                 default_change_reason=motivo)
    if actualizados:
        bulk_update_with_history(list(actualizados.values()), PuntajeMDM, ["puntaje", "grupo"], batch_size=1000,
                                 default_user=por, default_change_reason=motivo)


# --- Webhooks (fuente de cambios, att/cambios.py) ---------------------------------------------------

def _webhook_validar(*, por, url: str, eventos, entidad, dueno=None) -> list[str]:
    from att import cambios

    if not por or not por.is_authenticated or permisos.solo_lectura(por):
        raise PermissionDenied(_("Solo una persona autenticada que no sea auditora registra webhooks."))
    dueno = dueno or por
    if dueno != por and not permisos.es_admin_dnp(por):
        raise PermissionDenied(_("Solo un administrador DNP registra webhooks a nombre de otra persona."))
    cambios.validar_url(url)
    eventos = cambios.validar_eventos(eventos)
    if entidad is not None and not permisos.lee_todo(dueno) and not permisos.entidades_de(dueno).filter(
            pk=entidad.pk).exists():
        raise ValidationError({"entidad": [_("Solo puede registrar webhooks de una entidad por la que actúa.")]})
    return eventos


@transaction.atomic
def webhook_suscribir(*, por, url: str, eventos, entidad=None, usuario=None, token=None):
    """Registra una URL que recibirá los eventos elegidos (de lo que `usuario`, por defecto quien la
    registra, puede leer). Devuelve la suscripción y su secreto, que no se vuelve a mostrar: con él
    el receptor verifica la firma `X-ATT-Firma`. A nombre de otro, solo un administrador DNP.

    Registrada con un token de integración (`token`, el de la petición), la suscripción recibe solo
    lo que ese token puede leer (su entidad y su rol) y deja de recibir si se revoca."""
    from att import cambios
    from att.models import SuscripcionWebhook

    dueno = usuario or por
    if token is not None:
        if token.usuario_id != dueno.pk:
            raise PermissionDenied(_("Con un token solo se registran webhooks de su propio integrador."))
        if entidad is not None and entidad.pk != token.entidad_id:
            raise ValidationError({"entidad": [_("Con este token solo puede registrar webhooks de su entidad.")]})
    eventos = _webhook_validar(por=por, url=url, eventos=eventos, entidad=entidad, dueno=dueno)
    # Bloquea al dueño: dos registros a la vez no pasan juntos el tope.
    type(dueno).objects.select_for_update().filter(pk=dueno.pk).first()
    if SuscripcionWebhook.objects.filter(usuario=dueno, activa=True).count() >= settings.ATT_WEBHOOK_MAX_SUSCRIPCIONES:
        raise ValidationError({"url": [_("Ya tiene %(n)s suscripciones activas a webhooks, el máximo: desactive o "
                                         "borre alguna antes de registrar otra.")
                                       % {"n": settings.ATT_WEBHOOK_MAX_SUSCRIPCIONES}]})
    secreto = cambios.nuevo_secreto()
    suscripcion = SuscripcionWebhook.objects.create(url=url, eventos=eventos, entidad=entidad, usuario=dueno,
                                                    secreto=secreto, token=token)
    return suscripcion, secreto


def _webhook_propia(suscripcion, por) -> None:
    if suscripcion.usuario_id != getattr(por, "pk", None) and not permisos.es_admin_dnp(por):
        raise PermissionDenied(_("Solo su dueño o un administrador DNP cambia esta suscripción."))


@transaction.atomic
def webhook_actualizar(*, suscripcion, por, url: str | None = None, eventos=None, activa: bool | None = None,
                       entidad=...):
    _webhook_propia(suscripcion, por)
    nueva_entidad = suscripcion.entidad if entidad is ... else entidad
    suscripcion.eventos = _webhook_validar(
        por=por, url=url if url is not None else suscripcion.url,
        eventos=eventos if eventos is not None else suscripcion.eventos, entidad=nueva_entidad,
        dueno=suscripcion.usuario)
    if url is not None:
        suscripcion.url = url
    if activa and not suscripcion.activa:
        from att.models import SuscripcionWebhook

        type(suscripcion.usuario).objects.select_for_update().filter(pk=suscripcion.usuario_id).first()
        activas = SuscripcionWebhook.objects.filter(usuario_id=suscripcion.usuario_id, activa=True).count()
        if activas >= settings.ATT_WEBHOOK_MAX_SUSCRIPCIONES:
            raise ValidationError({"activa": [_("Ya tiene %(n)s suscripciones activas a webhooks, el máximo.")
                                              % {"n": settings.ATT_WEBHOOK_MAX_SUSCRIPCIONES}]})
    if suscripcion.token_id is not None and nueva_entidad is not None and nueva_entidad.pk != suscripcion.token.entidad_id:
        raise ValidationError({"entidad": [_("Con este token solo puede registrar webhooks de su entidad.")]})
    if activa is not None:
        suscripcion.activa = activa
    suscripcion.entidad = nueva_entidad
    suscripcion.save()
    return suscripcion


@transaction.atomic
def webhook_eliminar(*, suscripcion, por) -> None:
    _webhook_propia(suscripcion, por)
    suscripcion.delete()


# --- Dependencias de las entidades oferentes (corte «por dependencia» del seguimiento) ---------------
def _exigir_gestion_dependencias(por, entidad) -> None:
    if not (permisos.es_admin_dnp(por) or permisos.actua_por(por, entidad, [Rol.OFERENTE])):
        raise PermissionDenied(_("Solo un oferente de %(entidad)s o el DNP gestiona sus dependencias.")
                               % {"entidad": entidad})


def _guardar_dependencia(dependencia: Dependencia) -> Dependencia:
    dependencia.nombre = " ".join((dependencia.nombre or "").split())
    dependencia.full_clean()
    dependencia.save()
    return dependencia


@transaction.atomic
def dependencia_crear(*, por, entidad, nombre: str) -> Dependencia:
    """Agrega una dependencia (dirección, subdirección, grupo) al catálogo de una entidad oferente."""
    _exigir_gestion_dependencias(por, entidad)
    if entidad.es_territorial:
        raise ValidationError(_("Las dependencias son de las entidades oferentes, no de las territoriales."))
    return _guardar_dependencia(Dependencia(entidad=entidad, nombre=nombre))


@transaction.atomic
def dependencia_renombrar(*, por, dependencia: Dependencia, nombre: str) -> Dependencia:
    dependencia = Dependencia.objects.select_for_update().select_related("entidad").get(pk=dependencia.pk)
    _exigir_gestion_dependencias(por, dependencia.entidad)
    dependencia.nombre = nombre
    return _guardar_dependencia(dependencia)


@transaction.atomic
def dependencia_desactivar(*, por, dependencia: Dependencia) -> Dependencia:
    """Deja de ofrecerse en ofertas y líneas nuevas; las que ya la tienen la conservan (y el corte)."""
    dependencia = Dependencia.objects.select_for_update().select_related("entidad").get(pk=dependencia.pk)
    _exigir_gestion_dependencias(por, dependencia.entidad)
    if dependencia.activa:
        dependencia.activa = False
        dependencia.save()
    return dependencia


def exigir_dependencia_elegible(dependencia, *, entidad_id, actual_id=None) -> None:
    """Una oferta o una línea solo toma una dependencia activa de su propia entidad oferente (la que ya
    tenía, aunque se haya desactivado, se conserva)."""
    if dependencia is None:
        return
    if dependencia.entidad_id != entidad_id:
        raise ValidationError({"dependencia": _("La dependencia debe ser de la entidad oferente.")})
    if not dependencia.activa and dependencia.pk != actual_id:
        raise ValidationError({"dependencia": _("La dependencia «%(d)s» está inactiva.") % {"d": dependencia}})


# --- Informe de empalme de una entidad territorial ----------------------------------------------
def pedir_informe_empalme(*, entidad, por) -> InformeEmpalme:
    """Pide generar el informe de empalme de la entidad (tarea `att.generar_empalme` por la bandeja de
    salida). Lo piden la entidad, su equipo departamental y el DNP. Un doble clic o un segundo pedido
    mientras está en cola no encola otra generación."""
    if not permisos.puede_ver_perfil_privado(por, entidad) or permisos.solo_lectura(por):
        raise PermissionDenied(_("El informe de empalme lo piden la entidad, su equipo departamental y el DNP."))
    from att.salida import encolar

    with transaction.atomic():
        informe, _c = InformeEmpalme.objects.select_for_update().get_or_create(entidad=entidad)
        if informe.estado == EstadoEmpalme.PEDIDO and informe.pedido_en is not None:
            return informe  # ya en cola: sale con el pedido que existe
        ahora = timezone.now()
        informe.estado, informe.pedido_por, informe.pedido_en = EstadoEmpalme.PEDIDO, por, ahora
        informe.save(update_fields=["estado", "pedido_por", "pedido_en", "actualizado"])
        encolar("att.generar_empalme", entidad.pk, solicitado_en=ahora.isoformat(),
                clave=f"att.generar_empalme:{entidad.pk}:{ahora.isoformat()}")
    return informe


# --- Diagnósticos de capacidad y egresos ---------------------------------------------------------------

ROLES_DIAGNOSTICAN = permisos.ROLES_TERRITORIALES | {Rol.OFERENTE}


def puede_diagnosticar(usuario, entidad, *, acompana: bool = False) -> bool:
    """Diagnostican la entidad territorial sus funcionarios, su equipo departamental, el DNP y el
    oferente que la acompaña (`acompana`: lo verifica la capa de arriba, p. ej. una ruta de asistencia
    abierta con ella; `att` no conoce las rutas). El auditor no escribe."""
    if entidad is None or not entidad.es_territorial or permisos.solo_lectura(usuario):
        return False
    if permisos.es_equipo_dnp(usuario) or (acompana and permisos.tiene_rol(usuario, Rol.OFERENTE)):
        return True
    return permisos.actua_por(usuario, entidad, permisos.ROLES_TERRITORIALES)


def _mdm_a_la_fecha(entidad, fecha):
    if not entidad.municipio_id:
        return None
    return PuntajeMDM.objects.filter(municipio_id=entidad.municipio_id, anio__lte=fecha.year).order_by("-anio").first()


def diagnostico_verificar(*, entidad, fecha, valoraciones: list[dict], por, acompana: bool = False) -> None:
    """Revisa un diagnóstico antes de escribirlo (formulario, API e importación usan lo mismo)."""
    from att.models import Capacidad

    if entidad is None or not entidad.es_territorial:
        raise ValidationError({"entidad": _("El diagnóstico es de una alcaldía o una gobernación.")})
    if not puede_diagnosticar(por, entidad, acompana=acompana):
        raise PermissionDenied(_("No puede registrar diagnósticos de capacidad de %(e)s.") % {"e": entidad})
    if fecha is None:
        raise ValidationError({"fecha": _("Indique la fecha del diagnóstico.")})
    if fecha > timezone.localdate():
        raise ValidationError({"fecha": _("La fecha del diagnóstico no puede ser futura.")})
    if not valoraciones:
        raise ValidationError({"valoraciones": _("Valore al menos una capacidad de 1 a 5.")})
    vistas = set()
    for fila in valoraciones:
        capacidad = fila.get("capacidad")
        if not isinstance(capacidad, Capacidad):
            raise ValidationError({"valoraciones": _("Cada valoración indica una capacidad del catálogo.")})
        if capacidad.pk in vistas:
            raise ValidationError({"valoraciones": _("La capacidad «%(c)s» está valorada dos veces.") % {"c": capacidad}})
        vistas.add(capacidad.pk)
        for campo, nombre in (("valor", _("La valoración")), ("objetivo", _("El objetivo"))):
            valor = fila.get(campo)
            if valor is None and campo == "objetivo":
                continue
            if not isinstance(valor, int) or isinstance(valor, bool) or not 1 <= valor <= 5:
                raise ValidationError({"valoraciones": _(
                    "%(n)s de «%(c)s» debe ser un número entero de 1 a 5."
                ) % {"n": nombre, "c": capacidad}})


@transaction.atomic
def diagnostico_registrar(*, entidad, fecha, valoraciones: list[dict], por, objetivo: str = "",
                          entidad_que_diagnostica=None, diagnostico_propio: str = "", encuesta: str = "",
                          indice_desempeno_fiscal=None, acompana: bool = False):
    """Registra un diagnóstico de capacidades con sus valoraciones 1–5.

    `valoraciones`: [{"capacidad", "valor", "objetivo"?, "nivel"?, "tipo"?, "fuente"?, "evidencia"?}].
    El puntaje y el grupo MDM se copian del historial importado (el último año no posterior a la
    fecha). Lo anuncia la bandeja de salida (`att.avisar_diagnostico`): la entidad lo ve en sus alertas
    y la ruta de asistencia lo cuenta como evidencia del primer protocolo."""
    from att.models import DiagnosticoCapacidad, FuenteDiagnostico, ValoracionCapacidad
    from att.salida import encolar
    from att.validadores import exigir_largos

    diagnostico_verificar(entidad=entidad, fecha=fecha, valoraciones=valoraciones, por=por, acompana=acompana)
    mdm = _mdm_a_la_fecha(entidad, fecha)
    diagnostico = DiagnosticoCapacidad(
        entidad=entidad, fecha=fecha, realizado_por=por, objetivo=objetivo or "",
        entidad_que_diagnostica=entidad_que_diagnostica or permisos.entidad_principal(por),
        anio_mdm=mdm.anio if mdm else None, puntaje_mdm=mdm.puntaje if mdm else None,
        grupo_mdm=(mdm.grupo if mdm else "") or (entidad.municipio.grupo_mdm if entidad.municipio_id else ""),
        indice_desempeno_fiscal=indice_desempeno_fiscal, diagnostico_propio=diagnostico_propio or "",
        encuesta=encuesta or "",
    )
    exigir_largos(DiagnosticoCapacidad, {"objetivo": diagnostico.objetivo,
                                         "diagnostico_propio": diagnostico.diagnostico_propio,
                                         "encuesta": diagnostico.encuesta})
    try:
        diagnostico.full_clean(exclude=["realizado_por", "entidad", "entidad_que_diagnostica"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    diagnostico._history_user = por
    diagnostico.save()
    filas = []
    for fila in valoraciones:
        v = ValoracionCapacidad(
            diagnostico=diagnostico, capacidad=fila["capacidad"], valor=fila["valor"],
            objetivo=fila.get("objetivo"), nivel=fila.get("nivel"), tipo=fila.get("tipo"),
            fuente=fila.get("fuente") or FuenteDiagnostico.PROPIO, evidencia=fila.get("evidencia") or "",
        )
        if v.fuente not in FuenteDiagnostico.values:
            raise ValidationError({"valoraciones": _("La fuente «%(f)s» no existe.") % {"f": v.fuente}})
        exigir_largos(ValoracionCapacidad, {"evidencia": v.evidencia})
        filas.append(v)
    bulk_create_with_history(filas, ValoracionCapacidad, default_user=por)
    encolar("att.avisar_diagnostico", diagnostico.pk, clave=f"diagnostico:{diagnostico.pk}")
    return diagnostico


def objetivo_vigente(entidad, capacidad, *, hasta=None):
    """El último objetivo acordado (1–5) para la capacidad en los diagnósticos de la entidad, o None."""
    from att.models import ValoracionCapacidad

    qs = ValoracionCapacidad.objects.filter(
        diagnostico__entidad=entidad, capacidad=capacidad, objetivo__isnull=False
    )
    if hasta is not None:
        qs = qs.filter(diagnostico__fecha__lte=hasta)
    return qs.order_by("-diagnostico__fecha", "-diagnostico_id").values_list("objetivo", flat=True).first()


def egreso_verificar(*, entidad, capacidad, motivo: str, detalle: str = "", diagnostico=None, por,
                     acompana: bool = False):
    """Revisa un egreso y devuelve el diagnóstico que prueba el objetivo cumplido (o None si se cierra)."""
    from att.models import DiagnosticoCapacidad, MotivoEgreso, ValoracionCapacidad

    if entidad is None or not entidad.es_territorial:
        raise ValidationError({"entidad": _("El egreso es de una alcaldía o una gobernación.")})
    if not puede_diagnosticar(por, entidad, acompana=acompana):
        raise PermissionDenied(_("No puede registrar el egreso de %(e)s.") % {"e": entidad})
    if motivo not in MotivoEgreso.values:
        raise ValidationError({"motivo": _("Elija si el objetivo se cumplió o si la ruta se cierra con motivo.")})
    if motivo == MotivoEgreso.CERRADO:
        if not (detalle or "").strip():
            raise ValidationError({"detalle": _("Escriba el motivo por el que se cierra sin cumplir el objetivo.")})
        return None
    if diagnostico is None:
        diagnostico = DiagnosticoCapacidad.objects.filter(entidad=entidad).order_by("-fecha", "-pk").first()
    if diagnostico is None or diagnostico.entidad_id != entidad.pk:
        raise ValidationError({"diagnostico": _(
            "Para egresar con el objetivo cumplido hace falta un diagnóstico de capacidades de %(e)s."
        ) % {"e": entidad}})
    objetivo = objetivo_vigente(entidad, capacidad, hasta=diagnostico.fecha)
    if objetivo is None:
        raise ValidationError({"diagnostico": _(
            "No hay un objetivo acordado para la capacidad «%(c)s»: regístrelo en un diagnóstico."
        ) % {"c": capacidad}})
    valor = ValoracionCapacidad.objects.filter(diagnostico=diagnostico, capacidad=capacidad).values_list(
        "valor", flat=True).first()
    if valor is None or valor < objetivo:
        raise ValidationError({"diagnostico": _(
            "El objetivo de capacidad no se ha cumplido: el diagnóstico del %(f)s valora «%(c)s» en "
            "%(v)s y el objetivo acordado es %(o)s."
        ) % {"f": diagnostico.fecha.strftime("%d/%m/%Y"), "c": capacidad,
             "v": valor if valor is not None else _("sin valorar"), "o": objetivo}})
    return diagnostico


@transaction.atomic
def egreso_registrar(*, entidad, capacidad, motivo: str, por, clave: str, detalle: str = "",
                     diagnostico=None, fecha=None, acompana: bool = False):
    """Egreso de la entidad de la asistencia en una capacidad. Idempotente por `clave` (la ruta usa
    «ruta:<id>»): repetirlo devuelve el mismo egreso. Se anuncia por la bandeja (`att.avisar_egreso`)."""
    from att.models import EgresoCapacidad
    from att.salida import encolar
    from att.validadores import exigir_largos

    if not clave:
        raise ValidationError({"clave": _("Falta la clave del egreso.")})
    previo = EgresoCapacidad.objects.filter(clave=clave).first()
    if previo is not None:
        return previo
    diagnostico = egreso_verificar(entidad=entidad, capacidad=capacidad, motivo=motivo, detalle=detalle,
                                   diagnostico=diagnostico, por=por, acompana=acompana)
    exigir_largos(EgresoCapacidad, {"detalle": detalle or ""})
    egreso = EgresoCapacidad(entidad=entidad, capacidad=capacidad, motivo=motivo, detalle=(detalle or "").strip(),
                             diagnostico=diagnostico, fecha=fecha or timezone.localdate(), registrado_por=por,
                             clave=clave)
    egreso._history_user = por
    egreso.save()
    encolar("att.avisar_egreso", egreso.pk, clave=f"egreso:{egreso.pk}")
    return egreso


def avisar_diagnostico(diagnostico_id: int) -> int:
    """Alerta a los funcionarios de la entidad de un diagnóstico nuevo (idempotente por su clave)."""
    from att.models import CategoriaAlerta, DiagnosticoCapacidad
    from att.notificaciones import notificar

    diagnostico = DiagnosticoCapacidad.objects.select_related("entidad").filter(pk=diagnostico_id).first()
    if diagnostico is None:
        return 0
    return len(notificar(
        usuarios=usuarios_con_rol(diagnostico.entidad, Rol.FUNCIONARIO_ET), categoria=CategoriaAlerta.SEGUIMIENTO,
        titulo=_("Nuevo diagnóstico de capacidades de %(e)s") % {"e": diagnostico.entidad},
        url=f"/rutas/diagnosticos/{diagnostico.pk}/", clave=f"diagnostico:{diagnostico.pk}",
    ))


def avisar_egreso(egreso_id: int) -> int:
    from att.models import CategoriaAlerta, EgresoCapacidad
    from att.notificaciones import notificar

    egreso = EgresoCapacidad.objects.select_related("entidad", "capacidad").filter(pk=egreso_id).first()
    if egreso is None:
        return 0
    return len(notificar(
        usuarios=usuarios_con_rol(egreso.entidad, permisos.ROLES_TERRITORIALES),
        categoria=CategoriaAlerta.SEGUIMIENTO,
        titulo=_("%(e)s egresó de la asistencia en «%(c)s»: %(m)s") % {
            "e": egreso.entidad, "c": egreso.capacidad, "m": egreso.get_motivo_display()},
        mensaje=egreso.detalle, clave=f"egreso:{egreso.pk}",
    ))


# --- Formularios que no pierden nada: adjuntos conservados y borradores (issue 15) ----------------
# Privados de cada persona: no se anuncian por la bandeja de salida (no le interesan a nadie más).

def adjuntos_conservar(*, por, formulario: str, archivos) -> list:
    """Guarda como pendientes, a nombre de `por`, los archivos de un envío que no pasó la validación
    (ya validados por su campo: tipo y tamaño). Devuelve los `AdjuntoPendiente` creados."""
    from att.models import AdjuntoPendiente

    if por is None or not por.is_authenticated:
        return []
    creados = []
    for archivo in archivos:
        if hasattr(archivo, "seek"):
            archivo.seek(0)
        pendiente = AdjuntoPendiente(usuario=por, formulario=formulario[:80], nombre=archivo.name[:255],
                                     tamano=getattr(archivo, "size", 0) or 0,
                                     tipo_contenido=(getattr(archivo, "content_type", "") or "")[:120])
        pendiente.archivo.save(archivo.name, archivo, save=False)
        pendiente.save()
        creados.append(pendiente)
    return creados


def adjuntos_recuperar(*, por, formulario: str, tokens) -> list:
    """Los adjuntos pendientes de `por` con esos tokens (sin vencer). Un token ajeno, vencido o de otro
    formulario es un error: nadie adjunta el archivo de otra persona."""
    from att.models import AdjuntoPendiente

    tokens = list(dict.fromkeys(t for t in tokens if t))
    if not tokens:
        return []
    encontrados = {p.token: p for p in AdjuntoPendiente.objects.filter(
        usuario=por, formulario=formulario, token__in=tokens, vence__gt=timezone.now())} if por.is_authenticated else {}
    if len(encontrados) != len(tokens):
        raise ValidationError(_("Uno de los adjuntos conservados ya no está disponible (venció o no es suyo). "
                                "Vuelva a seleccionar el archivo."), code="adjunto_pendiente")
    return [encontrados[t] for t in tokens]


def adjuntos_marcar_usados(*, pendientes) -> int:
    """Tras un envío exitoso: los pendientes usados se borran al vencer (un reenvío aún los encuentra)."""
    from att.models import AdjuntoPendiente

    pks = [p.pk for p in pendientes]
    return AdjuntoPendiente.objects.filter(pk__in=pks, usado__isnull=True).update(usado=timezone.now()) if pks else 0


def purgar_adjuntos_pendientes(ahora=None) -> int:
    """Tarea periódica: borra los adjuntos pendientes vencidos y sus archivos."""
    from att.models import AdjuntoPendiente

    ahora = ahora or timezone.now()
    n = 0
    for pendiente in AdjuntoPendiente.objects.filter(vence__lte=ahora).order_by("pk")[:5000]:
        pendiente.archivo.delete(save=False)
        pendiente.delete()
        n += 1
    return n


def _datos_de_borrador(datos) -> dict:
    """Solo textos (ni archivos ni el token CSRF): clave -> texto o lista de textos, acotado."""
    limpios = {}
    for clave, valor in (datos or {}).items():
        clave = str(clave)[:80]
        if clave in {"csrfmiddlewaretoken", "_token_envio"} or clave.endswith("__conservado"):
            continue
        valores = valor if isinstance(valor, (list, tuple)) else [valor]
        if not all(isinstance(v, (str, int, float, bool)) or v is None for v in valores):
            continue
        valores = [str(v)[:20000] for v in valores if v is not None][:200]
        limpios[clave] = valores if isinstance(valor, (list, tuple)) else (valores[0] if valores else "")
        if len(limpios) >= 200:
            break
    return limpios


def borrador_guardar(*, por, formulario: str, objeto_id: int = 0, datos: dict):
    """Guarda (o reemplaza) el borrador de `por` para ese formulario y objeto. Idempotente: el mismo
    envío dos veces deja el mismo borrador."""
    from att.models import Borrador

    if por is None or not por.is_authenticated:
        raise PermissionDenied(_("Ingrese para guardar borradores."))
    limpios = _datos_de_borrador(datos)
    if len(json.dumps(limpios)) > 200_000:
        raise ValidationError(_("El borrador es demasiado grande."), code="borrador_grande")
    borrador, _creado = Borrador.objects.update_or_create(
        usuario=por, formulario=formulario[:80], objeto_id=int(objeto_id or 0), defaults={"datos": limpios})
    return borrador


def borrador_descartar(*, por, formulario: str, objeto_id: int = 0) -> int:
    """Borra el borrador de `por` (al descartarlo o al enviar el formulario con éxito)."""
    from att.models import Borrador

    if por is None or not por.is_authenticated:
        return 0
    return Borrador.objects.filter(usuario=por, formulario=formulario, objeto_id=int(objeto_id or 0)).delete()[0]


def purgar_borradores(ahora=None) -> int:
    from datetime import timedelta

    from att.models import Borrador
    from att.models.formularios import DIAS_BORRADOR

    limite = (ahora or timezone.now()) - timedelta(days=DIAS_BORRADOR)
    return Borrador.objects.filter(actualizado__lt=limite).delete()[0]
