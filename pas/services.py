"""Escrituras del PAS: acciones (DNP), reportes semestrales (entidad responsable), su revisión (DNP),
el cierre del corte y las alertas de plazo.

Cada escritura sobre un corte toma el candado compartido del corte y rechaza un corte cerrado con el
mismo mecanismo del cierre de periodos de los indicadores (`indicadores.services.exigir_periodo_abierto`
y `periodo_cerrar` con `periodo=<corte>`): un cierre espera a los reportes en curso y los que llegan
después lo ven cerrado. Los modelos se defienden además en `save()` (administrador y otros caminos).

Todo es seguro ante un doble clic o una tarea reentregada: enviar lo enviado, aprobar lo aprobado o
cerrar lo cerrado devuelve lo que hay sin cambiarlo; la alerta de plazo queda una vez por entidad y
corte (`AlertaCorte`, única). Los cambios se anuncian por la fuente de cambios (`att.cambios`, señales)
y las alertas y el informe por la bandeja de salida (`att.salida.encolar`, `att.notificaciones.notificar`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from att.models import CategoriaAlerta
from att.notificaciones import notificar
from att.salida import encolar
from att.selectors import usuarios_con_rol
from att.validadores import exigir_largo, exigir_largos, validar_adjunto
from indicadores import services as srv_indicadores
from indicadores.models import Indicador, MetaIndicador
from pas import rules
from pas.models import (
    Accion,
    AlertaCorte,
    CorteSemestral,
    CostoAccion,
    EstadoReporte,
    EvidenciaReporte,
    IndicadorAccion,
    ReportePAS,
    ValorReporte,
    VersionReporte,
)

TAREA_INFORME = "pas.generar_informe_corte"
EDITABLES = {EstadoReporte.BORRADOR, EstadoReporte.DEVUELTO}


def _denegar_si(condicion: bool, mensaje: str) -> None:
    if condicion:
        raise PermissionDenied(mensaje)


def _exigir_dnp(por) -> None:
    _denegar_si(not rules.gestiona_pas(por), _("Solo el equipo DNP gestiona el PAS."))


def _decimal(valor, campo: str, *, minimo: Decimal | None = Decimal(0), maximo: Decimal | None = None) -> Decimal:
    try:
        numero = Decimal(str(valor).replace(",", ".")) if valor not in (None, "") else Decimal(0)
    except (InvalidOperation, ValueError):
        raise ValidationError({campo: _("Escriba un número (p. ej. 12,5).")}, code="numero") from None
    if not numero.is_finite() or (minimo is not None and numero < minimo) or (maximo is not None and numero > maximo):
        raise ValidationError({campo: _("El valor está fuera del rango permitido.")}, code="rango")
    return numero


def exigir_corte_abierto(corte: CorteSemestral) -> None:
    """Dentro de la transacción que escribe: candado compartido del corte y rechazo si está cerrado."""
    srv_indicadores.exigir_periodo_abierto(periodo=corte)


# --- Acciones (DNP) ------------------------------------------------------------------------------
CAMPOS_ACCION = ("codigo", "texto", "objetivo", "entidad", "fecha_inicio", "fecha_fin", "peso")


@transaction.atomic
def accion_guardar(*, por, accion: Accion | None = None, corresponsables=None, **datos) -> Accion:
    """Crea o edita una acción (solo el equipo DNP). Valida como el modelo (full_clean)."""
    _exigir_dnp(por)
    accion = accion or Accion()
    for campo in CAMPOS_ACCION:
        if campo in datos:
            setattr(accion, campo, datos[campo])
    accion._history_user = por
    accion.full_clean()
    try:
        with transaction.atomic():
            accion.save()
    except IntegrityError:
        raise ValidationError({"codigo": _("Ya existe una acción con ese código.")}, code="conflicto") from None
    if corresponsables is not None:
        accion.corresponsables.set([e for e in corresponsables if e.pk != accion.entidad_id])
    return accion


@transaction.atomic
def accion_indicador_crear(*, accion: Accion, por, metas: dict[int, Decimal] | None = None, **ficha) -> Indicador:
    """Crea un indicador (ficha técnica de `indicadores`) de la acción, con sus metas anuales; lo mide
    la entidad responsable de la acción. Tipos: gestión, producto o resultado."""
    _exigir_dnp(por)
    if ficha.get("tipo") not in ("gestion", "producto", "resultado"):
        raise ValidationError({"tipo": _("Un indicador del PAS es de gestión, de producto o de resultado.")})
    indicador = Indicador(entidad=accion.entidad, unidad_responsable=ficha.pop("unidad_responsable", "")
                          or accion.entidad.nombre[:200], **ficha)
    indicador._history_user = por
    indicador.full_clean()
    indicador.save()
    IndicadorAccion.objects.create(accion=accion, indicador=indicador)
    for anio, valor in sorted((metas or {}).items()):
        if valor is not None:
            MetaIndicador.objects.create(indicador=indicador, anio=anio, valor=valor)
    Accion.objects.filter(pk=accion.pk).update(actualizado=timezone.now())  # la acción cambió (fuente de cambios)
    return indicador


@transaction.atomic
def costo_guardar(*, accion: Accion, anio: int, fuente: str, monto, por) -> CostoAccion:
    _exigir_dnp(por)
    if not 2022 <= int(anio) <= 2026:
        raise ValidationError({"anio": _("El PAS va de 2022 a 2026.")}, code="rango")
    costo, _c = CostoAccion.objects.select_for_update().get_or_create(
        accion=accion, anio=anio, fuente=fuente, defaults={"monto": _decimal(monto, "monto")})
    costo.monto = _decimal(monto, "monto")
    costo._history_user = por
    costo.full_clean()
    costo.save()
    return costo


@transaction.atomic
def corte_editar(*, corte: CorteSemestral, por, plazo_reporte: date, dias_alerta: int) -> CorteSemestral:
    """El DNP ajusta el plazo de reporte y la anticipación de la alerta de un corte abierto."""
    _exigir_dnp(por)
    corte = CorteSemestral.objects.select_for_update().get(pk=corte.pk)
    exigir_corte_abierto(corte)
    if plazo_reporte < corte.fecha_corte:
        raise ValidationError({"plazo_reporte": _("El plazo de reporte no puede ser anterior a la fecha de corte.")})
    corte.plazo_reporte, corte.dias_alerta = plazo_reporte, dias_alerta
    corte._history_user = por
    corte.save(update_fields=["plazo_reporte", "dias_alerta", "actualizado"])
    return corte


# --- Reportes (entidad responsable) --------------------------------------------------------------
@transaction.atomic
def reporte_guardar(*, accion: Accion, corte: CorteSemestral, por, avance=None, comprometido=0, pagado=0,
                    nota: str = "", valores: dict | None = None, evidencias=()) -> ReportePAS:
    """Guarda el borrador del reporte de `accion` en `corte` (lo crea si no existe). Un reporte
    devuelto vuelve a borrador al corregirlo; uno enviado o aprobado no se edita."""
    _denegar_si(not rules.reporta_accion(por, accion),
                _("Solo la entidad responsable de la acción reporta su avance."))
    exigir_corte_abierto(corte)
    exigir_largos(ReportePAS, {"nota": nota})
    if accion.fecha_inicio > corte.fecha_corte:
        raise ValidationError(_("La acción aún no había empezado en la fecha de este corte."), code="fuera_de_plazo")
    for archivo in evidencias or ():
        validar_adjunto(archivo)
    avance = None if avance in (None, "") else _decimal(avance, "avance", maximo=Decimal(100))
    comprometido = _decimal(comprometido, "comprometido")
    pagado = _decimal(pagado, "pagado")
    if pagado > comprometido:
        raise ValidationError({"pagado": _("Lo pagado no puede superar lo comprometido.")}, code="pagado")
    reporte = ReportePAS.objects.select_for_update().filter(accion=accion, corte=corte).first()
    if reporte is None:
        reporte = ReportePAS(accion=accion, corte=corte)
    elif reporte.estado not in EDITABLES:
        raise ValidationError(_("El reporte ya fue %(e)s: no se puede editar.") % {
            "e": reporte.get_estado_display().lower()}, code="estado")
    reporte.avance, reporte.comprometido, reporte.pagado, reporte.nota = avance, comprometido, pagado, nota
    reporte.estado = EstadoReporte.BORRADOR
    reporte._history_user = por
    try:
        with transaction.atomic():
            reporte.save()
    except IntegrityError:
        raise ValidationError(_("Otra persona acaba de crear este reporte; ábralo y edítelo."), code="conflicto") from None
    propios = set(accion.indicadores_pas.values_list("indicador_id", flat=True))
    for indicador_id, valor in (valores or {}).items():
        if int(indicador_id) not in propios:
            raise ValidationError({"valores": _("El indicador %(i)s no es de esta acción.") % {"i": indicador_id}})
        if valor in (None, ""):
            ValorReporte.objects.filter(reporte=reporte, indicador_id=indicador_id).delete()
            continue
        ValorReporte.objects.update_or_create(reporte=reporte, indicador_id=int(indicador_id),
                                              defaults={"valor": _decimal(valor, "valores", minimo=None)})
    for archivo in evidencias or ():
        EvidenciaReporte.objects.create(reporte=reporte, archivo=archivo, nombre=str(archivo.name)[:200])
    return reporte


def _contenido(reporte: ReportePAS) -> dict:
    return {
        "avance": None if reporte.avance is None else str(reporte.avance),
        "comprometido": str(reporte.comprometido), "pagado": str(reporte.pagado), "nota": reporte.nota,
        "valores": {str(v.indicador_id): str(v.valor) for v in reporte.valores.all()},
        "evidencias": [e.nombre for e in reporte.evidencias.all()],
    }


def _bloquear(reporte: ReportePAS) -> ReportePAS:
    reporte = ReportePAS.objects.select_for_update().select_related("accion__entidad", "corte").get(pk=reporte.pk)
    exigir_corte_abierto(reporte.corte)
    return reporte


@transaction.atomic
def reporte_enviar(*, reporte: ReportePAS, por) -> ReportePAS:
    """Borrador o devuelto → enviado: deja una versión inmutable con lo enviado. Enviar lo ya enviado
    (doble clic) no hace nada."""
    _denegar_si(not rules.reporta_accion(por, reporte.accion),
                _("Solo la entidad responsable de la acción reporta su avance."))
    reporte = _bloquear(reporte)
    if reporte.estado == EstadoReporte.ENVIADO:
        return reporte
    if reporte.estado not in EDITABLES:
        raise ValidationError(_("El reporte ya fue aprobado: no se vuelve a enviar."), code="estado")
    if reporte.avance is None:
        raise ValidationError({"avance": _("Indique el avance físico de la acción antes de enviar.")}, code="avance")
    reporte.version += 1
    VersionReporte.objects.create(reporte=reporte, numero=reporte.version, datos=_contenido(reporte), enviada_por=por)
    reporte.estado, reporte.enviado_en = EstadoReporte.ENVIADO, timezone.now()
    reporte._history_user = por
    reporte.save(update_fields=["estado", "version", "enviado_en", "actualizado"])
    return reporte


@transaction.atomic
def reporte_devolver(*, reporte: ReportePAS, por, comentario: str) -> ReportePAS:
    """Enviado → devuelto con comentarios (DNP). La versión enviada se conserva."""
    _exigir_dnp(por)
    comentario = (comentario or "").strip()
    if not comentario:
        raise ValidationError({"comentario": _("Escriba qué debe corregir la entidad.")}, code="requerido")
    exigir_largo(ReportePAS, "comentario_dnp", comentario, clave="comentario")
    reporte = _bloquear(reporte)
    if reporte.estado == EstadoReporte.DEVUELTO and reporte.comentario_dnp == comentario:
        return reporte
    if reporte.estado != EstadoReporte.ENVIADO:
        raise ValidationError(_("Solo se devuelve un reporte enviado."), code="estado")
    reporte.estado, reporte.comentario_dnp, reporte.revisado_por = EstadoReporte.DEVUELTO, comentario, por
    reporte._history_user = por
    reporte.save(update_fields=["estado", "comentario_dnp", "revisado_por", "actualizado"])
    usuarios = _usuarios_de(reporte.accion.entidad_id)
    notificar(usuarios=usuarios, categoria=CategoriaAlerta.SEGUIMIENTO,
              titulo=_("Reporte del PAS devuelto: acción %(c)s, %(k)s") % {"c": reporte.accion.codigo, "k": reporte.corte.nombre},
              mensaje=comentario, url=reverse("pas:reporte", args=[reporte.pk]),
              clave=f"pas-devuelto-{reporte.pk}-v{reporte.version}",
              puede_ver=lambda u: rules.ve_reporte(u, reporte))
    return reporte


@transaction.atomic
def reporte_aprobar(*, reporte: ReportePAS, por, comentario: str = "") -> ReportePAS:
    _exigir_dnp(por)
    exigir_largo(ReportePAS, "comentario_dnp", comentario, clave="comentario")
    reporte = _bloquear(reporte)
    if reporte.estado == EstadoReporte.APROBADO:
        return reporte
    if reporte.estado != EstadoReporte.ENVIADO:
        raise ValidationError(_("Solo se aprueba un reporte enviado."), code="estado")
    reporte.estado, reporte.revisado_por = EstadoReporte.APROBADO, por
    if comentario:
        reporte.comentario_dnp = comentario
    reporte._history_user = por
    reporte.save(update_fields=["estado", "revisado_por", "comentario_dnp", "actualizado"])
    return reporte


# --- Corte: consolidar y cerrar (DNP) -------------------------------------------------------------
def informe_pedir(*, corte: CorteSemestral, por=None) -> None:
    """Pide (bandeja de salida) la generación del informe consolidado del corte. Un pedido pendiente
    igual no se duplica (clave); la tarea es idempotente (ver `pas.informes.generar`)."""
    if por is not None:
        _exigir_dnp(por)
    from pas.models import EstadoInforme, InformeCorte

    with transaction.atomic():
        informe, _c = InformeCorte.objects.select_for_update().get_or_create(corte=corte)
        if corte.esta_cerrado() and informe.version > 0 and informe.generado_en and informe.generado_en >= corte.cerrado_en:
            raise ValidationError(_("El corte está cerrado: el informe emitido es el registro y ya no se regenera."),
                                  code="periodo_cerrado")
        if informe.estado != EstadoInforme.GENERANDO:
            informe.estado = EstadoInforme.PENDIENTE
            informe.save(update_fields=["estado", "actualizado"])
        encolar(TAREA_INFORME, corte.pk, clave=f"{TAREA_INFORME}:{corte.pk}", solicitado_en=timezone.now().isoformat())


@transaction.atomic
def corte_cerrar(*, corte: CorteSemestral, por, hoy: date | None = None) -> CorteSemestral:
    """El DNP consolida y cierra el corte: desde entonces nada de él cambia. Con el mismo candado y la
    misma regla que el cierre de periodos (`indicadores.services.periodo_cerrar`). Idempotente. Al
    cerrarlo se pide el informe consolidado final (el emitido)."""
    ya_cerrado = corte.esta_cerrado()
    corte = srv_indicadores.periodo_cerrar(periodo=corte, por=por, hoy=hoy)
    corte.refresh_from_db()
    if not ya_cerrado:
        informe_pedir(corte=corte)
    return corte


# --- Alertas de plazo ----------------------------------------------------------------------------
def _usuarios_de(entidad_id: int):
    return list(usuarios_con_rol(entidad_id, rules.ROLES_REPORTAN))


def entidades_sin_reportar(corte: CorteSemestral) -> list[int]:
    """Entidades responsables de alguna acción iniciada al corte que no la ha enviado (ni aprobado)."""
    activas = Accion.objects.filter(fecha_inicio__lte=corte.fecha_corte)
    enviadas = ReportePAS.objects.filter(corte=corte, estado__in=[EstadoReporte.ENVIADO, EstadoReporte.APROBADO])
    return sorted(set(activas.exclude(pk__in=enviadas.values("accion_id")).values_list("entidad_id", flat=True)))


def alertar_plazos(*, hoy: date | None = None) -> int:
    """Alerta, antes del plazo de cada corte abierto (desde `dias_alerta` días antes hasta el plazo), a
    las entidades que no han enviado el reporte de todas sus acciones. Una sola vez por entidad y corte:
    la fila `AlertaCorte` (única) y la clave de la notificación lo garantizan ante una reentrega."""
    from datetime import timedelta

    hoy = hoy or timezone.localdate()
    enviadas = 0
    cortes = CorteSemestral.objects.filter(cerrado_en__isnull=True, plazo_reporte__gte=hoy, fecha_corte__lt=hoy)
    for corte in cortes:
        if hoy < corte.plazo_reporte - timedelta(days=corte.dias_alerta):
            continue
        ya = set(AlertaCorte.objects.filter(corte=corte).values_list("entidad_id", flat=True))
        for entidad_id in entidades_sin_reportar(corte):
            if entidad_id in ya:
                continue
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        AlertaCorte.objects.create(corte=corte, entidad_id=entidad_id)
                except IntegrityError:
                    continue  # otra corrida ya la envió
                notificar(
                    usuarios=_usuarios_de(entidad_id), categoria=CategoriaAlerta.SEGUIMIENTO,
                    titulo=_("PAS: el plazo del %(c)s vence el %(f)s") % {
                        "c": corte.nombre, "f": corte.plazo_reporte.strftime("%d/%m/%Y")},
                    mensaje=_("Su entidad aún no ha enviado el reporte semestral de todas sus acciones del PAS."),
                    url=reverse("pas:corte", args=[corte.pk]), clave=f"pas-plazo-{corte.pk}-{entidad_id}",
                )
                enviadas += 1
    return enviadas


