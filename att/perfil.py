"""Registro de secciones del perfil de una entidad territorial (`/territorio/<DIVIPOLA>/`).

El perfil junta lo que saben varias apps; `att` no importa ninguna de ellas (está debajo de todas). Cada app
registra sus secciones desde su `ready()`, en un módulo `<app>/perfil.py`:

    from att import perfil
    perfil.registrar(perfil.Seccion(
        clave="demandas", titulo=_("Demandas"), orden=30, plantilla="demanda/perfil/demandas.html",
        datos=selectors.demandas_para_perfil,            # datos(entidad, usuario) -> objeto | None
        campos=("demanda.Demanda.estado", "demanda.Demanda.entidad"),
        empalme=selectors.demandas_para_empalme,         # empalme(entidad) -> [(hoja, encabezados, filas)]
    ))

- `datos(entidad, usuario)` es el selector acotado por permisos de la sección: devuelve lo que la plantilla
  pinta (con `datos` en el contexto) o `None` si ese usuario no debe verla (la sección no aparece).
- `publica=True`: la sección se muestra también al visitante anónimo y a quien no es de la entidad (entonces
  `datos()` recibe ese usuario; debe mostrar solo lo público). Una sección no pública ni siquiera se consulta
  para quien no puede ver la parte privada del perfil (`att.permisos.puede_ver_perfil_privado`).
- `campos`: «app_label.Modelo.campo» (o «app_label.Modelo.relacion__campo») que la sección lee. El chequeo de
  sistema `att.E201` hace fallar el arranque (`manage.py check`, runserver, migrate, pruebas) si alguno no
  existe: un campo renombrado ya no deja una sección vacía en silencio.
- `empalme(entidad)`: lo que la sección aporta al informe de empalme (PDF y XLSX), como hojas
  `(titulo_hoja, encabezados, filas)`; `None` si no aporta.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.template import TemplateDoesNotExist
from django.template.loader import get_template


@dataclass(frozen=True)
class Seccion:
    clave: str  # "rutas", "demandas", …: única; es también el ancla (#clave) en la página
    titulo: str  # gettext_lazy
    orden: int
    plantilla: str  # plantilla que pinta la sección con `datos`
    datos: Callable  # datos(entidad, usuario) -> objeto para la plantilla, o None si no le toca ver
    publica: bool = False  # se muestra a visitantes anónimos (entonces datos() recibe usuario anónimo)
    campos: tuple[str, ...] = ()  # "app_label.Modelo.campo" que usa; el chequeo de sistema falla si no existe
    empalme: Callable | None = None  # empalme(entidad) -> list[(titulo_hoja, encabezados, filas)]
    # La página propia de la sección (`/territorio/<código>/seccion/<clave>/`) filtra por periodo de gobierno y
    # muestra hasta LIMITE_SECCION filas: entonces `datos(entidad, usuario, periodo=…, limite=…)`.
    filtra_periodo: bool = False


_SECCIONES: dict[str, Seccion] = {}


def registrar(seccion: Seccion) -> None:
    """Agrega (o reemplaza, si se llama dos veces con la misma clave: `ready()` puede repetirse en pruebas)
    una sección del perfil. Llamado desde el `ready()` de cada app."""
    _SECCIONES[seccion.clave] = seccion


def secciones() -> list[Seccion]:
    """Las secciones registradas, en su orden (y por clave, a igual orden)."""
    return sorted(_SECCIONES.values(), key=lambda s: (s.orden, s.clave))


def quitar(clave: str) -> Seccion | None:
    """Quita una sección (para pruebas que registran una temporal)."""
    return _SECCIONES.pop(clave, None)


# --- Ayudas para las secciones -----------------------------------------------------------------
LIMITE_FILAS = 20  # filas por tabla en la página (las más recientes); el informe de empalme las lleva todas
LIMITE_SECCION = 500  # filas por tabla en la página propia de una sección («ver todo», con filtro de periodo)


@dataclass(frozen=True)
class Enlace:
    """Celda con enlace en una tabla de sección."""

    texto: str
    url: str

    def __str__(self):
        return str(self.texto)


@dataclass
class Tabla:
    """Una tabla de la plantilla genérica `att/perfil/tablas.html` (y una hoja del informe de empalme)."""

    titulo: str
    encabezados: list
    filas: list
    total: int
    vacio: str = ""
    nota: str = ""
    mas_de: bool = False  # `total` es una cota: hay más filas que `tope_total` (no se contaron todas)

    def hoja(self) -> tuple[str, list, list]:
        """(titulo_hoja, encabezados, filas) para el informe de empalme, con los enlaces como texto."""
        return (str(self.titulo), [str(e) for e in self.encabezados],
                [[str(c) if isinstance(c, Enlace) else c for c in fila] for fila in self.filas])


def tabla(titulo, encabezados, qs, fila: Callable, *, limite: int | None = LIMITE_FILAS, vacio="", nota="",
          total: int | None = None, tope_total: int | None = None) -> Tabla:
    """Una sola consulta, con el total de filas en una función de ventana (`COUNT(*) OVER ()`): el número de
    consultas es el mismo con 10 que con 1.000 registros. `limite=None` las trae todas (informe de empalme).
    `total`: el total ya contado por la sección (su resumen); entonces sin ventana, que obliga a leer todas
    las filas antes del LIMIT.
    `tope_total`: cuenta a lo sumo esas filas (`COUNT` sobre un `LIMIT tope+1` en una subconsulta, sin leer todas las que
    cumplen el filtro) y, si hay más, la tabla dice «más de tope» (`mas_de`): para filtros que alcanzan miles
    de filas, como las ofertas que llegan a una gobernación."""
    if limite is not None and tope_total is not None:
        from django.db.models import IntegerField, Subquery

        class ContarHasta(Subquery):  # sin correlación: PostgreSQL la evalúa una vez (InitPlan), en la misma consulta
            template = "(SELECT COUNT(*) FROM (%(subquery)s) _contadas)"
            output_field = IntegerField()

        objetos = list(qs.annotate(total_perfil=ContarHasta(qs.order_by().values("pk")[:tope_total + 1]))[:limite])
        total = objetos[0].total_perfil if objetos else 0
        return Tabla(titulo=titulo, encabezados=list(encabezados), filas=[fila(o) for o in objetos],
                     total=min(total, tope_total), vacio=vacio, nota=nota, mas_de=total > tope_total)
    if limite is None:
        objetos = list(qs)
        total = len(objetos)
    elif total is not None:
        objetos = list(qs[:limite])
    else:
        from django.db.models import Count, Window

        objetos = list(qs.annotate(total_perfil=Window(Count("pk")))[:limite])
        total = objetos[0].total_perfil if objetos else 0
    return Tabla(titulo=titulo, encabezados=list(encabezados), filas=[fila(o) for o in objetos], total=total,
                 vacio=vacio, nota=nota)


def enlace_ver_todo(entidad, clave: str, limite) -> Enlace | None:
    """En el perfil (tablas recortadas a LIMITE_FILAS): el enlace a la página propia de la sección, con todas
    las filas y el filtro por periodo de gobierno. En esa página (otro límite), nada."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    if limite != LIMITE_FILAS:
        return None
    return Enlace(_("Ver todo y filtrar por periodo de gobierno"), reverse("territorio-seccion", args=[codigo_de(entidad), clave]))


def con_autor_activo(qs, campo_autor: str, entidad):
    """Anota `autor_sigue`: si quien registró sigue en la entidad (la memoria queda aunque cambien los
    funcionarios; la página lo marca)."""
    from django.db.models import Exists, OuterRef

    from att.models import Membresia

    return qs.annotate(autor_sigue=Exists(
        Membresia.objects.vigentes().filter(usuario=OuterRef(campo_autor), entidad=entidad)))


def autor(objeto, campo: str = "autor") -> str:
    """Nombre de quien registró, con la marca «ya no está en la entidad» (requiere `con_autor_activo`)."""
    from django.utils.translation import gettext as _

    persona = getattr(objeto, campo, None)
    if persona is None:
        return "—"
    if getattr(objeto, "autor_sigue", None) is False:
        return _("%(p)s (ya no está en la entidad)") % {"p": persona}
    return str(persona)


@dataclass
class Visible:
    seccion: Seccion
    datos: object


def visibles(entidad, usuario, *, privado: bool) -> list[Visible]:
    """Las secciones que `usuario` ve en el perfil de `entidad`, con sus datos. Sin `privado` (visitante
    anónimo, o alguien sin vínculo con la entidad) solo se consultan las públicas."""
    resultado = []
    for seccion in secciones():
        if not (privado or seccion.publica):
            continue
        datos = seccion.datos(entidad, usuario)
        if datos is not None:
            resultado.append(Visible(seccion, datos))
    return resultado


def hojas_empalme(entidad) -> list[tuple[str, list, list]]:
    """Las hojas del informe de empalme: las de cada sección registrada que aporta, en su orden."""
    hojas = []
    for seccion in secciones():
        if seccion.empalme is not None:
            hojas.extend(seccion.empalme(entidad))
    return hojas


def periodo_de_gobierno() -> Callable:
    """Función fecha (o año) -> nombre del periodo de gobierno territorial en que cae («2020–2023»), con los
    periodos leídos una vez (una consulta): para poner el periodo en cada fila del informe de empalme."""
    import datetime

    from att.selectors import periodos_gobierno

    periodos = [(p.inicio, p.fin, str(p)) for p in periodos_gobierno()]

    def periodo(fecha) -> str:
        if fecha is None:
            return ""
        if isinstance(fecha, int):
            fecha = datetime.date(fecha, 1, 1)
        elif isinstance(fecha, datetime.datetime):
            fecha = fecha.date()
        return next((nombre for inicio, fin, nombre in periodos if inicio <= fecha <= fin), "")

    return periodo


def codigo_de(entidad) -> str:
    """Código DIVIPOLA del perfil: el del municipio (alcaldía) o el del departamento (gobernación)."""
    from att.models import TipoEntidad

    return entidad.municipio_id if entidad.tipo == TipoEntidad.ALCALDIA else (entidad.departamento_id or "")


def url_perfil(entidad, ancla: str = "") -> str:
    """`/territorio/<DIVIPOLA>/[#ancla]` de una entidad territorial."""
    from django.urls import reverse

    return reverse("territorio", args=[codigo_de(entidad)]) + (f"#{ancla}" if ancla else "")


def resolver_campo(ruta: str):
    """Ubica «app_label.Modelo.campo[__campo…]» entre los modelos instalados y devuelve el último campo.
    Lanza LookupError con un mensaje que dice qué parte no existe."""
    partes = ruta.split(".")
    if len(partes) != 3 or not all(partes):
        raise LookupError(f"«{ruta}» no tiene la forma app_label.Modelo.campo")
    etiqueta, nombre_campo = f"{partes[0]}.{partes[1]}".lower(), partes[2]
    # get_models() (todos los instalados) en vez de buscar un modelo por nombre de otra app.
    modelo = next((m for m in apps.get_models() if m._meta.label_lower == etiqueta), None)
    if modelo is None:
        raise LookupError(f"el modelo {partes[0]}.{partes[1]} no existe")
    campo = None
    for trozo in nombre_campo.split("__"):
        if modelo is None:
            raise LookupError(f"«{trozo}» sigue a un campo que no es una relación")
        try:
            campo = modelo._meta.get_field(trozo)
        except FieldDoesNotExist as e:
            raise LookupError(f"{modelo._meta.label} no tiene el campo «{trozo}»") from e
        modelo = campo.related_model
    return campo


@checks.register()
def revisar_secciones(app_configs=None, **kwargs):
    """att.E201: una sección nombra un campo que no existe; att.E202: su plantilla no existe;
    att.E203: `datos` o `empalme` no se pueden llamar."""
    errores = []
    for seccion in secciones():
        for ruta in seccion.campos:
            try:
                resolver_campo(ruta)
            except LookupError as e:
                errores.append(checks.Error(
                    f"La sección «{seccion.clave}» del perfil usa el campo «{ruta}»: {e}.",
                    hint="Actualice `campos` y la consulta de la sección en su <app>/perfil.py.",
                    obj=f"att.perfil:{seccion.clave}", id="att.E201"))
        try:
            get_template(seccion.plantilla)
        except TemplateDoesNotExist:
            errores.append(checks.Error(
                f"La sección «{seccion.clave}» del perfil pinta con «{seccion.plantilla}», que no existe.",
                obj=f"att.perfil:{seccion.clave}", id="att.E202"))
        if not callable(seccion.datos) or (seccion.empalme is not None and not callable(seccion.empalme)):
            errores.append(checks.Error(
                f"La sección «{seccion.clave}» del perfil necesita funciones en `datos` y `empalme`.",
                obj=f"att.perfil:{seccion.clave}", id="att.E203"))
    return errores
