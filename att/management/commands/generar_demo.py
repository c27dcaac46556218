import random
import time

from django.core.management.base import BaseCommand

from att import demo_carga, registros


class Command(BaseCommand):
    help = ("Genera datos de demostración realistas (proporciones de la encuesta 2021). --escala 1 para "
            "explorar; --escala 1000 para los benchmarks. Cada app registra su `demo.generar` desde su "
            "`ready()` (att.registros.registrar_demo).")

    def add_arguments(self, parser):
        parser.add_argument("--escala", type=int, default=1)
        parser.add_argument("--semilla", type=int, default=4091)
        parser.add_argument("--solo", nargs="*", choices=[a.area for a in registros.demos()], help="Solo estas áreas.")

    def handle(self, *args, escala, semilla, solo, **opciones):
        rng = random.Random(semilla)
        # Los índices lentos de las cargas masivas se recrean en otro hilo mientras siguen las demás áreas.
        demo_carga.aparte_activo = True
        try:
            for aporte in registros.demos():
                if solo and aporte.area not in solo:
                    continue
                inicio = time.monotonic()
                self.stdout.write(f"{aporte.area}:")
                aporte.funcion(escala=escala, rng=rng, salida=self.stdout)
                self.stdout.write(f"  ({time.monotonic() - inicio:.1f} s)")
        finally:
            demo_carga.aparte_activo = False
            inicio = time.monotonic()
            esperados = demo_carga.esperar_indices()
        if esperados:
            self.stdout.write(f"  (índices recreados aparte: {time.monotonic() - inicio:.1f} s de espera al final)")
        self.stdout.write(self.style.SUCCESS("Datos de demostración listos."))
