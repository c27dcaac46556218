"""Escrituras en bloque que avisan: `QuerySet.update()` y `bulk_update()` no envían `post_save`, así que quien
guarda algo derivado de una tabla (la fila de un token en la memoria del proceso, la huella de una lista de la
API: `att.api.lotes.vigilar`) no se enteraría. Los modelos que deciden el acceso usan este QuerySet, que envía
`actualizado_en_bloque` después de escribir."""

from django.db import models
from django.dispatch import Signal

# Argumentos: sender (el modelo) y campos (los nombres escritos).
actualizado_en_bloque = Signal()


class QuerySetQueAvisa(models.QuerySet):
    # Campos técnicos cuya escritura no cambia nada de lo que otros guardan (el último uso de un token).
    campos_sin_aviso: frozenset = frozenset()

    def _avisar(self, campos) -> None:
        campos = frozenset(campos)
        if not campos <= self.campos_sin_aviso:
            actualizado_en_bloque.send(sender=self.model, campos=campos)

    def update(self, **kwargs):
        filas = super().update(**kwargs)
        if filas:
            self._avisar(kwargs)
        return filas

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        filas = super().bulk_update(objs, fields, batch_size=batch_size)
        if filas:
            self._avisar(fields)
        return filas

    bulk_update.alters_data = True
