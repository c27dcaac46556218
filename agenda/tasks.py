from celery import shared_task

from agenda import services


@shared_task(name="agenda.alertar_compromisos_vencidos")
def alertar_compromisos_vencidos() -> int:
    """Diaria: alerta a los responsables de compromisos vencidos (una vez por compromiso).

    Dos veces seguidas: `vencimiento_notificado` excluye lo ya alertado y la `clave` de cada
    notificación no se repite. Dos a la vez: la segunda no hace nada (candado consultivo)."""
    from att.bloqueos import candado, clave_bloqueo

    with candado(clave_bloqueo("agenda.alertar_compromisos_vencidos")) as propio:
        return services.compromisos_alertar_vencidos() if propio else 0
