"""Leer los PDF que produce la plataforma en las pruebas (pypdf): texto, fuentes y esquema."""

from __future__ import annotations

import io

from pypdf import PdfReader


def lector(contenido: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(contenido))


def textos(contenido: bytes) -> list[str]:
    return [pagina.extract_text() for pagina in lector(contenido).pages]


def _fuentes_de(recursos, vistas: set, salida: dict) -> None:
    if not recursos:
        return
    recursos = recursos.get_object()
    for fuente in (recursos.get("/Font") or {}).values():
        fuente = fuente.get_object()
        if id(fuente) in vistas:
            continue
        vistas.add(id(fuente))
        descriptor = fuente.get("/FontDescriptor")
        if descriptor is None and fuente.get("/DescendantFonts"):
            descriptor = fuente["/DescendantFonts"][0].get_object().get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        incrustada = any(clave in descriptor for clave in ("/FontFile", "/FontFile2", "/FontFile3"))
        salida[str(fuente.get("/BaseFont"))] = incrustada
    for objeto in (recursos.get("/XObject") or {}).values():
        objeto = objeto.get_object()
        if objeto.get("/Subtype") == "/Form":
            _fuentes_de(objeto.get("/Resources"), vistas, salida)


def fuentes(contenido: bytes) -> dict[str, bool]:
    """{nombre de la fuente: ¿incrustada?} de todas las páginas (y sus formularios)."""
    salida: dict[str, bool] = {}
    vistas: set = set()
    for pagina in lector(contenido).pages:
        _fuentes_de(pagina.get("/Resources"), vistas, salida)
    return salida


def esquema(contenido: bytes) -> list[tuple[int, str]]:
    """Las entradas del esquema (marcadores) como (nivel, título), en orden."""
    salida: list[tuple[int, str]] = []

    def recorrer(entradas, nivel):
        for entrada in entradas:
            if isinstance(entrada, list):
                recorrer(entrada, nivel + 1)
            else:
                salida.append((nivel, str(entrada.title)))

    recorrer(lector(contenido).outline, 0)
    return salida
