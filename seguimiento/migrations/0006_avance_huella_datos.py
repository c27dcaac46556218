"""Llena la huella de los avances existentes y crea su índice único sin bloquear la tabla.

- Recorre los avances por lotes de 5.000 en orden de id, cada lote en su propia transacción
  (la tabla tiene cientos de miles de filas en producción): calcula la huella de hito,
  porcentaje, fecha de corte, narrativa y autor. Nada de lo que los usuarios escribieron cambia.
- Si ya había avances idénticos repetidos (el mismo enviado dos veces antes de este cambio), solo
  el primero recibe la huella; los repetidos se conservan tal cual, sin huella, para que nadie
  pierda un registro ni su evidencia.
- El índice único parcial se construye con CREATE UNIQUE INDEX CONCURRENTLY.
"""

import hashlib
from decimal import Decimal

from django.db import migrations, models, transaction

LOTE = 5000


def huella_avance(*, hito_id, porcentaje, fecha_corte, narrativa, registrado_por_id) -> str:
    """Copia congelada de seguimiento.models.huella_avance (una migración no sigue los cambios del modelo)."""
    texto = " ".join((narrativa or "").split())
    partes = [str(hito_id), f"{Decimal(str(porcentaje)).quantize(Decimal('0.01'))}", str(fecha_corte), texto,
              str(registrado_por_id)]
    return hashlib.sha256("\x1f".join(partes).encode()).hexdigest()


def llenar_huellas(apps, schema_editor):
    Avance = apps.get_model("seguimiento", "Avance")
    # Si una corrida anterior quedó a medias, lo ya llenado cuenta como visto.
    vistas = set(Avance.objects.exclude(huella="").values_list("huella", flat=True))
    ultimo = 0
    while True:
        with transaction.atomic(using=schema_editor.connection.alias):
            filas = list(
                Avance.objects.filter(pk__gt=ultimo, huella="").order_by("pk")
                .values_list("pk", "hito_id", "porcentaje", "fecha_corte", "narrativa", "registrado_por_id")[:LOTE]
            )
            if not filas:
                return
            cambios = []
            for pk, hito_id, porcentaje, fecha, narrativa, autor in filas:
                h = huella_avance(hito_id=hito_id, porcentaje=porcentaje, fecha_corte=fecha, narrativa=narrativa,
                                  registrado_por_id=autor)
                if h not in vistas:
                    vistas.add(h)
                    cambios.append(Avance(pk=pk, huella=h))
            Avance.objects.bulk_update(cambios, ["huella"], batch_size=1000)
            ultimo = filas[-1][0]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("seguimiento", "0005_avance_huella")]

    operations = [
        migrations.RunPython(llenar_huellas, migrations.RunPython.noop, elidable=True),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddConstraint(
                    model_name="avance",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("huella", ""), _negated=True), fields=("huella",),
                        name="avance_unico_por_huella",
                    ),
                ),
            ],
            database_operations=[
                # Un intento anterior fallido deja un índice INVALID con el mismo nombre: se quita antes.
                migrations.RunSQL("DROP INDEX CONCURRENTLY IF EXISTS avance_unico_por_huella", migrations.RunSQL.noop),
                migrations.RunSQL(
                    "CREATE UNIQUE INDEX CONCURRENTLY avance_unico_por_huella "
                    "ON seguimiento_avance (huella) WHERE NOT (huella = '')",
                    "DROP INDEX CONCURRENTLY IF EXISTS avance_unico_por_huella",
                ),
            ],
        ),
    ]
