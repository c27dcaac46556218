"""Vincula el indicador de texto libre de cada objetivo de la agenda a su ficha (`indicadores.Indicador`).

No borra ni cambia el texto que la gente escribió (`ObjetivoAgenda.indicador` se conserva tal cual):
solo llena `indicador_vinculado` cuando hay **exactamente una** ficha cuyo nombre coincide con el texto
(sin distinguir mayúsculas ni espacios de los extremos ni dobles), prefiriendo las fichas de la misma
agenda nacional; si hay varias o ninguna, lo deja vacío para que el DNP la elija en la página del
objetivo. También pone en `actualizado` (columna nueva) la fecha del último registro de historial del
objetivo, si lo tiene, para que la fuente de cambios no lo dé por modificado a la hora de la migración.
Por lotes de 2.000 en orden de llave primaria, cada lote en su transacción (lee la tabla de historial,
que es grande). Reversible: al deshacerla se vacía el vínculo.
"""

from django.db import migrations, transaction
from django.db.models import Exists, OuterRef, Subquery

LOTE = 2000


def _clave(texto: str) -> str:
    return " ".join((texto or "").split()).casefold()


def vincular(apps, schema_editor):
    alias = schema_editor.connection.alias
    Objetivo = apps.get_model("agenda", "ObjetivoAgenda")
    Historial = apps.get_model("agenda", "HistoricalObjetivoAgenda")
    Indicador = apps.get_model("indicadores", "Indicador")
    fichas: dict = {}
    for pk, nombre, agenda_id in Indicador.objects.using(alias).values_list("pk", "nombre", "agenda_id"):
        fichas.setdefault(_clave(nombre), []).append((pk, agenda_id))
    historial = Historial.objects.using(alias).filter(id=OuterRef("pk"))
    ultimo = None
    while True:
        with transaction.atomic(using=alias):
            qs = Objetivo.objects.using(alias).order_by("pk")
            if ultimo is not None:
                qs = qs.filter(pk__gt=ultimo)
            lote = list(qs.values_list("pk", "indicador", "agenda_id", "indicador_vinculado_id")[:LOTE])
            if not lote:
                break
            for pk, texto, agenda_id, vinculado in lote:
                if vinculado is not None:
                    continue
                candidatas = fichas.get(_clave(texto), [])
                elegidas = [f for f, a in candidatas if a == agenda_id] or [f for f, _a in candidatas]
                if len(elegidas) == 1:
                    Objetivo.objects.using(alias).filter(pk=pk).update(indicador_vinculado_id=elegidas[0])
            ids = [fila[0] for fila in lote]
            Objetivo.objects.using(alias).filter(pk__in=ids).filter(Exists(historial)).update(
                actualizado=Subquery(historial.order_by("-history_date").values("history_date")[:1]))
            ultimo = ids[-1]


def desvincular(apps, schema_editor):
    Objetivo = apps.get_model("agenda", "ObjetivoAgenda")
    Objetivo.objects.using(schema_editor.connection.alias).update(indicador_vinculado=None)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("agenda", "0008_gobernanza_territoriales"), ("indicadores", "0001_initial")]

    operations = [migrations.RunPython(vincular, desvincular, elidable=True)]
