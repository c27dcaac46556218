"""Llena `actualizado` de las filas que ya existían con su mejor fecha conocida de modificación.

Al agregar la columna, toda fila vieja quedó con la hora de la migración: para `actualizado_desde`
habrían cambiado todas a la vez. Para cada modelo, por lotes de 2.000 en orden de llave primaria y
cada lote en su propia transacción (sin retener bloqueos en las tablas grandes), pone la fecha de
su último registro de historial (django-simple-history) y, sin historial, su fecha de creación si la
tiene; si no hay ninguna, deja la de la migración. No cambia ningún otro dato.
"""

from django.db import migrations, transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

LOTE = 2000
# (modelo, campo de creación o None)
MODELOS = [("att.Departamento", None), ("att.Municipio", None), ("att.Entidad", "creada"),
           ("att.DescriptorTematico", None), ("att.Tema", None), ("att.NivelCapacidad", None),
           ("att.TipoCapacidad", None), ("att.Capacidad", None), ("att.EtapaCiclo", None), ("att.Modalidad", None),
           ("att.Canal", None)]


def llenar(apps, schema_editor):
    alias = schema_editor.connection.alias
    for nombre, creacion in MODELOS:
        app, modelo = nombre.split(".")
        Modelo = apps.get_model(app, modelo)
        Historial = apps.get_model(app, f"Historical{modelo}")
        llave = Modelo._meta.pk.attname
        ultima = Subquery(Historial.objects.filter(**{llave: OuterRef("pk")}).order_by("-history_date")
                          .values("history_date")[:1])
        valor = Coalesce(ultima, F(creacion), F("actualizado")) if creacion else Coalesce(ultima, F("actualizado"))
        ultimo = None
        while True:
            with transaction.atomic(using=alias):
                qs = Modelo.objects.using(alias).order_by("pk")
                if ultimo is not None:
                    qs = qs.filter(pk__gt=ultimo)
                ids = list(qs.values_list("pk", flat=True)[:LOTE])
                if not ids:
                    break
                Modelo.objects.using(alias).filter(pk__in=ids).update(actualizado=valor)
                ultimo = ids[-1]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("att", "0008_fuente_cambios")]

    operations = [migrations.RunPython(llenar, migrations.RunPython.noop, elidable=True)]
