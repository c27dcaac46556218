"""Lo que comparten las exportaciones XLSX (datos abiertos de ofertas, demandas, líneas de un plan,
informes de seguimiento): ninguna celda pasa de lo que cabe en Excel.

Con los largos máximos de `att.validadores` (todos por debajo de 32.767) ningún texto guardado
llega a ese límite. Si alguna vez llega (un campo nuevo sin límite, datos anteriores a los límites),
no se deja que Excel corte en silencio ni que rechace el archivo: la celda se recorta con una marca
visible «[texto recortado]» y queda un aviso en el registro para corregir el origen.
"""

from __future__ import annotations

import logging

from att.validadores import LIMITE_CELDA_XLSX

logger = logging.getLogger(__name__)

MARCA_RECORTE = "… [texto recortado]"


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


def libro_xlsx(hojas) -> bytes:
    """XLSX con una hoja por `(nombre, preámbulo, cabeza, filas)`: las filas del preámbulo (título,
    periodo; puede ser vacío) van arriba; el encabezado va en negrita, con autofiltro, y queda fijo al
    desplazarse (`freeze_panes` bajo él); cada columna tiene el ancho de su contenido (12–60
    caracteres); cada celda pasa por `celda_xlsx`. Un texto que empieza por «=» se guarda como texto,
    nunca como fórmula. Modo de solo escritura: la memoria no crece con las filas ya escritas."""
    import io

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    libro = Workbook(write_only=True)
    negrita = Font(bold=True)
    for nombre, preambulo, cabeza, filas in hojas:
        hoja = libro.create_sheet(nombre)
        filas = list(filas)
        for i, ancho in enumerate(anchos_columnas(cabeza, filas), start=1):
            hoja.column_dimensions[get_column_letter(i)].width = ancho
        fila_cabeza = len(preambulo) + (1 if cabeza else 0)
        if cabeza:
            hoja.freeze_panes = f"A{fila_cabeza + 1}"
            hoja.auto_filter.ref = f"A{fila_cabeza}:{get_column_letter(len(cabeza))}{fila_cabeza + len(filas)}"

        def celda(valor, *, fuente=None, donde="", hoja=hoja):
            c = WriteOnlyCell(hoja, value=celda_xlsx(valor, donde=donde))
            if isinstance(c.value, str) and c.value.startswith("="):
                c.data_type = "s"
            if fuente is not None:
                c.font = fuente
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
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def dataset_xlsx(datos) -> bytes:
    """Un `tablib.Dataset` en XLSX con el formato de `libro_xlsx` (encabezado en negrita, fijo y con
    filtro; anchos según el contenido; cada celda pasada por `celda_xlsx`)."""
    cabeza = [str(c) for c in (datos.headers or [])]
    titulo = (datos.title or "Datos")[:31]
    for prohibido in "[]:*?/\\":
        titulo = titulo.replace(prohibido, "-")
    return libro_xlsx([(titulo, [], cabeza, [list(f) for f in datos])])
