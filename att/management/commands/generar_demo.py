import importlib
import random
import time

from django.core.management.base import BaseCommand

AREAS = ("att", "oferta", "demanda", "agenda", "seguimiento", "conocimiento", "pas")


class Command(BaseCommand):
    help = ("Genera datos de demostración realistas (proporciones de la encuesta 2021). --escala 1 para "
            "explorar; --escala 1000 para los benchmarks. Cada app aporta su `demo.generar`.")

    def add_arguments(self, parser):
        parser.add_argument("--escala", type=int, default=1)
        parser.add_argument("--semilla", type=int, default=4091)
        parser.add_argument("--solo", nargs="*", choices=AREAS, help="Solo estas áreas.")

    def handle(self, *args, escala, semilla, solo, **opciones):
        rng = random.Random(semilla)
        for area in solo or AREAS:
            try:
                modulo = importlib.import_module(f"{area}.demo")
            except ModuleNotFoundError:
                continue
            inicio = time.monotonic()
            self.stdout.write(f"{area}:")
            modulo.generar(escala=escala, rng=rng, salida=self.stdout)
            self.stdout.write(f"  ({time.monotonic() - inicio:.1f} s)")
        self.stdout.write(self.style.SUCCESS("Datos de demostración listos."))
