"""`manage.py restaurar CARPETA_DEL_RESPALDO`: restaura en una base nueva (ver att/respaldo.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from att.respaldo import Conexion, ErrorRespaldo, restaurar


class Command(BaseCommand):
    help = ("Restaura un respaldo de `respaldar` en una base vacía (la de DATABASE_URL o --destino) y sus "
            "archivos en MEDIA_ROOT (o --media). Se niega si el destino no está vacío, salvo --forzar.")

    def add_arguments(self, parser):
        parser.add_argument("carpeta", type=Path, help="La carpeta att-<fecha> del respaldo.")
        parser.add_argument("--destino", default="",
                            help="URL de la base destino (postgres://...); por defecto, la configurada.")
        parser.add_argument("--media", type=Path, default=None, help="Carpeta de archivos destino (MEDIA_ROOT).")
        parser.add_argument("--forzar", action="store_true",
                            help="Reemplaza el contenido de una base o carpeta que no está vacía.")

    def handle(self, *args, carpeta, destino, media, forzar, **opciones):
        try:
            resultado = restaurar(carpeta, destino=Conexion.de_url(destino) if destino else None,
                                  media=media, forzar=forzar)
        except ErrorRespaldo as error:
            raise CommandError(str(error)) from error
        distintos = {t: c for t, c in resultado["conteos"].items() if c[0] != c[1]}
        for tabla, (antes, despues) in sorted(resultado["conteos"].items()):
            self.stdout.write(f"  {tabla}: {despues} filas (respaldo: {antes})")
        if distintos:
            raise CommandError(f"Los conteos no coinciden en: {', '.join(sorted(distintos))}.")
        self.stdout.write(self.style.SUCCESS(
            f"Restaurado {carpeta} ({resultado['archivos']} archivos cargados)."))
