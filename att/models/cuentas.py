"""Cuentas: solicitudes de cuenta, invitaciones por correo y solicitudes sobre datos personales
(Ley 1581 de 2012). Las escrituras están en `att/cuentas.py`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from att.validadores import TEXTO_CORTO, TEXTO_MEDIO, largo_maximo

from .usuarios import Rol


class EstadoSolicitudCuenta(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    APROBADA = "aprobada", _("Aprobada")
    RECHAZADA = "rechazada", _("Rechazada")


class SolicitudCuenta(models.Model):
    """Una persona sin cuenta pide una para una entidad; la aprueba el DNP o el equipo departamental
    (para los municipios de su departamento)."""

    nombre = models.CharField(_("nombre completo"), max_length=200)
    email = models.EmailField(_("correo electrónico"))
    entidad = models.ForeignKey("att.Entidad", on_delete=models.PROTECT, related_name="solicitudes_cuenta",
                                verbose_name=_("entidad"))
    rol = models.CharField(_("rol solicitado"), max_length=30, choices=Rol.choices)
    cargo = models.CharField(_("cargo"), max_length=150)
    justificacion = models.TextField(_("justificación"), **largo_maximo(TEXTO_CORTO))
    estado = models.CharField(_("estado"), max_length=12, choices=EstadoSolicitudCuenta.choices,
                              default=EstadoSolicitudCuenta.PENDIENTE)
    motivo_rechazo = models.TextField(_("motivo del rechazo"), blank=True, **largo_maximo(TEXTO_CORTO))
    creada_en = models.DateTimeField(_("recibida"), default=timezone.now)
    resuelta_en = models.DateTimeField(_("resuelta"), null=True, blank=True)
    resuelta_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="solicitudes_cuenta_resueltas", verbose_name=_("resuelta por"))
    usuario = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="solicitudes_cuenta", verbose_name=_("usuario creado"))
    historial = HistoricalRecords()

    class Meta:
        ordering = ["-creada_en"]
        verbose_name = _("solicitud de cuenta")
        verbose_name_plural = _("solicitudes de cuenta")
        indexes = [models.Index(fields=["estado", "creada_en"])]

    def __str__(self):
        return f"{self.nombre} <{self.email}> · {self.entidad}"


class Invitacion(models.Model):
    """Invitación por correo del administrador de una entidad. El enlace lleva un token firmado con
    `nonce`: reenviar la invitación cambia el `nonce` (el enlace anterior deja de valer); se usa una vez."""

    entidad = models.ForeignKey("att.Entidad", on_delete=models.CASCADE, related_name="invitaciones",
                                verbose_name=_("entidad"))
    email = models.EmailField(_("correo electrónico"))
    rol = models.CharField(_("rol"), max_length=30, choices=Rol.choices)
    nonce = models.CharField(max_length=64, editable=False)
    invitada_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="invitaciones_enviadas", verbose_name=_("invitada por"))
    enviada_en = models.DateTimeField(_("enviada"), default=timezone.now)
    expira_en = models.DateTimeField(_("vence"))
    usada_en = models.DateTimeField(_("aceptada"), null=True, blank=True)
    usuario = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="invitaciones_aceptadas", verbose_name=_("aceptada por"))
    historial = HistoricalRecords(excluded_fields=["nonce"])

    class Meta:
        ordering = ["-enviada_en"]
        verbose_name = _("invitación")
        verbose_name_plural = _("invitaciones")
        constraints = [
            models.UniqueConstraint(fields=["entidad", "email"], condition=models.Q(usada_en__isnull=True),
                                    name="una_invitacion_pendiente_por_correo"),
        ]

    def __str__(self):
        return f"{self.email} · {self.entidad}"

    @property
    def vencida(self) -> bool:
        return self.expira_en <= timezone.now()


class TipoSolicitudDatos(models.TextChoices):
    CORRECCION = "correccion", _("Corrección (rectificación) de mis datos")
    SUPRESION = "supresion", _("Supresión de mis datos")


class EstadoSolicitudDatos(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    ATENDIDA = "atendida", _("Atendida")
    RECHAZADA = "rechazada", _("No procede")


class SolicitudDatosPersonales(models.Model):
    """Petición de corrección o supresión de datos personales (Ley 1581 de 2012, art. 8 y 15); la
    responde el DNP. La supresión atendida anonimiza a la persona (sus registros quedan, con el
    nombre anonimizado)."""

    usuario = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="solicitudes_datos", verbose_name=_("titular"))
    tipo = models.CharField(_("tipo"), max_length=12, choices=TipoSolicitudDatos.choices)
    detalle = models.TextField(_("detalle"), **largo_maximo(TEXTO_MEDIO))
    estado = models.CharField(_("estado"), max_length=12, choices=EstadoSolicitudDatos.choices,
                              default=EstadoSolicitudDatos.PENDIENTE)
    respuesta = models.TextField(_("respuesta"), blank=True, **largo_maximo(TEXTO_MEDIO))
    creada_en = models.DateTimeField(_("recibida"), default=timezone.now)
    respondida_en = models.DateTimeField(_("respondida"), null=True, blank=True)
    respondida_por = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="solicitudes_datos_respondidas", verbose_name=_("respondida por"))
    historial = HistoricalRecords()

    class Meta:
        ordering = ["-creada_en"]
        verbose_name = _("solicitud sobre datos personales")
        verbose_name_plural = _("solicitudes sobre datos personales")
        constraints = [
            models.UniqueConstraint(fields=["usuario", "tipo"], condition=models.Q(estado="pendiente"),
                                    name="una_solicitud_datos_pendiente_por_tipo"),
        ]

    def __str__(self):
        return f"{self.get_tipo_display()} · {self.usuario}"
