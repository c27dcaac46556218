from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from conocimiento import models as m
from conocimiento.services import vector_busqueda


class MaterialInline(admin.TabularInline):
    model = m.Material
    extra = 0
    raw_id_fields = ["subido_por"]


@admin.register(m.Recurso)
class RecursoAdmin(SimpleHistoryAdmin):
    list_display = ["titulo", "tipo", "estado", "entidad", "departamento", "publicado_en"]
    list_filter = ["tipo", "estado", "departamento"]
    search_fields = ["titulo", "resumen"]
    raw_id_fields = ["entidad", "municipio", "oferta", "plan", "experiencia", "propuesto_por", "revisado_por"]
    filter_horizontal = ["temas"]
    inlines = [MaterialInline]
    list_select_related = ["entidad", "departamento"]

    def save_related(self, request, form, formsets, change):
        """Los temas se guardan aquí: después, el vector de búsqueda para que lo editado se encuentre."""
        super().save_related(request, form, formsets, change)
        vector_busqueda([form.instance.pk])


class MiembroInline(admin.TabularInline):
    model = m.MiembroEspacio
    extra = 0
    raw_id_fields = ["usuario"]


@admin.register(m.EspacioComunidad)
class EspacioAdmin(admin.ModelAdmin):
    list_display = ["nombre", "tipo", "tema", "region", "activo"]
    prepopulated_fields = {"slug": ["nombre"]}
    inlines = [MiembroInline]


@admin.register(m.Discusion)
class DiscusionAdmin(SimpleHistoryAdmin):
    list_display = ["titulo", "espacio", "autor", "oculta", "cerrada", "ultima_actividad"]
    list_filter = ["oculta", "cerrada", "espacio"]
    raw_id_fields = ["autor", "seguidores"]
    search_fields = ["titulo"]


@admin.register(m.Respuesta)
class RespuestaAdmin(SimpleHistoryAdmin):
    list_display = ["discusion", "autor", "oculta", "creada"]
    list_filter = ["oculta"]
    raw_id_fields = ["discusion", "autor", "moderada_por"]


@admin.register(m.ReporteAbuso)
class ReporteAdmin(admin.ModelAdmin):
    list_display = ["discusion", "respuesta", "reportado_por", "estado", "creado"]
    list_filter = ["estado"]
    raw_id_fields = ["discusion", "respuesta", "reportado_por"]


class SesionInline(admin.TabularInline):
    model = m.SesionFormacion
    extra = 0


@admin.register(m.Curso)
class CursoAdmin(admin.ModelAdmin):
    list_display = ["nombre", "nivel", "tipo_capacidad", "entidad", "publicado"]
    list_filter = ["nivel", "tipo_capacidad", "publicado"]
    raw_id_fields = ["entidad", "oferta"]
    inlines = [SesionInline]


@admin.register(m.Inscripcion)
class InscripcionAdmin(SimpleHistoryAdmin):
    list_display = ["usuario", "sesion", "estado", "asistio", "solicitada"]
    list_filter = ["estado", "asistio"]
    raw_id_fields = ["sesion", "usuario", "entidad"]


@admin.register(m.Evento)
class EventoAdmin(admin.ModelAdmin):
    list_display = ["nombre", "tipo", "inicio", "cupos"]
    list_filter = ["tipo"]
    raw_id_fields = ["practicas"]


@admin.register(m.PreguntaFrecuente)
class PreguntaAdmin(SimpleHistoryAdmin):
    list_display = ["pregunta", "oferta", "publicada", "orden"]
    raw_id_fields = ["oferta", "actualizada_por"]
