from django.urls import path

from att import views_nucleo as v

app_name = "nucleo"
urlpatterns = [
    path("entidades/", v.entidades, name="entidades"),
    path("atributos/importar/", v.importar_atributos, name="importar-atributos"),
]
