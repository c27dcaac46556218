from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views as v

router = SimpleRouter()
router.register("conocimiento/recursos", v.RecursoViewSet, basename="conocimiento-recurso")
router.register("conocimiento/espacios", v.EspacioViewSet, basename="conocimiento-espacio")
router.register("conocimiento/discusiones", v.DiscusionViewSet, basename="conocimiento-discusion")
router.register("conocimiento/cursos", v.CursoViewSet, basename="conocimiento-curso")
router.register("conocimiento/sesiones", v.SesionViewSet, basename="conocimiento-sesion")
router.register("conocimiento/inscripciones", v.InscripcionViewSet, basename="conocimiento-inscripcion")
router.register("conocimiento/eventos", v.EventoViewSet, basename="conocimiento-evento")
router.register("conocimiento/preguntas-frecuentes", v.PreguntaViewSet, basename="conocimiento-pregunta")

urlpatterns = [
    path("conocimiento/memoria/<int:entidad_pk>/", v.MemoriaView.as_view(), name="conocimiento-memoria"),
    *router.urls,
]
