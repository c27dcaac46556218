"""Memorias de un proceso con tope de entradas (`MemoriaAcotada`).

Las usan las listas por lotes de la API (`att.api.lotes`) y los resultados del portal (`oferta.selectors`):
guardan lo ya armado bajo claves que cambian con los datos, así que una copia local no sirve lo que otro
proceso ya cambió."""

from __future__ import annotations


class MemoriaAcotada(dict):
    """Una memoria de este proceso con tope de entradas: al llenarse se vacía entera. Sus claves cambian con los
    datos (o son formas de consulta, pocas), así que lo que se pierde al vaciarla es lo que ya nadie pide; vaciar
    de una vez cuesta menos, en cada lectura, que llevar el orden de uso de un LRU. `al_vaciar` vacía con ella
    otra memoria que depende de sus entradas."""

    def __init__(self, tope: int, al_vaciar=None):
        super().__init__()
        self.tope, self.al_vaciar = tope, al_vaciar

    def vaciar(self) -> None:
        self.clear()
        if self.al_vaciar is not None:
            self.al_vaciar()

    def guardar(self, clave, valor):
        if len(self) >= self.tope:
            self.vaciar()
        self[clave] = valor
        return valor

    def guardar_varias(self, valores: dict) -> None:
        if len(self) + len(valores) > self.tope:
            self.vaciar()
        self.update(valores)
