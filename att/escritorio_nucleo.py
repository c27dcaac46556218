"""Lo que el núcleo aporta al escritorio: las alertas sin leer de la persona (de todas las áreas)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from att import escritorio, permisos
from att.models import Notificacion, Rol


def alertas_sin_leer(usuario) -> list[escritorio.Item]:
    filas = (Notificacion.objects.filter(usuario=usuario, leida_en__isnull=True)
             .only("pk", "titulo", "url", "creada").order_by("-creada", "-pk")[:escritorio.LIMITE])
    lista = reverse("nucleo:alertas")
    return [escritorio.Item(titulo=n.titulo, url=n.url or lista, fecha=n.creada.date(),
                            siguiente=_("Ábrala para ver qué cambió.")) for n in filas]


def integracion(usuario) -> list[escritorio.Item] | None:
    """El integrador trabaja por la API con el token de su entidad: su escritorio lo lleva a la documentación."""
    if not permisos.tiene_rol(usuario, Rol.INTEGRADOR):
        return None
    return [escritorio.Item(
        titulo=_("Documentación de la API"), url=reverse("api-docs"),
        siguiente=_("Use el token de su entidad en la cabecera «Authorization: Token …»; "
                    "las demandas que registre por la API siguen el mismo ciclo que las de la página."))]


def _mas(usuario):
    return (_("Todas sus alertas"), reverse("nucleo:alertas"))


def registrar() -> None:
    escritorio.registrar(escritorio.Grupo(
        clave="alertas", titulo=gettext_lazy("Alertas sin leer"), orden=90, items=alertas_sin_leer,
        vacio=gettext_lazy("No tiene alertas sin leer."), mas=_mas,
    ))
    escritorio.registrar(escritorio.Grupo(
        clave="integracion", titulo=gettext_lazy("Integración por la API"), orden=80, items=integracion,
    ))
