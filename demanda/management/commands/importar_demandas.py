"""`manage.py importar_demandas ARCHIVO --usuario CORREO [--confirmar]`: lo mismo que la página.

Sin `--confirmar` es un ensayo que imprime, por fila, su número y la entidad resuelta (código
DIVIPOLA y nombre oficial) con los valores de catálogo resueltos, o los motivos del rechazo; luego
una línea de resumen. Sale con error si alguna fila se rechaza."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from att import importacion
from att.models import Usuario
from demanda.importacion import ImportadorDemandas, describir_fila
from demanda.models import FuenteNecesidad


class Command(BaseCommand):
    help = "Importa demandas desde un CSV o XLSX a nombre de una persona (ensayo sin --confirmar)."

    def add_arguments(self, parser):
        parser.add_argument("archivo")
        parser.add_argument("--usuario", required=True, help="Correo de la persona a cuyo nombre se importa.")
        parser.add_argument("--confirmar", action="store_true", help="Escribe si ninguna fila tiene errores.")
        parser.add_argument("--fuente", default="", choices=["", *FuenteNecesidad.values],
                            help="Origen de la necesidad para las filas que no lo traen.")
        parser.add_argument("--canal", default="", help="Canal (código o nombre) para las filas que no lo traen.")

    def handle(self, *args, archivo, usuario, confirmar, fuente, canal, **opciones):
        ruta = Path(archivo)
        if not ruta.is_file():
            raise CommandError(f"No existe el archivo {ruta}.")
        por = Usuario.objects.filter(email__iexact=usuario, is_active=True).first()
        if por is None:
            raise CommandError(f"No hay una persona activa con el correo {usuario}.")
        imp = ImportadorDemandas(por=por, opciones={"fuente": fuente, "canal": canal})
        try:
            imp.permitir()
            tabla = importacion.leer_archivo(ruta.read_bytes(), ruta.name)
        except PermissionDenied as e:
            raise CommandError(str(e)) from None
        except importacion.ArchivoIlegible as e:
            raise CommandError(e.messages[0]) from None
        indices, ignoradas = importacion.mapear_encabezado(tabla.encabezado, imp.columnas)
        faltan = [c for c in imp.obligatorias if c not in indices]
        if faltan:
            raise CommandError(f"Faltan columnas: {', '.join(faltan)}.")
        if ignoradas:
            self.stdout.write(f"Columnas que no se usan: {', '.join(ignoradas)}.")
        imp.preparar()
        validos, rechazadas = [], 0
        for numero, dato, errores in importacion.validar_filas(imp, tabla, indices):
            if errores:
                rechazadas += 1
                motivos = " | ".join(importacion.error_dict(numero, e.mensaje, columna=e.columna, sugerencia=e.sugerencia,
                                                            candidatos=e.candidatos)["error"]
                                     + (f" {e.sugerencia}" if e.sugerencia else "") for e in errores)
                self.stdout.write(f"Fila {numero}: RECHAZADA: {motivos}")
            else:
                validos.append(dato)
                self.stdout.write(f"Fila {numero}: {describir_fila(*dato)}")
        for aviso in imp.avisos:
            self.stdout.write(f"Fila {aviso['fila']}: aviso: {aviso['error']}")
        escritas = 0
        if confirmar and not rechazadas and validos:
            with transaction.atomic():
                escritas = imp.escribir(validos)
        self.stdout.write(f"{len(tabla.filas)} filas: {len(validos)} válidas, {rechazadas} rechazadas, "
                          f"{escritas} escritas.")
        if rechazadas:
            raise CommandError("Hay filas rechazadas: no se escribió nada.")
        if not confirmar:
            self.stdout.write("Ensayo sin errores. Repita con --confirmar para escribir.")
