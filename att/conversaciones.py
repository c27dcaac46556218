"""Conversaciones sobre un objeto (una demanda, un plan concertado): el registro de tipos y las lecturas.

`att` no conoce los modelos de las apps (capas): cada app registra desde su `ready()` el tipo que tiene
conversación con `registrar(...)`, diciendo

- `obtener(usuario, pk)`: el objeto si la persona lo puede ver, o None (la página y la API responden 404);
- `puede_ver(usuario, objeto)`: el mismo predicado de su página; decide también quién recibe las alertas;
- `puede_escribir(usuario, objeto)`: quién participa (nunca el auditor, que solo lee);
- `participantes(objeto)`: a quiénes se avisa de un mensaje nuevo (la ET, los oferentes, el DNP), además
  de quienes ya escribieron en ella; `notificar` descarta a quien no podría abrir la página;
- `url(objeto)`: la página donde está la conversación (sección `#conversacion`).

La escritura es `att.services.mensaje_publicar`; la página incluye `templates/includes/conversacion.html`
con `contexto(request, objeto)`, y la API usa `att.api.conversaciones.MensajesView`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from att.models import AdjuntoMensaje, Membresia, Mensaje, Rol, Usuario

# El texto de un mensaje que no se pudo enviar (un adjunto rechazado) vuelve al formulario desde la sesión.
SESION_BORRADOR = "att_conversacion_borrador"


@dataclass(frozen=True)
class TipoConversacion:
    nombre: str  # en las URL: /nucleo/conversaciones/<nombre>/<pk>/
    modelo: type
    obtener: Callable
    puede_ver: Callable
    puede_escribir: Callable
    participantes: Callable
    url: Callable
    categoria: str
    titulo: Callable  # objeto -> texto corto para la alerta («la demanda «…»»)
    entidades: Callable  # objeto -> ids de las entidades que son parte (la ET, los oferentes)


_TIPOS: dict[str, TipoConversacion] = {}


def registrar(modelo, *, nombre: str, obtener, puede_ver, puede_escribir, participantes, url, categoria: str,
              entidades, titulo=str) -> None:
    _TIPOS[nombre] = TipoConversacion(nombre, modelo, obtener, puede_ver, puede_escribir, participantes, url,
                                      categoria, titulo, entidades)


def tipo(nombre: str) -> TipoConversacion | None:
    return _TIPOS.get(nombre)


def tipo_de(objeto) -> TipoConversacion:
    modelo = type(objeto)._meta.concrete_model
    for t in _TIPOS.values():
        if t.modelo is modelo:
            return t
    raise LookupError(f"{modelo._meta.label} no tiene conversación registrada")


def tipo_por_contenido(tipo_id: int) -> TipoConversacion | None:
    modelo = ContentType.objects.get_for_id(tipo_id).model_class()
    return next((t for t in _TIPOS.values() if t.modelo is modelo), None)


def mensajes(objeto) -> QuerySet[Mensaje]:
    """Los mensajes del objeto, en orden, con su autor, su entidad y sus adjuntos (dos consultas)."""
    return (
        Mensaje.objects.filter(tipo=ContentType.objects.get_for_model(objeto), objeto_id=objeto.pk)
        .select_related("autor", "entidad")
        .prefetch_related(Prefetch("adjuntos", queryset=AdjuntoMensaje.objects.order_by("pk")))
        .order_by("creado", "pk")
    )


def miembros(entidades_ids: Iterable[int], roles: Iterable[str]) -> QuerySet[Usuario]:
    """Personas activas con una membresía activa en alguna de esas entidades con alguno de esos roles."""
    return Usuario.objects.filter(
        is_active=True, pk__in=Membresia.objects.filter(
            activa=True, entidad_id__in=[e for e in entidades_ids if e], rol__in=list(roles),
        ).values("usuario_id"),
    )


def admins_dnp() -> QuerySet[Usuario]:
    return Usuario.objects.filter(
        is_active=True, pk__in=Membresia.objects.filter(activa=True, rol=Rol.ADMIN_DNP).values("usuario_id"))


def entidad_del_autor(usuario, objeto) -> int | None:
    """La entidad por la que escribe: la suya que es parte del objeto; si no (el DNP), su primera membresía."""
    from att import permisos

    vinculos = permisos.vinculos(usuario)
    partes = set(tipo_de(objeto).entidades(objeto))
    propia = next((v.entidad_id for v in vinculos if v.entidad_id in partes), None)
    return propia or (vinculos[0].entidad_id if vinculos else None)


def url_de(objeto) -> str:
    return f"{tipo_de(objeto).url(objeto)}#conversacion"


def contexto(request, objeto, mensajes_leidos=None) -> dict:
    """Lo que necesita `includes/conversacion.html`. `mensajes_leidos`: la lista ya leída (la página que
    también los pone en su línea de tiempo los lee una sola vez)."""
    from att.forms import MensajeForm

    t = tipo_de(objeto)
    lista = list(mensajes(objeto)) if mensajes_leidos is None else mensajes_leidos
    puede = t.puede_escribir(request.user, objeto)
    borradores = request.session.get(SESION_BORRADOR, {}) if puede else {}
    clave = f"{t.nombre}:{objeto.pk}"
    borrador = borradores.get(clave)
    form, errores = None, []
    if puede:
        form = MensajeForm(initial={"texto": borrador["texto"]} if borrador else None, auto_id="mensaje_%s")
        if borrador:
            errores = borrador.get("errores", [])
            borradores.pop(clave, None)
            request.session[SESION_BORRADOR] = borradores
    return {
        "mensajes": lista,
        "puede_escribir": puede,
        "form": form,
        "errores": errores,
        "accion": reverse("nucleo:mensaje-nuevo", args=[t.nombre, objeto.pk]),
    }


def guardar_borrador(request, objeto, texto: str, errores: list[str]) -> None:
    t = tipo_de(objeto)
    borradores = request.session.get(SESION_BORRADOR, {})
    borradores[f"{t.nombre}:{objeto.pk}"] = {"texto": texto, "errores": errores}
    request.session[SESION_BORRADOR] = borradores


def linea_de_tiempo(*grupos) -> list[dict]:
    """Une en orden de fecha las entradas de una línea de tiempo: cada grupo es (tipo, lista, campo de fecha).
    Devuelve [{"tipo", "cuando", "objeto"}]; la plantilla pinta cada tipo a su manera."""
    filas = [
        {"tipo": nombre, "cuando": getattr(o, campo), "objeto": o}
        for nombre, lista, campo in grupos for o in lista
    ]
    return sorted(filas, key=lambda f: f["cuando"])
