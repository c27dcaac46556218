"""`manage.py respaldar CARPETA`: respaldo de la base y de los archivos cargados (ver att/respaldo.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from att.respaldo import ErrorRespaldo, leer_manifiesto, respaldar


class Command(BaseCommand):
    help = ("Respalda la base (pg_dump, formato custom) y MEDIA_ROOT (tar.gz) en CARPETA/att-<fecha>/, "
            "con un manifiesto de sumas sha256.")

    def add_arguments(self, parser):
        parser.add_argument("carpeta", type=Path, help="Carpeta donde se crea el respaldo.")
        parser.add_argument("--database", default="default", help="Alias de la base en DATABASES.")

    def handle(self, *args, carpeta, database, **opciones):
        try:
            hecho = respaldar(carpeta, alias=database)
            manifiesto = leer_manifiesto(hecho)
        except ErrorRespaldo as error:
            raise CommandError(str(error)) from error
        tamano = sum(a["bytes"] for a in manifiesto["archivos"].values())
        self.stdout.write(self.style.SUCCESS(f"Respaldo completo en {hecho} ({tamano / 1e6:.1f} MB)."))
