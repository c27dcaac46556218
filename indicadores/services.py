"""Escrituras de los indicadores: mediciones y cierre de periodos (y el candado que este pone).

Cerrar un mes (o un corte semestral del PAS, con el mismo candado) es un acto explícito del equipo de seguimiento del DNP (`periodo_cerrar`): desde
entonces, ese mes no admite mediciones, ni avances con fecha de corte en él, ni su validación
(`exigir_fecha_de_corte`, `exigir_periodo_abierto`), y su informe emitido es el registro.

El tablero del seguimiento (que muestra los indicadores) se entera por las señales de los modelos
(`seguimiento/apps.py`): esta app no conoce a las de arriba.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from att.api.errores import CONFLICTO
from att.bloqueos import clave_bloqueo
from att.validadores import exigir_largo
from indicadores import rules
from indicadores.models import CierrePeriodo, Medicion
from indicadores.selectors import periodo_cerrado, primer_dia

MENSAJE_MEDICION_REPETIDA = _lazy(
    "Ya existe una medición de este indicador para ese periodo; edítela en lugar de crear otra."
)


def candado_de_periodo(clave: str, *, exclusivo: bool) -> None:
    """Candado consultivo de transacción por periodo: compartido para quien escribe en el periodo
    (avances, validaciones, reportes), exclusivo para quien lo cierra. Así un cierre espera a las
    escrituras en curso y las que llegan después lo ven cerrado. Se suelta al terminar la transacción;
    fuera de una (autocommit) no sirve de nada, por eso los llamadores son atómicos. `clave` es el mes
    («AAAA-MM-01») o la `clave_periodo` de otro periodo cerrable (un corte semestral del PAS)."""
    funcion = "pg_advisory_xact_lock" if exclusivo else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {funcion}(%s)", [clave_bloqueo("indicadores.periodo", clave)])


def _candado_del_mes(fecha: date, *, exclusivo: bool) -> None:
    candado_de_periodo(primer_dia(fecha).isoformat(), exclusivo=exclusivo)


def _denegar_si(condicion: bool, mensaje: str) -> None:
    if condicion:
        raise PermissionDenied(mensaje)


@transaction.atomic
def medicion_registrar(*, indicador, periodo: date, valor, por, observacion: str = "") -> Medicion:
    _denegar_si(not rules.mide_indicador(por, indicador),
                _("Solo la entidad responsable del indicador o el DNP registran sus mediciones."))
    exigir_largo(Medicion, "observacion", observacion)
    periodo = primer_dia(periodo)
    _candado_del_mes(periodo, exclusivo=False)
    if periodo_cerrado(periodo):
        raise ValidationError(
            _("El periodo %(p)s está cerrado: sus mediciones no se pueden cambiar.") % {"p": periodo.strftime("%Y-%m")},
            code="periodo_cerrado",
        )
    medicion = Medicion.objects.select_for_update().filter(indicador=indicador, periodo=periodo).first()
    if medicion is None:
        medicion = Medicion(indicador=indicador, periodo=periodo)
    medicion.valor = valor
    medicion.observacion = observacion
    medicion.registrada_por = por
    try:
        with transaction.atomic():
            medicion.save()
    except IntegrityError:
        # Dos primeras mediciones del mismo mes a la vez: la otra ganó. No se pisa en silencio.
        raise ValidationError(MENSAJE_MEDICION_REPETIDA, code=CONFLICTO) from None
    return medicion


@transaction.atomic
def periodo_cerrar(*, periodo, por, hoy: date | None = None):
    """Cierra el mes de `periodo` (acto del equipo de seguimiento del DNP). Idempotente: cerrar un mes
    ya cerrado devuelve el cierre que había, sin cambiarlo. Solo se cierra un mes ya terminado. Queda
    en el historial con quién lo cerró.

    `periodo` puede ser también un periodo cerrable de otra app (un corte semestral del PAS): un
    objeto con `clave_periodo`, `esta_cerrado()`, `periodo_terminado(hoy)`, `registrar_cierre(por)` y
    `nombre`. Vale la misma regla (solo el equipo DNP, solo un periodo terminado, idempotente) y el
    mismo candado exclusivo; se devuelve el objeto cerrado."""
    _denegar_si(not rules.cierra_periodo(por), _("Solo el equipo de seguimiento del DNP cierra periodos."))
    if not isinstance(periodo, date):
        return _cerrar_periodo_propio(periodo, por=por, hoy=hoy or timezone.localdate())
    periodo = primer_dia(periodo)
    if periodo >= primer_dia(hoy or timezone.localdate()):
        raise ValidationError(_("Solo se cierra un mes ya terminado: %(p)s aún no termina.") % {
            "p": periodo.strftime("%Y-%m")}, code="periodo_en_curso")
    _candado_del_mes(periodo, exclusivo=True)  # espera a las validaciones y avances en curso de ese mes
    cierre = CierrePeriodo.objects.select_for_update().filter(periodo=periodo).first()
    if cierre is not None:
        return cierre
    cierre = CierrePeriodo(periodo=periodo, cerrado_por=por)
    cierre._history_user = por
    try:
        with transaction.atomic():
            cierre.save()
    except IntegrityError:  # otro lo cerró a la vez: ese cierre vale
        cierre = CierrePeriodo.objects.get(periodo=periodo)
    return cierre


def _cerrar_periodo_propio(periodo, *, por, hoy: date):
    if not periodo.periodo_terminado(hoy):
        raise ValidationError(_("Solo se cierra un periodo ya terminado: %(p)s aún no termina.") % {
            "p": periodo.nombre}, code="periodo_en_curso")
    candado_de_periodo(periodo.clave_periodo, exclusivo=True)  # espera a las escrituras en curso
    if not periodo.esta_cerrado():
        periodo.registrar_cierre(por)
    return periodo


def _mensaje_cerrado(periodo: date) -> str:
    return _("El periodo %(p)s está cerrado: no admite avances ni validaciones con fecha de corte en él.") % {
        "p": primer_dia(periodo).strftime("%Y-%m")}


def exigir_periodo_abierto(fecha=None, *, periodo=None) -> None:
    """Rechaza (ValidationError, código «periodo_cerrado») lo fechado en un mes cerrado. Llamar dentro
    de la transacción que escribe: el candado compartido del mes impide cerrarlo hasta que termine.
    Con `periodo` (un periodo cerrable de otra app, p. ej. un corte del PAS: ver `periodo_cerrar`),
    el candado y la pregunta son los de ese periodo."""
    if periodo is not None:
        candado_de_periodo(periodo.clave_periodo, exclusivo=False)
        if periodo.esta_cerrado():
            raise ValidationError(periodo.mensaje_cerrado(), code="periodo_cerrado")
        return
    _candado_del_mes(fecha, exclusivo=False)
    if periodo_cerrado(fecha):
        raise ValidationError(_mensaje_cerrado(fecha), code="periodo_cerrado")


def exigir_fecha_de_corte(fecha: date, *, hoy: date | None = None) -> None:
    """La fecha de corte de un avance: ni futura ni en un mes cerrado (error sobre `fecha_corte`)."""
    if fecha is None:  # el campo obligatorio lo exige el formulario o el modelo
        return
    hoy = hoy or timezone.localdate()
    if fecha > hoy:
        raise ValidationError({"fecha_corte": _("La fecha de corte no puede ser futura (hoy es %(h)s).") % {
            "h": hoy.isoformat()}}, code="fecha_futura")
    _candado_del_mes(fecha, exclusivo=False)
    if periodo_cerrado(fecha):
        raise ValidationError({"fecha_corte": _mensaje_cerrado(fecha)}, code="periodo_cerrado")
