"""`manage.py salud`: las comprobaciones de /salud/listo desde la línea de comandos.

Para los chequeos de contenedores que no sirven HTTP (worker, beat): sale con código 1 si la base o
Redis no responden.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from att.salud import comprobaciones


class Command(BaseCommand):
    help = "Comprueba que la base de datos y Redis respondan (sale con 1 si alguno falla)."

    def handle(self, *args, **opciones):
        resultado = comprobaciones()
        self.stdout.write(json.dumps(resultado, ensure_ascii=False))
        fallas = [nombre for nombre, c in resultado.items() if c["estado"] != "ok"]
        if fallas:
            raise CommandError(f"No responde: {', '.join(fallas)}.")
