import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from seguimiento import informes
from seguimiento.models import TipoInforme
from seguimiento.tasks import _periodo


class Command(BaseCommand):
    help = ("Genera (o reemplaza) el informe de seguimiento de un mes: "
            "manage.py generar_informe_mensual --periodo 2026-10 [--alcance nacional|entidad-<id>] [--semestral] [--cola]")

    def add_arguments(self, parser):
        parser.add_argument("--periodo", help="AAAA-MM; por defecto, el mes anterior.")
        parser.add_argument("--alcance", default="nacional")
        parser.add_argument("--semestral", action="store_true", help="Corte semestral (junio o diciembre).")
        parser.add_argument("--cola", action="store_true", help="Enviarlo al worker de Celery en vez de generarlo aquí.")

    def handle(self, *args, periodo, alcance, semestral, cola, **opciones):
        if periodo and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", periodo):
            raise CommandError("El periodo debe tener la forma AAAA-MM, por ejemplo 2026-10.")
        if not re.fullmatch(r"nacional|entidad-\d+", alcance):
            raise CommandError("El alcance debe ser «nacional» o «entidad-<id>».")
        tipo = TipoInforme.SEMESTRAL if semestral else TipoInforme.MENSUAL
        fecha = _periodo(periodo, informes.mes_anterior())
        if semestral and fecha.month not in (6, 12):
            raise CommandError("Los cortes semestrales son de junio (AAAA-06) o diciembre (AAAA-12).")
        if cola:
            from att.models import EstadoSalida
            from att.salida import encolar

            tarea = "seguimiento.generar_corte_semestral" if semestral else "seguimiento.generar_informe_mensual"
            salida = encolar(tarea, f"{fecha:%Y-%m}", alcance, clave=f"{tarea}:{fecha:%Y-%m}:{alcance}",
                             solicitado_en=timezone.now().isoformat())
            salida.refresh_from_db()
            if salida.estado == EstadoSalida.PUBLICADA:
                self.stdout.write(f"En cola del worker (salida {salida.pk}).")
            else:
                self.stdout.write(f"Pendiente en la bandeja de salida (salida {salida.pk}, {salida.get_estado_display()}): "
                                  "el despachador la publicará cuando el broker responda.")
            return
        informe = informes.generar(tipo=tipo, periodo=fecha, alcance=alcance,
                                   progreso=lambda p: self.stdout.write(f"  {p} %"))
        if informe.omitido:
            self.stdout.write(self.style.WARNING(f"{informe} ya se está generando en otro proceso; no se hizo nada."))
            return
        self.stdout.write(self.style.SUCCESS(f"Listo: {informe} → {informe.pdf.name}, {informe.xlsx.name}"))
