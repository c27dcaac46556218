from celery import shared_task

from agenda import services


@shared_task(name="agenda.alertar_compromisos_vencidos")
def alertar_compromisos_vencidos() -> int:
    """Diaria: alerta a los responsables de compromisos vencidos (una vez por compromiso)."""
    return services.compromisos_alertar_vencidos()
