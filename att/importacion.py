"""Una sola tubería de importación para toda la plataforma (demandas, líneas de plan, atributos
territoriales, puntajes MDM, ofertas…). Cada app declara solo su `Importador`: columnas (con
sinónimos), cómo una fila se vuelve datos validados (con la misma validación pública de sus
servicios) y cómo se escriben. Todo lo demás vive aquí:

- Lectura (`leer_archivo`): CSV en UTF-8 con o sin BOM, UTF-16 (el «texto Unicode» de Excel) o
  Windows-1252/latin-1; separado por coma, punto y coma o tabulación (se detecta en el encabezado);
  XLSX con las fechas y números como valores (no como textos). Cualquier otra cosa (XLSX dañado,
  archivo vacío, binario renombrado .csv, .xls/.ods) es un `ArchivoIlegible` con un mensaje en
  español: nunca un error 500.
- Encabezados flexibles (`mapear_encabezado`): sin tildes, sin mayúsculas, espacios o guiones bajos,
  y sinónimos (`municipio`/`entidad`/`código DIVIPOLA`, `tema`/`temas`…).
- Valores de catálogo por código, nombre o prefijo sin ambigüedad (`Catalogo`).
- Errores por fila del archivo (la 1 es el encabezado), con la frase en español y la sugerencia.
- Ensayo, confirmación reclamada una sola vez (una segunda confirmación recibe un mensaje), escritura
  de todo o nada e idempotente (una tarea entregada dos veces no escribe dos veces), y en Celery (por
  la bandeja de salida) por encima de `UMBRAL_SINCRONO` filas, con el avance en la fila
  `att.Importacion` (sobrevive a una recarga de la página).
- Los archivos de ensayos abandonados se borran después de un día (`purgar`).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import difflib
import io
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from att.lugares import normalizar

logger = logging.getLogger("att.importacion")

UMBRAL_SINCRONO = 300  # filas; por encima, el ensayo y la escritura van por Celery
CADA = 500  # filas entre dos anotaciones del avance
MAX_ERRORES_GUARDADOS = 1000
TAMANO_MAXIMO = 20 * 1024 * 1024
ABANDONO = timedelta(days=1)

# tipo → clase del importador; cada app registra el suyo desde su `ready()` (`registrar_importador`).
IMPORTADORES: dict[str, type] = {}


def registrar_importador(tipo: str, clase: type) -> None:
    """Anota el importador de archivos `tipo` («demandas», «lineas», «mdm»…); llamado desde el `ready()`
    de la app dueña, que lo importa ella misma (att no busca módulos de otras apps por nombre)."""
    IMPORTADORES[tipo] = clase


# --- Lectura ---------------------------------------------------------------------------------------

class ArchivoIlegible(ValidationError):
    """El archivo no es una tabla que se pueda leer; el mensaje es para la persona."""


@dataclass
class Tabla:
    encabezado: list[str]
    filas: list[tuple[int, list]]  # (número de fila en el archivo, valores)
    formato: str = ""


def _celda(valor):
    if isinstance(valor, str):
        return valor.strip()
    if isinstance(valor, float) and valor.is_integer():
        return int(valor)
    return valor


def _leer_xlsx(contenido: bytes) -> Tabla:
    from openpyxl import load_workbook

    try:
        libro = load_workbook(io.BytesIO(contenido), read_only=True, data_only=True)
        hoja = libro.worksheets[0]
        filas_hoja = hoja.iter_rows(values_only=True)
        encabezado = None
        filas = []
        for numero, fila in enumerate(filas_hoja, start=1):
            valores = [_celda(v) for v in fila]
            if all(v in (None, "") for v in valores):
                continue
            if encabezado is None:
                encabezado = ["" if v is None else str(v) for v in valores]
                continue
            filas.append((numero, ["" if v is None else v for v in valores]))
        libro.close()
    except Exception as e:  # noqa: BLE001 - zip roto, XML inválido, libro protegido: se informa a la persona
        logger.info("XLSX ilegible: %s", e)
        raise ArchivoIlegible(_("El archivo XLSX está dañado o no es un libro de Excel. Ábralo en su hoja de cálculo "
                                "y guárdelo de nuevo como XLSX, o como CSV.")) from None
    if encabezado is None:
        raise ArchivoIlegible(_("El archivo está vacío: la primera fila debe llevar los nombres de las columnas."))
    return Tabla(encabezado, filas, "xlsx")


def _decodificar(contenido: bytes) -> str:
    if contenido.startswith((b"\xff\xfe", b"\xfe\xff")):
        return contenido.decode("utf-16")
    muestra = contenido[:8192]
    if b"\x00" in muestra:
        raise ArchivoIlegible(_("El archivo no es una tabla de texto (CSV) ni un libro XLSX: parece un archivo binario "
                                "con otra extensión. Guárdelo desde su hoja de cálculo como CSV o XLSX."))
    try:
        return contenido.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return contenido.decode("cp1252")  # lo que guarda Excel en español como «CSV (delimitado por comas)»
        except UnicodeDecodeError:
            return contenido.decode("latin-1")


def _separador(linea: str) -> str:
    """El separador del encabezado: el que más aparece fuera de comillas (coma si no hay ninguno)."""
    fuera, en_comillas = [], False
    for caracter in linea:
        if caracter == '"':
            en_comillas = not en_comillas
        elif not en_comillas:
            fuera.append(caracter)
    conteos = {s: fuera.count(s) for s in (";", ",", "\t")}
    mejor = max(conteos, key=lambda s: conteos[s])
    return mejor if conteos[mejor] else ","


def _leer_csv(contenido: bytes) -> Tabla:
    texto = _decodificar(contenido)
    if not texto.strip():
        raise ArchivoIlegible(_("El archivo está vacío: la primera fila debe llevar los nombres de las columnas."))
    imprimibles = sum(1 for c in texto[:4096] if c.isprintable() or c in "\r\n\t")
    if imprimibles < 0.95 * len(texto[:4096]):
        raise ArchivoIlegible(_("El archivo no es una tabla de texto (CSV) ni un libro XLSX: parece un archivo binario "
                                "con otra extensión. Guárdelo desde su hoja de cálculo como CSV o XLSX."))
    primera = next((linea for linea in texto.splitlines() if linea.strip()), "")
    lector = csv.reader(io.StringIO(texto, newline=""), delimiter=_separador(primera))
    encabezado, filas = None, []
    try:
        for fila in lector:
            if not any(c.strip() for c in fila):
                continue
            if encabezado is None:
                encabezado = [c.strip() for c in fila]
                continue
            filas.append((lector.line_num, [c.strip() for c in fila]))
    except csv.Error as e:
        raise ArchivoIlegible(_("No se pudo leer el CSV cerca de la fila %(n)s: %(e)s. Revise las comillas.")
                              % {"n": lector.line_num, "e": e}) from None
    return Tabla(encabezado or [], filas, "csv")


def leer_archivo(archivo, nombre: str = "") -> Tabla:
    """Lee un CSV o XLSX (objeto con `read()`, o bytes). Lanza `ArchivoIlegible` si no se puede."""
    contenido = archivo if isinstance(archivo, bytes) else archivo.read()
    if isinstance(contenido, str):
        contenido = contenido.encode("utf-8")
    nombre = (nombre or getattr(archivo, "name", "") or "").lower()
    if len(contenido) > TAMANO_MAXIMO:
        raise ArchivoIlegible(_("El archivo pesa más de %(m)s MB: divídalo en partes.") % {"m": TAMANO_MAXIMO // 2**20})
    if not contenido.strip():
        raise ArchivoIlegible(_("El archivo está vacío: la primera fila debe llevar los nombres de las columnas."))
    if nombre.endswith((".xls", ".ods")) or contenido.startswith(b"\xd0\xcf\x11\xe0"):
        raise ArchivoIlegible(_("Ese formato no se lee: guarde el archivo como XLSX (Excel 2007 o posterior) o CSV."))
    if nombre.endswith(".xlsx") or contenido.startswith(b"PK\x03\x04"):
        return _leer_xlsx(contenido)
    return _leer_csv(contenido)


# --- Encabezados -----------------------------------------------------------------------------------

def _clave(texto) -> str:
    return normalizar("" if texto is None else str(texto).replace("_", " "))


def mapear_encabezado(encabezado: list[str], columnas: dict[str, tuple[str, ...]]) -> tuple[dict[str, int], list[str]]:
    """{columna canónica: índice} y la lista de encabezados que no se reconocieron (se ignoran)."""
    sinonimos: dict[str, str] = {}
    for canonica, otros in columnas.items():
        for nombre in (canonica, *otros):
            sinonimos.setdefault(_clave(nombre), canonica)
    indices, ignoradas = {}, []
    for i, titulo in enumerate(encabezado):
        canonica = sinonimos.get(_clave(titulo))
        if canonica is None:
            if str(titulo).strip():
                ignoradas.append(str(titulo))
        elif canonica not in indices:
            indices[canonica] = i
    return indices, ignoradas


def filas_como_dict(tabla: Tabla, indices: dict[str, int]):
    for numero, valores in tabla.filas:
        yield numero, {c: (valores[i] if i < len(valores) else "") for c, i in indices.items()}


def leer_tabla(archivo, nombre: str) -> list[dict]:
    """Compatibilidad: las filas como diccionarios con los encabezados normalizados (`codigo_divipola`)."""
    tabla = leer_archivo(archivo, nombre)
    claves = [_clave(c).replace(" ", "_") for c in tabla.encabezado]
    return [{k: ("" if v is None else str(v)) for k, v in zip(claves, valores, strict=False) if k}
            for _n, valores in tabla.filas]


# --- Errores y resultado ---------------------------------------------------------------------------

class ErrorFila(ValueError):
    """Un problema de una fila: la columna, la frase en español y, si la hay, la sugerencia."""

    def __init__(self, mensaje: str, *, columna: str = "", sugerencia: str = "", candidatos=None):
        super().__init__(mensaje)
        self.mensaje, self.columna, self.sugerencia = str(mensaje), columna, str(sugerencia or "")
        self.candidatos = list(candidatos or [])


def error_dict(fila: int, mensaje: str, *, columna: str = "", sugerencia: str = "", candidatos=()) -> dict:
    texto = f"{columna}: {mensaje}" if columna else str(mensaje)
    if candidatos:
        texto += " " + _("Candidatos: %(c)s.") % {"c": "; ".join(candidatos)}
    return {"fila": fila, "columna": columna, "error": texto, "sugerencia": str(sugerencia or "")}


class ErroresFila(ValueError):
    def __init__(self, errores: list[ErrorFila]):
        super().__init__("; ".join(e.mensaje for e in errores))
        self.errores = errores


def errores_de_validacion(e: ValidationError, etiquetas: dict[str, str] | None = None) -> list[ErrorFila]:
    """Un `ValidationError` de un servicio o de `full_clean` como errores de la fila."""
    etiquetas = etiquetas or {}
    if hasattr(e, "error_dict"):
        return [ErrorFila(m, columna=etiquetas.get(campo, campo) if campo != "__all__" else "")
                for campo, mensajes in e.message_dict.items() for m in mensajes]
    return [ErrorFila(m) for m in e.messages]


@dataclass
class Resultado:
    total: int = 0
    validas: int = 0
    escritas: int = 0
    errores: list[dict] = field(default_factory=list)
    avisos: list[dict] = field(default_factory=list)
    confirmada: bool = False

    @property
    def con_errores(self) -> bool:
        return bool(self.errores)


# --- Catálogos por código, nombre o prefijo -----------------------------------------------------------

class Catalogo:
    """Resuelve un valor por código o por etiqueta (sin tildes ni mayúsculas) o por un prefijo que
    solo tiene una etiqueta («Hacienda» → Hacienda y finanzas territoriales)."""

    def __init__(self, nombre: str, entradas):
        self.nombre = nombre
        self.entradas = [(str(c), str(e), v) for c, e, v in entradas]
        self._exacto: dict[str, set] = {}
        for codigo, etiqueta, valor in self.entradas:
            for clave in (_clave(codigo), _clave(etiqueta)):
                self._exacto.setdefault(clave, {}).setdefault(codigo, valor)

    @classmethod
    def de_modelo(cls, nombre: str, modelo, campo="codigo", filtro=None):
        qs = modelo.objects.filter(**(filtro if filtro is not None else {"activo": True}))
        return cls(nombre, [(getattr(o, campo), o.nombre, o) for o in qs])

    @classmethod
    def de_opciones(cls, nombre: str, opciones):
        return cls(nombre, [(v, e, v) for v, e in opciones.choices])

    def buscar(self, texto):
        """El valor, o None si no hay ninguno. Lanza ErrorFila si el prefijo es ambiguo."""
        clave = _clave(texto)
        if not clave:
            return None
        exactos = self._exacto.get(clave)
        if exactos and len(exactos) == 1:
            return next(iter(exactos.values()))
        if exactos:
            raise ErrorFila(_("«%(v)s» corresponde a varios valores de %(n)s: %(o)s.") % {
                "v": texto, "n": self.nombre, "o": ", ".join(sorted(exactos))})
        if len(clave) >= 3:
            prefijos = {c: v for c, e, v in self.entradas if _clave(e).startswith(clave) or _clave(c).startswith(clave)}
            if len(prefijos) == 1:
                return next(iter(prefijos.values()))
            if len(prefijos) > 1:
                raise ErrorFila(_("«%(v)s» es el comienzo de varios valores de %(n)s: %(o)s. Escriba uno completo.") % {
                    "v": texto, "n": self.nombre,
                    "o": ", ".join(f"{e} ({c})" for c, e, _v in self.entradas if c in prefijos)})
        return None

    def resolver(self, texto):
        valor = self.buscar(texto)
        if valor is None:
            raise ErrorFila(_("«%(v)s» no es un valor de %(n)s.") % {"v": texto, "n": self.nombre},
                            sugerencia=self.sugerencia(texto))
        return valor

    def varios(self, texto) -> list:
        """Una lista separada por «;» (o «,» o saltos de línea), sin repetir, en orden. Una etiqueta que
        lleva coma («Vivienda, ciudad y territorio») se reconoce entera antes de partirla por comas."""
        partes = []
        for trozo in [p.strip() for p in str(texto or "").replace("\n", ";").split(";") if p.strip()]:
            if "," in trozo and self.buscar(trozo) is None:
                partes.extend(p.strip() for p in trozo.split(",") if p.strip())
            else:
                partes.append(trozo)
        valores, errores = [], []
        for parte in partes:
            try:
                valores.append(self.resolver(parte))
            except ErrorFila as e:
                errores.append(e)
        if errores:
            raise ErrorFila(" ".join(e.mensaje for e in errores),
                            sugerencia=" ".join(e.sugerencia for e in errores if e.sugerencia))
        return list(dict.fromkeys(valores))

    def sugerencia(self, texto) -> str:
        etiquetas = {_clave(e): e for _c, e, _v in self.entradas}
        parecidos = difflib.get_close_matches(_clave(texto), list(etiquetas), n=1, cutoff=0.75)
        return _("¿Quiso decir «%(e)s»?") % {"e": etiquetas[parecidos[0]]} if parecidos else ""

    def opciones(self) -> list[tuple[str, str]]:
        return [(c, e) for c, e, _v in self.entradas]


def con_vecino(texto, principal: Catalogo, vecino: Catalogo):
    """Un valor escrito en la columna de un catálogo que es de otro vecino (p. ej. «Virtual» en la
    columna de modalidad es un canal). Devuelve (valor principal, valor del vecino, aviso)."""
    if not str(texto or "").strip():
        return None, None, ""
    valor = principal.buscar(texto)
    if valor is not None:
        return valor, None, ""
    otro = vecino.buscar(texto)
    if otro is not None:
        return None, otro, _("«%(v)s» es un valor de %(o)s, no de %(p)s: se tomó como %(o)s.") % {
            "v": texto, "o": vecino.nombre, "p": principal.nombre}
    return principal.resolver(texto), None, ""


# --- Valores simples -------------------------------------------------------------------------------

SI = {"si", "s", "x", "1", "true", "verdadero", "yes"}
NO = {"no", "n", "0", "false", "falso"}


def si_no(valor, *, defecto=None):
    if valor is True or valor is False:
        return valor
    clave = _clave(valor)
    if not clave:
        return defecto
    if clave in SI:
        return True
    if clave in NO:
        return False
    raise ErrorFila(_("escriba «sí» o «no» (recibido «%(v)s»).") % {"v": valor})


def fecha(valor):
    if valor in (None, ""):
        return None
    if isinstance(valor, datetime.datetime):
        return valor.date()
    if isinstance(valor, datetime.date):
        return valor
    texto = str(valor).strip()
    for formato in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y", "%Y/%m/%d"):
        try:
            return datetime.datetime.strptime(texto, formato).date()
        except ValueError:
            continue
    raise ErrorFila(_("Fecha no válida: «%(v)s». Use AAAA-MM-DD o DD/MM/AAAA.") % {"v": valor})


def numero(valor, *, entero=False):
    if valor in (None, ""):
        return None
    if isinstance(valor, int | decimal.Decimal) or (isinstance(valor, float) and not entero):
        resultado = decimal.Decimal(str(valor))
    else:
        texto = str(valor).strip().replace(" ", "")
        if "," in texto and "." in texto:  # 1.234,5 o 1,234.5: el último es el decimal
            texto = texto.replace(".", "").replace(",", ".") if texto.rfind(",") > texto.rfind(".") else texto.replace(",", "")
        else:
            texto = texto.replace(",", ".")
        try:
            resultado = decimal.Decimal(texto)
        except decimal.InvalidOperation:
            raise ErrorFila(_("«%(v)s» no es un número.") % {"v": valor}) from None
    if entero:
        if resultado != resultado.to_integral_value():
            raise ErrorFila(_("«%(v)s» no es un número entero.") % {"v": valor})
        return int(resultado)
    if resultado == resultado.to_integral_value():
        return decimal.Decimal(int(resultado))  # «1000.0» de una celda numérica es 1000, sin decimales
    return resultado


def texto(valor) -> str:
    if valor is None:
        return ""
    if isinstance(valor, datetime.datetime | datetime.date):
        return valor.isoformat()
    return str(valor).strip()


# --- El importador de cada app -------------------------------------------------------------------------

class Importador:
    """Lo que declara cada app. `validar` recibe la fila como {columna canónica: valor} y devuelve los
    datos listos para `escribir` (o lanza ErrorFila / ErroresFila / ValidationError)."""

    tipo = ""
    titulo = ""
    columnas: ClassVar[dict[str, tuple[str, ...]]] = {}
    obligatorias: tuple[str, ...] = ()
    solo_lectura: tuple[str, ...] = ()  # columnas de la exportación (etiquetas) que se ignoran sin aviso
    etiquetas: ClassVar[dict[str, str]] = {}

    def __init__(self, *, por, ambito=None, opciones=None):
        self.por, self.ambito, self.opciones = por, ambito, dict(opciones or {})
        self.avisos: list[dict] = []

    def permitir(self) -> None:
        """Lanza PermissionDenied si `por` no puede importar esto."""

    def preparar(self) -> None:
        """Carga catálogos y lo que se consulta una vez por archivo."""

    def validar(self, fila: dict, numero: int):
        raise NotImplementedError

    def escribir(self, validos: list, importacion=None) -> int:
        raise NotImplementedError

    def aviso(self, numero: int, mensaje: str) -> None:
        if len(self.avisos) < MAX_ERRORES_GUARDADOS:
            self.avisos.append({"fila": numero, "error": str(mensaje)})

    def url_destino(self, importacion) -> str:
        return ""

    ejemplo: ClassVar[dict] = {}  # una fila de ejemplo para la plantilla

    def catalogos(self) -> dict[str, list[tuple[str, str]]]:
        """{columna: [(código, etiqueta)]} para las listas desplegables de la plantilla."""
        return {}


def importador(tipo: str, **kwargs) -> Importador:
    return IMPORTADORES[tipo](**kwargs)


def analizar(imp: Importador, tabla: Tabla, *, avance=None) -> tuple[Resultado, list]:
    """Valida todas las filas. Devuelve el resultado (errores por fila) y los datos validados."""
    indices, ignoradas = mapear_encabezado(tabla.encabezado, imp.columnas)
    resultado = Resultado(total=len(tabla.filas))
    faltan = [c for c in imp.obligatorias if c not in indices]
    if faltan:
        resultado.errores.append(error_dict(1, _("Faltan columnas: %(c)s. El encabezado tiene: %(e)s.") % {
            "c": ", ".join(faltan), "e": ", ".join(str(c) for c in tabla.encabezado) or "—"}))
        return resultado, []
    if not tabla.filas:
        resultado.errores.append(error_dict(1, _("El archivo no tiene filas de datos.")))
        return resultado, []
    ignoradas = [c for c in ignoradas if _clave(c) not in {_clave(s) for s in imp.solo_lectura}]
    if ignoradas:
        resultado.avisos.append(error_dict(1, _("Columnas que no se usan (se ignoran): %(c)s.") % {"c": ", ".join(ignoradas)}))
    imp.preparar()
    validos = []
    for i, (numero, dato, errores) in enumerate(validar_filas(imp, tabla, indices), start=1):
        if errores:
            for err in errores:
                _anotar(resultado, numero, err)
        else:
            validos.append(dato)
        if avance is not None and i % CADA == 0:
            avance(i)
    resultado.validas = len(validos)
    resultado.avisos.extend(imp.avisos)
    return resultado, validos


def validar_filas(imp: Importador, tabla: Tabla, indices: dict[str, int]):
    """(número de fila, datos validados o None, errores) por fila (con `imp.preparar()` ya hecho)."""
    for numero, fila in filas_como_dict(tabla, indices):
        try:
            yield numero, imp.validar(fila, numero), []
        except ErroresFila as e:
            yield numero, None, e.errores
        except ErrorFila as e:
            yield numero, None, [e]
        except ValidationError as e:
            yield numero, None, errores_de_validacion(e, imp.etiquetas)
        except PermissionDenied as e:
            yield numero, None, [ErrorFila(str(e))]


def _anotar(resultado: Resultado, numero: int, e: ErrorFila) -> None:
    if len(resultado.errores) < MAX_ERRORES_GUARDADOS:
        resultado.errores.append(error_dict(numero, e.mensaje, columna=e.columna, sugerencia=e.sugerencia,
                                            candidatos=e.candidatos))
    elif len(resultado.errores) == MAX_ERRORES_GUARDADOS:
        resultado.errores.append(error_dict(numero, _("Hay más errores: corrija los anteriores y vuelva a subir el archivo.")))


def importar_directo(imp: Importador, archivo, nombre: str, *, confirmar: bool) -> Resultado:
    """Sin fila `Importacion` (comandos y servicios): ensayo o, con `confirmar`, todo o nada."""
    imp.permitir()
    return importar_tabla(imp, leer_archivo(archivo, nombre), confirmar=confirmar)


def importar_filas(imp: Importador, filas: list[dict], *, confirmar: bool) -> Resultado:
    """Lo mismo con filas ya leídas ({columna: valor}; la primera es la fila 2 del archivo)."""
    imp.permitir()
    encabezado = list(dict.fromkeys(c for fila in filas for c in fila))
    return importar_tabla(imp, Tabla(encabezado, [(n, [fila.get(c, "") for c in encabezado])
                                                  for n, fila in enumerate(filas, start=2)]), confirmar=confirmar)


def importar_tabla(imp: Importador, tabla: Tabla, *, confirmar: bool) -> Resultado:
    resultado, validos = analizar(imp, tabla)
    if confirmar and not resultado.errores and validos:
        with transaction.atomic():
            resultado.escritas = imp.escribir(validos)
        resultado.confirmada = True
    return resultado


# --- El flujo con ensayo, confirmación y avance (att.Importacion) ------------------------------------

def _modelos():
    from att.models import EstadoImportacionArchivo, Importacion

    return Importacion, EstadoImportacionArchivo


def _de(importacion) -> Importador:
    return importador(importacion.tipo, por=importacion.por, ambito=importacion.ambito, opciones=importacion.opciones)


def _tabla(importacion) -> Tabla:
    with importacion.archivo.open("rb") as f:
        return leer_archivo(f.read(), importacion.nombre_archivo)


def _progreso(pk: int, *, si_estado: str | None = None, **campos) -> None:
    """Guarda el avance en una conexión aparte (autocommit) si la importación está dentro de su
    transacción de escritura: así la página lo ve mientras la escritura sigue."""
    import json

    import psycopg
    from django.db import connections

    Importacion, _e = _modelos()
    if connection.in_atomic_block:
        asignaciones = ", ".join(f"{c} = %s" for c in campos)
        valores = [json.dumps(v) if isinstance(v, list | dict) else v for v in campos.values()]
        condicion, extra = (" AND estado = %s", [si_estado]) if si_estado else ("", [])
        try:
            with psycopg.connect(**connections["default"].get_connection_params(), autocommit=True) as otra:
                cambiadas = otra.execute(
                    f"UPDATE {Importacion._meta.db_table} SET {asignaciones}, actualizada = now() WHERE id = %s{condicion}",
                    [*valores, pk, *extra]).rowcount
            if cambiadas:
                return
        except psycopg.Error:
            logger.warning("No se pudo anotar el avance de la importación %s", pk)
            return
    filas = Importacion.objects.filter(pk=pk)
    if si_estado:
        filas = filas.filter(estado=si_estado)
    for imp in filas:  # una fila: save() deja su historial
        for campo, valor in campos.items():
            setattr(imp, campo, valor)
        imp.save(update_fields=[*campos, "actualizada"])


def iniciar(*, tipo: str, por, archivo, ambito=None, opciones=None):
    """Guarda el archivo y hace el ensayo (en el acto si es pequeño; por Celery si es grande).
    Un archivo ilegible lanza `ArchivoIlegible` y no deja nada guardado."""
    Importacion, _estado = _modelos()
    imp = importador(tipo, por=por, ambito=ambito, opciones=opciones)
    imp.permitir()
    contenido = archivo.read()
    tabla = leer_archivo(contenido, archivo.name)
    from django.core.files.base import ContentFile

    importacion = Importacion(tipo=tipo, por=por, ambito=ambito, opciones=dict(opciones or {}),
                              nombre_archivo=archivo.name[:255], total=len(tabla.filas))
    importacion.archivo.save(archivo.name[-100:], ContentFile(contenido), save=False)
    if importacion.total > UMBRAL_SINCRONO:
        from att.salida import encolar

        with transaction.atomic():  # la fila y el pedido del ensayo se confirman juntos
            importacion.save()
            encolar("att.validar_importacion", importacion.pk)
        return importacion
    importacion.save()
    validar(importacion.pk, tabla=tabla)
    importacion.refresh_from_db()
    return importacion


def validar(pk: int, *, tabla: Tabla | None = None) -> None:
    """El ensayo: valida todas las filas; nada se escribe. Idempotente: solo corre en «validando»."""
    Importacion, Estado = _modelos()
    importacion = Importacion.objects.select_related("por").get(pk=pk)
    if importacion.estado != Estado.VALIDANDO:
        return
    try:
        tabla = tabla or _tabla(importacion)
    except ArchivoIlegible as e:
        _progreso(pk, si_estado=Estado.VALIDANDO, estado=Estado.CON_ERRORES, errores=[error_dict(0, e.messages[0])])
        return
    imp = _de(importacion)
    resultado, _v = analizar(imp, tabla, avance=lambda n: _progreso(pk, si_estado=Estado.VALIDANDO, procesadas=n))
    _progreso(pk, si_estado=Estado.VALIDANDO, estado=Estado.CON_ERRORES if resultado.errores else Estado.VALIDADA,
              validas=resultado.validas, errores=resultado.errores, avisos=resultado.avisos, procesadas=resultado.total)


def confirmar(*, importacion, por) -> None:
    """Reclama la importación (de «validada» a «importando») una sola vez y pide la escritura. Una
    segunda confirmación (doble clic, otra pestaña) recibe un mensaje y no importa nada."""
    Importacion, Estado = _modelos()
    with transaction.atomic():
        actual = Importacion.objects.select_for_update().get(pk=importacion.pk)
        if actual.por_id != por.pk:
            raise PermissionDenied(_("Solo quien subió el archivo puede confirmar la importación."))
        if actual.estado in (Estado.IMPORTANDO, Estado.TERMINADA):
            raise ValidationError(_("Esta importación ya se confirmó: no se importa dos veces. Su estado: %(e)s.")
                                  % {"e": actual.get_estado_display()})
        if actual.estado != Estado.VALIDADA:
            raise ValidationError(_("Esta importación no está lista para confirmar (estado: %(e)s).")
                                  % {"e": actual.get_estado_display()})
        actual.estado, actual.procesadas = Estado.IMPORTANDO, 0
        actual._history_user = por
        actual.save(update_fields=["estado", "procesadas", "actualizada"])
        grande = actual.total > UMBRAL_SINCRONO
        if grande:
            from att.salida import encolar

            encolar("att.escribir_importacion", actual.pk)
    if not grande:
        escribir(actual.pk)


def escribir(pk: int) -> None:
    """Valida de nuevo y escribe todo en una transacción, con el estado final en esa misma
    transacción. Idempotente: con el candado consultivo de la importación, una segunda corrida
    espera a la primera, ve el estado final y no hace nada."""
    _modelo, Estado = _modelos()
    try:
        _escribir(pk)
    except Exception:
        # Un error inesperado deshizo la transacción: nada quedó escrito. La importación no se queda
        # «importando» para siempre: queda fallida, con un mensaje para la persona.
        logger.exception("Falló la escritura de la importación %s", pk)
        _progreso(pk, si_estado=Estado.IMPORTANDO, estado=Estado.FALLIDA, errores=[error_dict(
            0, _("Error inesperado al escribir: no se escribió nada. Vuelva a subir el archivo o avise a soporte."))])
        raise


def _escribir(pk: int) -> None:
    from att.bloqueos import clave_bloqueo

    Importacion, Estado = _modelos()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [clave_bloqueo("att.importacion", pk)])
        importacion = Importacion.objects.select_related("por").get(pk=pk)
        if importacion.estado != Estado.IMPORTANDO:
            return
        imp = _de(importacion)
        try:
            imp.permitir()
            resultado, validos = analizar(imp, _tabla(importacion), avance=lambda n: _progreso(pk, procesadas=n // 2))
            if resultado.errores:
                raise ValidationError(resultado.errores[0]["error"], params={"errores": resultado.errores})
            with transaction.atomic():
                escritas = imp.escribir(validos, importacion)
        except (ValidationError, PermissionDenied) as e:
            importacion.estado = Estado.FALLIDA
            params = getattr(e, "params", None) or {}
            importacion.errores = params.get("errores") or [error_dict(0, " ".join(getattr(e, "messages", [str(e)])))]
            importacion._history_user = importacion.por
            importacion.save(update_fields=["estado", "errores", "actualizada"])
            return
        importacion.estado, importacion.escritas, importacion.procesadas = Estado.TERMINADA, escritas, importacion.total
        importacion._history_user = importacion.por
        importacion.save(update_fields=["estado", "escritas", "procesadas", "actualizada"])
        _avisar_fin(importacion)


def _avisar_fin(importacion) -> None:
    """Alerta (y correo, según sus preferencias) a quien lanzó una importación grande, que corrió en
    segundo plano. En un punto de guardado: el aviso no deshace una importación escrita."""
    if importacion.total <= UMBRAL_SINCRONO:
        return  # la persona lo vio en la página
    from att.notificaciones import notificar

    try:
        with transaction.atomic():
                notificar(usuarios=[importacion.por], categoria="importacion",
                      titulo=_("Importación terminada: %(a)s") % {"a": importacion.nombre_archivo[:150]},
                      mensaje=_("Se escribieron %(n)s filas.") % {"n": importacion.escritas},
                      url=f"/nucleo/importaciones/{importacion.pk}/", clave=f"importacion-{importacion.pk}")
    except Exception:  # el aviso no deshace una importación ya escrita
        logger.exception("No se pudo avisar el fin de la importación %s", importacion.pk)


def purgar(*, ahora=None) -> int:
    """Borra las importaciones abandonadas (ensayo sin confirmar o con errores) de más de un día,
    con su archivo. Las terminadas o fallidas conservan su fila, pero no el archivo."""
    Importacion, Estado = _modelos()
    ahora = ahora or timezone.now()
    limite = ahora - ABANDONO
    borradas = 0
    for importacion in Importacion.objects.filter(
            estado__in=[Estado.VALIDADA, Estado.CON_ERRORES], actualizada__lt=limite):
        importacion.archivo.delete(save=False)
        importacion.delete()
        borradas += 1
    for importacion in Importacion.objects.filter(
            estado__in=[Estado.TERMINADA, Estado.FALLIDA], actualizada__lt=limite).exclude(archivo=""):
        importacion.archivo.delete(save=False)
        importacion.save(update_fields=["archivo"])
    return borradas
