from rest_framework.routers import DefaultRouter

from indicadores.api import views as indicadores
from seguimiento.api import views

router = DefaultRouter()
router.register("seguimiento/lineas", views.EstadoLineaViewSet, basename="seguimiento-linea")
router.register("seguimiento/lineas-por-entidad", views.EstadoLineaEntidadViewSet,
                basename="seguimiento-linea-entidad")
router.register("seguimiento/hitos", views.HitoViewSet, basename="seguimiento-hito")
router.register("seguimiento/avances", views.AvanceViewSet, basename="seguimiento-avance")
router.register("seguimiento/indicadores", indicadores.IndicadorViewSet, basename="seguimiento-indicador")
router.register("seguimiento/mediciones", indicadores.MedicionViewSet, basename="seguimiento-medicion")
router.register("seguimiento/percepciones", views.PercepcionViewSet, basename="seguimiento-percepcion")
router.register("seguimiento/consentimientos", views.ConsentimientoViewSet, basename="seguimiento-consentimiento")
router.register("seguimiento/evaluaciones", views.EvaluacionViewSet, basename="seguimiento-evaluacion")
router.register("seguimiento/atencion-prioritaria", views.AtencionViewSet, basename="seguimiento-atencion")
router.register("seguimiento/percepcion-desglose", views.DesgloseViewSet, basename="seguimiento-percepcion-desglose")
router.register("seguimiento/costo", views.CostoViewSet, basename="seguimiento-costo")
router.register(r"seguimiento/cortes/(?P<dimension>entidad|dependencia|producto|zona|estrategia|asesor)",
                views.CorteViewSet, basename="seguimiento-corte")
router.register("seguimiento/informes", views.InformeViewSet, basename="seguimiento-informe")

urlpatterns = router.urls
