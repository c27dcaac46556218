import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "att.settings")

app = Celery("att")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
