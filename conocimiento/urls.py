from django.urls import path

from conocimiento import views as v

app_name = "conocimiento"
urlpatterns = [
    path("", v.inicio, name="inicio"),
    path("repositorio/", v.repositorio, name="repositorio"),
    path("repositorio/proponer/", v.proponer, name="proponer"),
    path("repositorio/revision/", v.revision, name="revision"),
    path("repositorio/mis-propuestas/", v.mis_propuestas, name="mis-propuestas"),
    path("repositorio/<int:pk>/", v.recurso, name="recurso"),
    path("repositorio/<int:pk>/editar/", v.editar, name="editar"),
    path("repositorio/<int:pk>/materiales/", v.agregar_material, name="agregar-material"),
    path("repositorio/<int:pk>/revisar/", v.revisar, name="revisar"),
    path("repositorio/materiales/<int:pk>/", v.material, name="material"),
    path("comunidad/", v.comunidad, name="comunidad"),
    path("comunidad/<slug:slug>/", v.espacio, name="espacio"),
    path("comunidad/<slug:slug>/membresia/", v.unirse, name="unirse"),
    path("discusiones/<int:pk>/", v.discusion, name="discusion"),
    path("discusiones/<int:pk>/moderar/", v.moderar, name="moderar"),
    path("discusiones/<int:pk>/reportar/", v.reportar, name="reportar"),
    path("discusiones/<int:pk>/seguir/", v.seguir, name="seguir"),
    path("formacion/", v.formacion, name="formacion"),
    path("formacion/cursos/<int:pk>/", v.curso, name="curso"),
    path("formacion/sesiones/<int:pk>/", v.sesion, name="sesion"),
    path("formacion/sesiones/<int:pk>/inscribirse/", v.inscribirse, name="inscribirse"),
    path("formacion/inscripciones/<int:pk>/cancelar/", v.cancelar, name="cancelar"),
    path("formacion/inscripciones/<int:pk>/certificado/", v.certificado, name="certificado"),
    path("formacion/certificados/verificar/", v.verificar_certificado, name="verificar_certificado"),
    path("eventos/", v.eventos, name="eventos"),
    path("eventos/<int:pk>/", v.evento, name="evento"),
    path("ofertas/<int:oferta_pk>/preguntas/", v.preguntas, name="preguntas"),
    path("memoria/", v.memorias, name="memorias"),
    path("memoria/<int:entidad_pk>/", v.memoria, name="memoria"),
]
