from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from att import importacion
from att.importadores import COLUMNAS, ImportadorAtributos


class Command(BaseCommand):
    help = ("Importa atributos de focalización por municipio desde CSV o XLSX. Sin --confirmar solo valida "
            "(ensayo) y reporta los errores por fila. Columnas: " + ", ".join(COLUMNAS))

    def add_arguments(self, parser):
        parser.add_argument("archivo")
        parser.add_argument("--confirmar", action="store_true", help="Escribe si no hay errores.")

    def handle(self, *args, archivo, confirmar, **opciones):
        ruta = Path(archivo)
        if not ruta.exists():
            raise CommandError(f"No existe el archivo {ruta}.")
        try:
            resultado = importacion.importar_directo(ImportadorAtributos(por=None), ruta.read_bytes(), ruta.name,
                                                     confirmar=confirmar)
        except importacion.ArchivoIlegible as e:
            raise CommandError(e.messages[0]) from None
        for error in resultado.errores:
            self.stderr.write(f"Fila {error['fila']}: {error['error']} {error['sugerencia']}".rstrip())
        self.stdout.write(
            f"{resultado.total} filas, {resultado.validas} válidas, {len(resultado.errores)} con error, "
            f"{resultado.escritas} escritas."
        )
        if resultado.errores:
            raise CommandError("Hay filas con error: no se escribió nada. Corrija el archivo y vuelva a intentar.")
        if not confirmar:
            self.stdout.write("Ensayo sin errores. Repita con --confirmar para escribir.")
