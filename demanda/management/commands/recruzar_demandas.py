"""Cruce de una vez de las demandas abiertas sin relevancia guardada o sin su mejor oferta (las
anteriores a `Demanda.relevancia_cruce` / `Demanda.oferta_cruce`), por lotes: sin esto el informe de
brechas seguiría con la regla de temas para ellas. Se puede cortar y seguir con `--desde`."""

from django.core.management.base import BaseCommand

from demanda.services import recruzar_lote


class Command(BaseCommand):
    help = "Cruza por lotes las demandas abiertas que aún no tienen la relevancia de su mejor oferta."

    def add_arguments(self, parser):
        parser.add_argument("--lote", type=int, default=500)
        parser.add_argument("--desde", type=int, default=0, help="id de demanda desde el que sigue")

    def handle(self, *args, lote, desde, **options):
        total = 0
        while desde is not None:
            n, desde = recruzar_lote(desde=desde, lote=lote)
            total += n
            if desde is not None:
                self.stdout.write(f"{total} demandas cruzadas; sigue con --desde {desde}")
        self.stdout.write(self.style.SUCCESS(f"{total} demandas cruzadas."))
