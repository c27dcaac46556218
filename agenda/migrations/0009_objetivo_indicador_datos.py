"""Vincula el indicador de texto libre de cada objetivo de la agenda a su ficha (`indicadores.Indicador`).

No borra ni cambia el texto que la gente escribió (`ObjetivoAgenda.indicador` se conserva tal cual):
solo llena `indicador_vinculado` cuando hay **exactamente una** ficha cuyo nombre coincide con el texto
(sin distinguir mayúsculas ni espacios de los extremos), prefiriendo las fichas de la misma agenda
nacional; si hay varias o ninguna, lo deja vacío para que el DNP lo elija en la página del objetivo.
También pone en `actualizado` la fecha del último registro de historial del objetivo (si lo tiene),
para que la fuente de cambios no lo dé por modificado en la hora de la migración. Reversible: al
deshacerla se vacía el vínculo.
"""

from django.db import migrations
from django.db.models import Exists, OuterRef, Subquery


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
    for objetivo in Objetivo.objects.using(alias).filter(indicador_vinculado__isnull=True).only(
            "pk", "indicador", "agenda_id").iterator(chunk_size=2000):
        candidatas = fichas.get(_clave(objetivo.indicador), [])
        de_la_agenda = [pk for pk, agenda_id in candidatas if agenda_id == objetivo.agenda_id]
        elegidas = de_la_agenda or [pk for pk, _a in candidatas]
        if len(elegidas) == 1:
            Objetivo.objects.using(alias).filter(pk=objetivo.pk).update(indicador_vinculado_id=elegidas[0])
    ultima = Subquery(Historial.objects.filter(id=OuterRef("pk")).order_by("-history_date").values("history_date")[:1])
    Objetivo.objects.using(alias).filter(Exists(Historial.objects.filter(id=OuterRef("pk")))).update(actualizado=ultima)


def desvincular(apps, schema_editor):
    Objetivo = apps.get_model("agenda", "ObjetivoAgenda")
    Objetivo.objects.using(schema_editor.connection.alias).update(indicador_vinculado=None)


class Migration(migrations.Migration):
    dependencies = [("agenda", "0008_gobernanza_territoriales"), ("indicadores", "0001_initial")]

    operations = [migrations.RunPython(vincular, desvincular)]
