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
"""

from __future__ import annotations

import logging

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


def respuesta_csv(nombre: str, cabeza: list, filas, *, separador: str = ","):
    """Un CSV descargable: BOM, encabezado, valores escapados (fórmulas) y fechas-hora en hora de Bogotá."""
    import csv
    import io

    from django.http import HttpResponse

    salida = io.StringIO()
    salida.write("\ufeff")
    escritor = csv.writer(salida, delimiter=separador)
    escritor.writerow(cabeza)
    for fila in filas:
        escritor.writerow(["" if v is None else escapar_formula(_texto_csv(valor_xlsx(v))) for v in fila])
    respuesta = HttpResponse(salida.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
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


def respuesta_xlsx(nombre: str, hojas=(), *, contenido: bytes | None = None):
    """Un XLSX descargable: las `hojas` de `libro_xlsx`, o un `contenido` ya armado (plantillas)."""
    from django.http import HttpResponse

    respuesta = HttpResponse(contenido if contenido is not None else libro_xlsx(hojas),
                             content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    respuesta["Content-Disposition"] = f'attachment; filename="{nombre}"'
    return respuesta


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


def libro_xlsx(hojas) -> bytes:
    """XLSX con una hoja por `(nombre, preámbulo, cabeza, filas[, listas])`: las filas del preámbulo (título,
    periodo; puede ser vacío) van arriba; el encabezado va en negrita, con autofiltro, y queda fijo al
    desplazarse (`freeze_panes` bajo él); cada columna tiene el ancho de su contenido (12–60
    caracteres); un texto más largo que una celda sigue en columnas de continuación
    (`partir_textos_largos`). Toda celda que empieza por «=», «+», «-» o «@» y no es un número se
    guarda como texto, nunca como fórmula; fechas, fechas-hora (Bogotá), enteros y decimales van con
    su tipo. Con `listas` ({columna: [(código, etiqueta)]}) las columnas de catálogo llevan listas
    desplegables y el libro una hoja «Códigos» (la exportación sirve de plantilla). Modo de solo escritura: la memoria no crece con las filas ya escritas."""
    import datetime
    import io

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    libro = Workbook(write_only=True)
    negrita = Font(bold=True)
    todas_las_listas = {}
    for nombre, preambulo, cabeza, filas, *resto in hojas:
        hoja = libro.create_sheet(nombre)
        cabeza, filas = partir_textos_largos(list(cabeza), list(filas))
        listas = resto[0] if resto else {}
        if listas:
            _listas_desplegables(hoja, cabeza, listas, fila_cabeza=len(preambulo) + 1)
            todas_las_listas.update(listas)
        for i, ancho in enumerate(anchos_columnas(cabeza, filas), start=1):
            hoja.column_dimensions[get_column_letter(i)].width = ancho
        fila_cabeza = len(preambulo) + (1 if cabeza else 0)
        if cabeza:
            hoja.freeze_panes = f"A{fila_cabeza + 1}"
            hoja.auto_filter.ref = f"A{fila_cabeza}:{get_column_letter(len(cabeza))}{fila_cabeza + len(filas)}"

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
        for numero, fila in enumerate(filas, start=fila_cabeza + 1):
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
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


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

    if formato not in ("pdf", "xlsx"):
        raise Http404
    for _vuelta in range(2):
        archivo = getattr(informe, formato)
        if not archivo:
            raise Http404(no_listo)
        try:
            contenido = archivo.open("rb")
        except FileNotFoundError:
            informe.refresh_from_db(fields=["pdf", "xlsx"])
            continue
        return FileResponse(contenido, as_attachment=True, filename=nombre)
    raise Http404(no_listo)
