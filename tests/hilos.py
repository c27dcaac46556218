"""Correr algo en otro hilo, con su propia conexión a la base, para las pruebas de concurrencia."""

import threading

from django.db import connection


def en_hilo(funcion, *args, **kwargs):
    """Arranca `funcion(*args, **kwargs)` en otro hilo; devuelve el hilo y un dict con «valor» o «error»."""
    resultado = {}

    def correr():
        try:
            resultado["valor"] = funcion(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001 - se revisa en la prueba
            resultado["error"] = error
        finally:
            connection.close()

    hilo = threading.Thread(target=correr)
    hilo.start()
    return hilo, resultado
