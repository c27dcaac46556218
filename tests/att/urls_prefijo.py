"""Urlconf de prueba: la portada bajo /otro/ (tests/att/test_plantillas_rapidas.py)."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("otro/", lambda request: HttpResponse(""), name="inicio")]
