"""Lo que comparten las exportaciones CSV y XLSX (datos abiertos de ofertas, demandas, líneas de un plan,
informes de seguimiento) y las plantillas de importación:

- Ninguna celda pasa de lo que cabe en Excel (abajo).
- Seguras: un texto que empieza por «=», «+», «-» o «@» no se vuelve fórmula (en XLSX se guarda como
  texto; en CSV lleva un apóstrofo delante, `escapar_formula`).
- Con tipos: enteros, decimales, fechas y fechas-hora en hora de Bogotá (sin zona: Excel no las
  admite), no textos (`valor_xlsx`).
- Todo CSV lleva BOM (Excel reconoce el UTF-8) y las listas en una celda van separadas por «;»
  (`SEPARADOR_LISTA`: una coma se confunde con el decimal en una hoja en español).

- Enteros: un texto más largo que una celda de Excel (32.767 caracteres) no se corta. En XLSX sigue
  en columnas de continuación (`descripcion`, `descripcion_2`, `descripcion_3`…), que `libro_xlsx`
  agrega solo cuando hace falta; en CSV no hay límite y va entero. Solo una celda fuera de una tabla
  (preámbulo) se recorta, con una marca visible «[texto recortado]» y un aviso en el registro.

Nunca bloquean un worker (issue #17):

- En flujo: `respuesta_csv` es una `StreamingHttpResponse` que escribe a medida que lee un iterador
  perezoso (las vistas le pasan filas leídas por trozos, con sus relaciones en un número constante de
  consultas); `libro_xlsx`/`respuesta_xlsx` escriben en modo de solo escritura sobre archivos temporales
  (las filas pasan por un archivo de paso para medir anchos y textos largos): la memoria no crece con las
  filas.
- Grandes: un XLSX de más de `ATT_EXPORTACION_UMBRAL_FILAS` filas no se arma en el worker web: `responder`
  crea un `ArchivoExportado`, lo encola (`att.generar_exportacion`, por la bandeja de salida) y lleva a
  la página de su enlace, que da la descarga cuando está lista (`respuesta_archivo_generado`, como los
  informes). Cada exportación diferible se registra con `registrar(tipo, construir)` desde el `ready()`
  de su app.
- Con cupo: `con_cupo` limita las exportaciones simultáneas por cliente (usuario, o IP si es anónimo)
  a `ATT_EXPORTACIONES_POR_CLIENTE`, con la caché compartida; de más, 429 con un mensaje claro. El
  cupo se libera al terminar o cortarse la descarga y caduca solo si un worker muere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from att.validadores import LIMITE_CELDA_XLSX

logger = logging.getLogger(__name__)

MARCA_RECORTE = "… [texto recortado]"
SEPARADOR_LISTA = ";"
INICIOS_DE_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def escapar_formula(valor):
    """Para CSV: un texto que una hoja de cálculo tomaría por fórmula lleva un apóstrofo delante
    (inyección de fórmulas, OWASP). Los números negativos no son texto: quedan igual."""
    if isinstance(valor, str) and valor.startswith(INICIOS_DE_FORMULA):
        return "'" + valor
    return valor


def valor_xlsx(valor):
    """El valor con su tipo para una celda: fecha-hora con zona → hora de Bogotá sin zona (Excel no
    guarda zonas); Decimal, int, date tal cual; listas → texto separado por «;»."""
    import datetime

    from django.utils import timezone

    if isinstance(valor, datetime.datetime) and timezone.is_aware(valor):
        return timezone.localtime(valor).replace(tzinfo=None)
    if isinstance(valor, list | tuple | set):
        return SEPARADOR_LISTA.join(str(v) for v in valor)
    return valor


BYTES_POR_ENVIO = 64 * 1024


def celdas_csv(fila) -> list:
    """Los valores de una fila como los escribe un CSV: vacío por None, fechas en hora de Bogotá,
    listas con «;», sí/no, y fórmulas escapadas."""
    return ["" if v is None else escapar_formula(_texto_csv(valor_xlsx(v))) for v in fila]


def trozos_csv(cabeza: list, filas, *, separador: str = ",", al_enviar=None):
    """El CSV (BOM, encabezado y filas) en trozos de unos 64 KB, leyendo `filas` a medida que avanza.
    `al_enviar`, si se da, se llama tras cada trozo (p. ej., para renovar el cupo)."""
    import csv
    import io

    salida = io.StringIO()
    salida.write("\ufeff")
    escritor = csv.writer(salida, delimiter=separador)
    escritor.writerow(cabeza)
    for fila in filas:
        escritor.writerow(celdas_csv(fila))
        if salida.tell() >= BYTES_POR_ENVIO:
            yield salida.getvalue().encode("utf-8")
            salida.seek(0)
            salida.truncate()
            if al_enviar is not None:
                al_enviar()
    yield salida.getvalue().encode("utf-8")


def respuesta_csv(nombre: str, cabeza: list, filas, *, separador: str = ","):
    """Un CSV descargable en flujo: BOM, encabezado, valores escapados (fórmulas) y fechas-hora en hora de
    Bogotá. `filas` se lee a medida que se envía: páselo perezoso (un generador sobre `.iterator()`)."""
    from django.http import StreamingHttpResponse

    respuesta = StreamingHttpResponse(trozos_csv(cabeza, filas, separador=separador),
                                      content_type="text/csv; charset=utf-8")
    respuesta["Content-Disposition"] = f'attachment; filename="{nombre}"'
    return respuesta


def _texto_csv(valor):
    import datetime

    if isinstance(valor, datetime.datetime):
        return valor.strftime("%Y-%m-%d %H:%M")
    if isinstance(valor, datetime.date):
        return valor.isoformat()
    if isinstance(valor, bool):
        return "sí" if valor else "no"
    return valor


TIPO_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def respuesta_xlsx(nombre: str, hojas=(), *, contenido: bytes | None = None):
    """Un XLSX descargable: las `hojas` de `libro_xlsx` (escritas a un archivo temporal y servidas desde
    él, sin armarlas en memoria), o un `contenido` ya armado (plantillas)."""
    from django.http import FileResponse, HttpResponse

    if contenido is not None:
        respuesta = HttpResponse(contenido, content_type=TIPO_XLSX)
        respuesta["Content-Disposition"] = f'attachment; filename="{nombre}"'
        return respuesta
    archivo = archivo_xlsx(hojas)
    return FileResponse(archivo, as_attachment=True, filename=nombre, content_type=TIPO_XLSX)


def celda_xlsx(valor, *, donde: str = ""):
    """El valor tal cual si cabe en una celda de Excel; si no, recortado con la marca visible."""
    if isinstance(valor, str) and len(valor) > LIMITE_CELDA_XLSX:
        logger.warning(
            "Exportación XLSX: una celda%s tenía %d caracteres (el máximo de Excel es %d); se recortó con "
            "la marca «[texto recortado]».", f" ({donde})" if donde else "", len(valor), LIMITE_CELDA_XLSX,
        )
        return valor[: LIMITE_CELDA_XLSX - len(MARCA_RECORTE)] + MARCA_RECORTE
    return valor


ANCHO_MINIMO, ANCHO_MAXIMO = 12, 60  # caracteres


def _largo_visible(valor) -> int:
    if valor is None:
        return 0
    texto = valor.isoformat() if hasattr(valor, "isoformat") else str(valor)
    return max((len(linea) for linea in texto.splitlines()), default=0)


def anchos_columnas(cabeza: list, filas) -> list[float]:
    """Ancho de cada columna según su contenido más largo (encabezado incluido), entre 12 y 60
    caracteres: ni columnas ilegibles ni una descripción que ocupe toda la pantalla."""
    largos = [_largo_visible(c) for c in cabeza]
    for fila in filas:
        for i, valor in enumerate(fila):
            largo = _largo_visible(valor)
            if i >= len(largos):
                largos.append(largo)
            elif largo > largos[i]:
                largos[i] = largo
    return [min(max(largo + 2, ANCHO_MINIMO), ANCHO_MAXIMO) for largo in largos]


def _trozos(valor) -> int:
    if isinstance(valor, str) and len(valor) > LIMITE_CELDA_XLSX:
        return -(-len(valor) // LIMITE_CELDA_XLSX)
    return 1


def partir_textos_largos(cabeza: list, filas: list) -> tuple[list, list]:
    """Un texto más largo que una celda sigue entero en columnas de continuación (`x_2`, `x_3`…)
    puestas junto a su columna; sin textos largos, nada cambia."""
    partes = [1] * len(cabeza)
    for fila in filas:
        for i, valor in enumerate(fila[: len(cabeza)]):
            n = _trozos(valor)
            partes[i] = max(partes[i], n)
    if all(n == 1 for n in partes):
        return cabeza, filas
    nueva_cabeza = []
    for titulo, n in zip(cabeza, partes, strict=True):
        nueva_cabeza.extend([titulo, *[f"{titulo}_{k}" for k in range(2, n + 1)]])
    nuevas = []
    for fila in filas:
        nueva = []
        for i, valor in enumerate(fila):
            n = partes[i] if i < len(partes) else 1
            if n == 1:
                nueva.append(valor)
                continue
            texto = valor if isinstance(valor, str) else ("" if valor is None else valor)
            if isinstance(texto, str):
                nueva.extend(texto[k * LIMITE_CELDA_XLSX:(k + 1) * LIMITE_CELDA_XLSX] or None for k in range(n))
            else:
                nueva.extend([texto, *[None] * (n - 1)])
        nuevas.append(nueva)
    return nueva_cabeza, nuevas


def _pasar_filas(cabeza: list, filas, paso) -> tuple[list[int], list[int], int]:
    """Primera pasada: guarda cada fila en el archivo de `paso` (pickle) y mide, por columna, cuántas
    celdas necesita su texto más largo y el ancho de su contenido. La memoria no crece con las filas."""
    import pickle

    partes = [1] * len(cabeza)
    largos = [_largo_visible(c) for c in cabeza]
    cuenta = 0
    for fila in filas:
        fila = list(fila)
        pickle.dump(fila, paso, protocol=pickle.HIGHEST_PROTOCOL)
        cuenta += 1
        for i, valor in enumerate(fila):
            if i < len(partes):
                trozos = _trozos(valor)
                partes[i] = max(partes[i], trozos)
            largo = _largo_visible(valor)
            if i >= len(largos):
                largos.append(largo)
            elif largo > largos[i]:
                largos[i] = largo
    paso.seek(0)
    return partes, largos, cuenta


def _releer_filas(paso):
    import pickle

    while True:
        try:
            yield pickle.load(paso)
        except EOFError:
            return


def _partir_fila(fila: list, partes: list[int]) -> list:
    nueva = []
    for i, valor in enumerate(fila):
        n = partes[i] if i < len(partes) else 1
        if n == 1:
            nueva.append(valor)
        elif isinstance(valor, str):
            nueva.extend(valor[k * LIMITE_CELDA_XLSX:(k + 1) * LIMITE_CELDA_XLSX] or None for k in range(n))
        else:
            nueva.extend([valor, *[None] * (n - 1)])
    return nueva


def archivo_xlsx(hojas):
    """XLSX con una hoja por `(nombre, preámbulo, cabeza, filas[, listas])`, escrito en un archivo temporal
    (abierto, al principio; se borra al cerrarlo). Las filas pueden ser un iterador perezoso: se leen una
    vez y pasan por un archivo de paso (anchos y textos largos se miden antes de escribir), así que la
    memoria no crece con las filas.

    Las filas del preámbulo (título, periodo; puede ser vacío) van arriba; el encabezado va en negrita,
    con autofiltro, y queda fijo al desplazarse (`freeze_panes` bajo él); cada columna tiene el ancho de
    su contenido (12–60 caracteres); un texto más largo que una celda sigue en columnas de continuación
    (`x_2`, `x_3`…). Toda celda que empieza por «=», «+», «-» o «@» y no es un número se guarda como
    texto, nunca como fórmula; fechas, fechas-hora (Bogotá), enteros y decimales van con su tipo. Con
    `listas` ({columna: [(código, etiqueta)]}) las columnas de catálogo llevan listas desplegables y el
    libro una hoja «Códigos» (la exportación sirve de plantilla)."""
    import datetime
    import tempfile

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    libro = Workbook(write_only=True)
    negrita = Font(bold=True)
    todas_las_listas = {}
    pasos = []
    try:
        for nombre, preambulo, cabeza, filas, *resto in hojas:
            hoja = libro.create_sheet(nombre)
            cabeza = list(cabeza)
            paso = tempfile.TemporaryFile()  # noqa: SIM115 - se cierra en el finally
            pasos.append(paso)
            partes, largos, cuenta = _pasar_filas(cabeza, filas, paso)
            if any(n > 1 for n in partes):
                nueva_cabeza, nuevos_largos = [], []
                for i, (titulo, n) in enumerate(zip(cabeza, partes, strict=True)):
                    nueva_cabeza.extend([titulo, *[f"{titulo}_{k}" for k in range(2, n + 1)]])
                    nuevos_largos.extend([largos[i]] * n)
                cabeza, largos = nueva_cabeza, nuevos_largos + largos[len(partes):]
            listas = resto[0] if resto else {}
            if listas:
                _listas_desplegables(hoja, cabeza, listas, fila_cabeza=len(preambulo) + 1)
                todas_las_listas.update(listas)
            for i, largo in enumerate(largos, start=1):
                hoja.column_dimensions[get_column_letter(i)].width = min(max(largo + 2, ANCHO_MINIMO), ANCHO_MAXIMO)
            fila_cabeza = len(preambulo) + (1 if cabeza else 0)
            if cabeza:
                hoja.freeze_panes = f"A{fila_cabeza + 1}"
                hoja.auto_filter.ref = f"A{fila_cabeza}:{get_column_letter(len(cabeza))}{fila_cabeza + cuenta}"

            def celda(valor, *, fuente=None, donde="", hoja=hoja):
                c = WriteOnlyCell(hoja, value=celda_xlsx(valor_xlsx(valor), donde=donde))
                if isinstance(c.value, str) and c.value.startswith(INICIOS_DE_FORMULA):
                    c.data_type = "s"
                if fuente is not None:
                    c.font = fuente
                if isinstance(c.value, datetime.datetime):
                    c.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(c.value, datetime.date):
                    c.number_format = "yyyy-mm-dd"
                return c

            for fila in preambulo:
                hoja.append([celda(v, fuente=negrita) for v in fila])
            if cabeza:
                hoja.append([celda(v, fuente=negrita) for v in cabeza])
            partir = any(n > 1 for n in partes)
            for numero, fila in enumerate(_releer_filas(paso), start=fila_cabeza + 1):
                if partir:
                    fila = _partir_fila(fila, partes)
                hoja.append([
                    celda(v, donde=f"{nombre}, fila {numero}, columna {cabeza[i] if i < len(cabeza) else i + 1}")
                    for i, v in enumerate(fila)
                ])
        if todas_las_listas:
            codigos = libro.create_sheet(HOJA_CODIGOS)
            columnas = list(todas_las_listas.items())
            codigos.append([f"{n}: {t}" for n, _o in columnas for t in ("etiqueta", "código", "")])
            for i in range(max(len(o) for _n, o in columnas)):
                fila = []
                for _n, opciones in columnas:
                    codigo, etiqueta = opciones[i] if i < len(opciones) else ("", "")
                    fila.extend([str(etiqueta), str(codigo), None])
                codigos.append(fila)
        salida = tempfile.TemporaryFile()  # noqa: SIM115 - es el valor devuelto; lo cierra quien lo recibe
        libro.save(salida)
    finally:
        for paso in pasos:
            paso.close()
    salida.seek(0)
    return salida


def libro_xlsx(hojas) -> bytes:
    """El XLSX de `archivo_xlsx` en bytes (informes y pruebas que lo guardan o lo leen enteros)."""
    with archivo_xlsx(hojas) as archivo:
        return archivo.read()


HOJA_CODIGOS = "Códigos"


def _listas_desplegables(hoja, cabeza: list, listas: dict, *, fila_cabeza: int) -> None:
    """Listas desplegables (validación de datos) en las columnas de catálogo de una hoja exportada,
    que leen la hoja «Códigos» (etiqueta y código; se aceptan los dos al importar). Así una
    exportación sirve de plantilla. El orden de `listas` es el de las columnas de «Códigos»."""
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    for posicion, (nombre, opciones) in enumerate(listas.items()):
        if nombre not in cabeza or not opciones:
            continue
        letra = get_column_letter(3 * posicion + 1)
        rango = f"{quote_sheetname(HOJA_CODIGOS)}!${letra}$2:${letra}${len(opciones) + 1}"
        validacion = DataValidation(type="list", formula1=rango, allow_blank=True, showErrorMessage=False)
        destino = get_column_letter(cabeza.index(nombre) + 1)
        validacion.add(f"{destino}{fila_cabeza + 1}:{destino}{fila_cabeza + 5000}")
        hoja.data_validations.append(validacion)


def dataset_xlsx(datos) -> bytes:
    """Un `tablib.Dataset` en XLSX con el formato de `libro_xlsx` (encabezado en negrita, fijo y con
    filtro; anchos según el contenido; cada celda pasada por `celda_xlsx`)."""
    cabeza = [str(c) for c in (datos.headers or [])]
    titulo = (datos.title or "Datos")[:31]
    for prohibido in "[]:*?/\\":
        titulo = titulo.replace(prohibido, "-")
    return libro_xlsx([(titulo, [], cabeza, [list(f) for f in datos])])


def plantilla_xlsx(*, columnas: list[str], obligatorias, ejemplo: dict, catalogos: dict[str, list[tuple[str, str]]],
                   titulo: str = "Datos") -> bytes:
    """Plantilla de importación: la hoja de datos con el encabezado (obligatorias en negrita) y una fila
    de ejemplo; listas desplegables (validación de datos) en las columnas de catálogo, que leen la hoja
    «Códigos» (código y etiqueta de cada valor). Se aceptan el código o la etiqueta."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    libro = Workbook()
    datos = libro.active
    datos.title = titulo[:31]
    datos.append(list(columnas))
    for i, columna in enumerate(columnas, start=1):
        datos.cell(row=1, column=i).font = Font(bold=columna in obligatorias)
        datos.column_dimensions[get_column_letter(i)].width = max(14, len(columna) + 4)
    datos.append([valor_xlsx(ejemplo.get(c, "")) for c in columnas])
    datos.freeze_panes = "A2"
    codigos = libro.create_sheet("Códigos")
    columna_codigos = 1
    for nombre, opciones in catalogos.items():
        if nombre not in columnas or not opciones:
            continue
        letra = get_column_letter(columna_codigos)
        codigos.cell(row=1, column=columna_codigos, value=f"{nombre}: etiqueta").font = Font(bold=True)
        codigos.cell(row=1, column=columna_codigos + 1, value=f"{nombre}: código").font = Font(bold=True)
        for fila, (codigo, etiqueta) in enumerate(opciones, start=2):
            codigos.cell(row=fila, column=columna_codigos, value=str(etiqueta))
            codigos.cell(row=fila, column=columna_codigos + 1, value=str(codigo))
        rango = f"{quote_sheetname('Códigos')}!${letra}$2:${letra}${len(opciones) + 1}"
        validacion = DataValidation(type="list", formula1=rango, allow_blank=True, showErrorMessage=False)
        validacion.prompt = "Elija de la lista o escriba el código o el nombre (varios: sepárelos con «;»)."
        validacion.showInputMessage = True
        destino = get_column_letter(columnas.index(nombre) + 1)
        validacion.add(f"{destino}2:{destino}5000")
        datos.add_data_validation(validacion)
        codigos.column_dimensions[letra].width = 40
        codigos.column_dimensions[get_column_letter(columna_codigos + 1)].width = 24
        columna_codigos += 3
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def respuesta_archivo_generado(informe, formato: str, nombre: str, *, no_listo=""):
    """Descarga del archivo `pdf` o `xlsx` de un informe que una tarea genera y reemplaza (informe mensual,
    consolidado del PAS, empalme). Sirve la última versión lista aunque se esté generando otra; si justo
    entre leer la fila y abrir el archivo una versión nueva reemplazó a la anterior (y esta se borró), vuelve
    a leer la fila una vez."""
    from django.http import FileResponse, Http404

    if formato not in ("pdf", "xlsx", "csv") or not hasattr(informe, formato):
        raise Http404
    for _vuelta in range(2):
        archivo = getattr(informe, formato)
        if not archivo:
            raise Http404(no_listo)
        try:
            contenido = archivo.open("rb")
        except FileNotFoundError:
            informe.refresh_from_db(fields=[formato])
            continue
        return FileResponse(contenido, as_attachment=True, filename=nombre)
    raise Http404(no_listo)


# --- Cupo de exportaciones simultáneas por cliente ------------------------------------------------------
def _ajuste(nombre: str, defecto):
    from django.conf import settings

    return getattr(settings, nombre, defecto)


class Cupo:
    """Un puesto tomado en la caché compartida (`att:exportacion:<cliente>:<n>`). Caduca solo (si el worker
    muere a mitad de una descarga); mientras la descarga avanza, `renovar` lo mantiene vivo."""

    def __init__(self, cache=None, clave: str = ""):
        self.cache, self.clave = cache, clave
        self._renovado = 0.0

    def renovar(self) -> None:
        import time

        if self.cache is None or time.monotonic() - self._renovado < 15:
            return
        self._renovado = time.monotonic()
        self.cache.touch(self.clave, _ajuste("ATT_EXPORTACION_CUPO_SEGUNDOS", 120))

    def liberar(self) -> None:
        if self.cache is not None:
            self.cache.delete(self.clave)
            self.cache = None


def cliente(request) -> str:
    """Quién cuenta para el cupo: la persona autenticada, o la IP del anónimo."""
    from att.autenticacion import ip_cliente

    usuario = getattr(request, "user", None)
    if usuario is not None and usuario.is_authenticated:
        return f"u{usuario.pk}"
    return f"ip{ip_cliente(request) or '-'}"


def tomar_cupo(request) -> Cupo | None:
    """Un puesto libre del cliente, o None si ya tiene `ATT_EXPORTACIONES_POR_CLIENTE` exportaciones en
    curso. Con la caché de Redis caída, deja pasar (falla abierta, como el resto de la caché)."""
    import time

    from django.core.cache import cache

    base = f"att:exportacion:{cliente(request)}"
    duracion = _ajuste("ATT_EXPORTACION_CUPO_SEGUNDOS", 120)
    for puesto in range(max(1, _ajuste("ATT_EXPORTACIONES_POR_CLIENTE", 2))):
        clave = f"{base}:{puesto}"
        if cache.add(clave, 1, timeout=duracion):
            cupo = Cupo(cache, clave)
            cupo._renovado = time.monotonic()
            return cupo
    cortacircuitos = getattr(cache, "cortacircuitos", None)
    if cortacircuitos is not None and cortacircuitos.abierto():
        return Cupo()
    return None


def respuesta_cupo_agotado():
    from django.http import HttpResponse
    from django.utils.translation import gettext as _

    mensaje = _("Ya tiene %(n)s descargas en curso. Espere a que terminen (o cancele alguna) y vuelva a "
                "intentarlo.") % {"n": _ajuste("ATT_EXPORTACIONES_POR_CLIENTE", 2)}
    respuesta = HttpResponse(mensaje, status=429, content_type="text/plain; charset=utf-8")
    respuesta["Retry-After"] = "30"
    return respuesta


def _es_descarga(respuesta) -> bool:
    return respuesta.get("Content-Disposition", "").startswith("attachment") or respuesta.streaming


def con_cupo(vista=None, *, solo_con_formato: bool = False):
    """Decorador de una vista que exporta: toma un puesto del cupo del cliente (429 si no hay) y lo
    devuelve cuando la respuesta se cierra (descarga terminada o cortada: el servidor WSGI siempre cierra
    la respuesta) o enseguida si la vista no devolvió una descarga. Con `solo_con_formato`, la vista es
    también una página y el cupo solo cuenta cuando pide `?formato=csv|xlsx`."""
    from functools import wraps

    from django.http import FileResponse

    def decorar(vista):
        @wraps(vista)
        def envuelta(request, *args, **kwargs):
            if solo_con_formato and request.GET.get("formato") not in ("csv", "xlsx"):
                return vista(request, *args, **kwargs)
            cupo = tomar_cupo(request)
            if cupo is None:
                return respuesta_cupo_agotado()
            try:
                respuesta = vista(request, *args, **kwargs)
            except BaseException:
                cupo.liberar()
                raise
            if not _es_descarga(respuesta):
                cupo.liberar()
                return respuesta
            if respuesta.streaming and not isinstance(respuesta, FileResponse):  # un archivo sale en segundos
                respuesta.streaming_content = _renovando(respuesta.streaming_content, cupo)
            respuesta._resource_closers.append(cupo.liberar)
            return respuesta

        return envuelta

    return decorar(vista) if vista is not None else decorar


def _renovando(trozos, cupo: Cupo):
    try:
        for trozo in trozos:
            cupo.renovar()
            yield trozo
    finally:
        cupo.liberar()


# --- Lectura por trozos ---------------------------------------------------------------------------------
TROZO = 2000  # filas por viaje del cursor del servidor


def por_trozos(qs, *, tamano: int = TROZO, preparar: Callable[[list], Iterable] | None = None):
    """Los objetos de `qs` leídos con un cursor del servidor de `tamano` en `tamano` (sus `prefetch_related`
    se traen por trozo) y, si se da, pasados por `preparar(lote)` (lo que una lista completa en lote, p. ej.
    los pasos de las rutas). Consultas: las de un trozo por cada `tamano` filas, no por fila."""
    lote = []
    for objeto in qs.iterator(chunk_size=tamano):
        lote.append(objeto)
        if len(lote) >= tamano:
            yield from (preparar(lote) if preparar is not None else lote)
            lote = []
    if lote:
        yield from (preparar(lote) if preparar is not None else lote)


# --- Tablas exportables y exportaciones diferidas --------------------------------------------------------
@dataclass
class Tabla:
    """Lo que una vista exporta: `filas` es un iterador perezoso (leído por trozos con sus relaciones en
    un número constante de consultas); `total`, si se sabe barato, decide si el XLSX va a Celery."""

    nombre: str
    titulo: str
    cabeza: list
    filas: Iterable
    preambulo: list = field(default_factory=list)
    listas: dict = field(default_factory=dict)
    total: int | None = None
    contar: Callable[[], int] | None = None  # una consulta COUNT: solo si el XLSX podría ir a Celery

    def hoja(self) -> tuple:
        return (str(self.titulo)[:31], self.preambulo, [str(c) for c in self.cabeza], self.filas, self.listas)


# tipo → construir(parametros: dict[str, list[str]], usuario) -> Tabla. Cada app registra las suyas en su ready().
REGISTRO: dict[str, Callable] = {}


def registrar(tipo: str, construir: Callable) -> None:
    REGISTRO[tipo] = construir


def parametros_de(request) -> dict[str, list[str]]:
    """Los parámetros GET de la petición, en JSON (para rehacer la misma exportación en la tarea)."""
    return {k: request.GET.getlist(k) for k in request.GET if k not in ("formato", "page")}


def consulta_de(parametros: dict[str, list[str]]):
    """Los parámetros guardados de vuelta como `QueryDict` (para los filtros de una vista en la tarea)."""
    from django.http import QueryDict

    consulta = QueryDict(mutable=True)
    for clave, valores in (parametros or {}).items():
        consulta.setlist(clave, [str(v) for v in valores])
    return consulta


def umbral_filas() -> int:
    return _ajuste("ATT_EXPORTACION_UMBRAL_FILAS", 5000)


def responder(request, tabla: Tabla, formato: str, *, tipo: str = ""):
    """La descarga de `tabla`: CSV en flujo; XLSX desde un archivo temporal o, si pasa del umbral y su
    `tipo` está registrado, en Celery con un enlace (302 a la página de la exportación)."""
    from django.http import Http404
    from django.utils.translation import gettext as _

    if formato == "csv":
        return respuesta_csv(f"{tabla.nombre}.csv", [str(c) for c in tabla.cabeza], tabla.filas)
    if formato != "xlsx":
        raise Http404(_("Formato no disponible."))
    if tipo in REGISTRO and tabla.total is None and tabla.contar is not None:
        tabla.total = tabla.contar()
    if tipo in REGISTRO and tabla.total is not None and tabla.total > umbral_filas():
        return diferir(request, tipo=tipo, formato=formato, total=tabla.total, nombre=f"{tabla.nombre}.xlsx")
    return respuesta_xlsx(f"{tabla.nombre}.xlsx", [tabla.hoja()])


def diferir(request, *, tipo: str, formato: str, total: int | None = None, nombre: str = ""):
    """Crea la exportación en segundo plano y lleva (302) a su página, que muestra el avance y el enlace."""
    import uuid

    from django.db import transaction
    from django.shortcuts import redirect

    from att.models import ArchivoExportado
    from att.salida import encolar

    usuario = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        pedida = ArchivoExportado.objects.create(clave=uuid.uuid4(), usuario=usuario, tipo=tipo, formato=formato,
                                                 parametros=parametros_de(request), filas=total, nombre=nombre)
        encolar("att.generar_exportacion", pedida.pk, clave=f"exportacion-{pedida.clave}")
    return redirect("nucleo:exportacion", clave=pedida.clave, permanent=False)


def generar(pk: int) -> None:
    """Tarea: rehace la tabla registrada con los parámetros guardados y guarda el archivo (idempotente: una
    exportación lista no se repite)."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.files import File
    from django.utils import timezone

    from att.models import ArchivoExportado, EstadoExportacion

    pedida = ArchivoExportado.objects.select_related("usuario").get(pk=pk)
    if pedida.estado == EstadoExportacion.LISTA:
        return
    ArchivoExportado.objects.filter(pk=pk).update(estado=EstadoExportacion.GENERANDO)
    try:
        tabla = REGISTRO[pedida.tipo](pedida.parametros, pedida.usuario or AnonymousUser())
        if pedida.formato == "csv":
            import tempfile

            archivo = tempfile.TemporaryFile()  # noqa: SIM115 - se cierra en el `with` de abajo
            for trozo in trozos_csv([str(c) for c in tabla.cabeza], tabla.filas):
                archivo.write(trozo)
            archivo.seek(0)
        else:
            archivo = archivo_xlsx([tabla.hoja()])
        with archivo:
            getattr(pedida, pedida.formato).save(pedida.nombre or f"{tabla.nombre}.{pedida.formato}", File(archivo),
                                                 save=False)
    except Exception as error:
        from att.validadores import recortar

        ArchivoExportado.objects.filter(pk=pk).update(estado=EstadoExportacion.FALLIDA, error=recortar(error),
                                                      terminada=timezone.now())
        raise
    pedida.estado, pedida.terminada = EstadoExportacion.LISTA, timezone.now()
    pedida.save(update_fields=[pedida.formato, "estado", "terminada"])


def purgar(*, ahora=None) -> int:
    """Borra las exportaciones generadas de más de `ATT_EXPORTACIONES_DIAS` días, con sus archivos (cada
    XLSX grande pesa decenas de MB en media). El enlace deja de servir: quien lo abra ve la página de «no
    encontrada» y la vuelve a pedir desde la lista. Idempotente: lo ya borrado no se vuelve a contar."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from att.models import ArchivoExportado

    limite = (ahora or timezone.now()) - timedelta(days=settings.ATT_EXPORTACIONES_DIAS)
    borradas = 0
    for pedida in ArchivoExportado.objects.filter(creada__lt=limite).only("pk", "xlsx", "csv").iterator():
        for archivo in (pedida.xlsx, pedida.csv):
            if archivo:
                archivo.delete(save=False)
        borradas += ArchivoExportado.objects.filter(pk=pedida.pk).delete()[0]
    return borradas


def lista_m2m(modelo, campo: str, *valores) -> dict:
    """Anotaciones con las listas de una relación m2m de `modelo`, una subconsulta de arreglo por valor (en el
    orden del catálogo, `Meta.ordering`, y luego por id): así una exportación lee cada fila con sus listas
    en una sola consulta, recorrible con `.iterator(chunk_size=…)`. Cada valor es un campo del destino o un
    par `(nombre, expresión)` sobre la tabla intermedia; la anotación se llama `lista_{campo}_{nombre}`."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import OuterRef

    relacion = modelo._meta.get_field(campo)
    intermedia = relacion.remote_field.through
    destino = relacion.m2m_reverse_field_name()
    orden = [f"-{destino}__{o[1:]}" if o.startswith("-") else f"{destino}__{o}"
             for o in (relacion.related_model._meta.ordering or []) if isinstance(o, str)] + [f"{destino}__pk"]
    base = intermedia.objects.filter(**{relacion.m2m_field_name(): OuterRef("pk")}).order_by(*orden)
    anotaciones = {}
    for valor in valores:
        if isinstance(valor, tuple):
            nombre, expresion = valor
            anotaciones[f"lista_{campo}_{nombre}"] = ArraySubquery(base.annotate(_v=expresion).values("_v"))
        else:
            anotaciones[f"lista_{campo}_{valor}"] = ArraySubquery(base.values(f"{destino}__{valor}"))
    return anotaciones
