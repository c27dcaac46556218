import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "att.settings")

app = Celery("att")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# --- Operación: id de la tarea en los registros y límite de consultas propio del worker ---------
from celery import signals

from att.observabilidad import conectar_celery

conectar_celery()


@signals.celeryd_init.connect(weak=False, dispatch_uid="att_limite_de_tareas")
def _limite_de_tareas(**kwargs):
    """Solo en el worker (antes de crear sus procesos): consultas largas permitidas a las tareas."""
    from att.limites import usar_limite_de_tareas

    usar_limite_de_tareas()
