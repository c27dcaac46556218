from django.core.management.base import BaseCommand

from demanda import evaluacion


class Command(BaseCommand):
    help = ("Mide el cruce oferta-demanda sobre el conjunto etiquetado de bench/evaluacion_matching/ (precisión@1, "
            "aciertos en los 3 primeros, MRR, nDCG@5 y exactitud de la decisión de brecha, por parte) y lista los "
            "errores. Carga el conjunto en una transacción que se deshace: no deja nada escrito.")

    def add_arguments(self, parser):
        parser.add_argument("--parte", choices=["ajuste", "prueba", "todas"], default="todas")
        parser.add_argument("--sin-errores", action="store_true", help="No listar los errores.")

    def handle(self, *args, parte, sin_errores, **opciones):
        ofertas, demandas = evaluacion.leer_conjunto()
        resultados = evaluacion.evaluar(demandas, ofertas)
        partes = ["ajuste", "prueba"] if parte == "todas" else [parte]
        for nombre in partes:
            de_la_parte = [r for r in resultados if r.demanda["parte"] == nombre]
            m = evaluacion.metricas(de_la_parte)
            self.stdout.write(
                f"Parte «{nombre}»: {m['demandas']} demandas ({m['atendibles']} con oferta que las atiende). "
                f"precisión@1 {m['precision_1']:.3f} · aciertos@3 {m['aciertos_3']:.3f} · MRR {m['mrr']:.3f} · "
                f"nDCG@5 {m['ndcg_5']:.3f} · brecha: exactitud {m['brecha_exactitud']:.3f}, "
                f"{m['sin_oferta_como_brecha']} de {m['sin_oferta']} sin oferta señaladas, "
                f"{m['atendibles_como_brecha']} atendibles señaladas como brecha"
            )
            if not sin_errores:
                for linea in evaluacion.errores(de_la_parte):
                    self.stdout.write("  " + linea)
