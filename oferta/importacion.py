"""Importación de ofertas: solo el mapeo de columnas. Lectura, errores por fila, ensayo, confirmación
reclamada una vez, escritura idempotente y en segundo plano están en `att.importacion` (la misma
tubería de demandas y líneas de plan); la validación de cada oferta es la del servicio
(`services.oferta_validar`, la misma del formulario). Cada fila crea un borrador de una entidad por
la que actúa quien importa; una importación nunca cambia ofertas existentes.

Los catálogos se escriben por código o por nombre (sin tildes ni mayúsculas, o un comienzo que no
sea ambiguo), separados por «;» (o comas); una modalidad que es un canal («Virtual») se toma como
canal con un aviso. Departamentos y la lista explícita de entidades, por código DIVIPOLA o por
nombre (el nomenclátor de `att.lugares`, que no adivina).

Historia: las importaciones anteriores (`oferta.ImportacionOferta`, con django-import-export) se
conservan de solo lectura como historial; no se migran ni se pueden confirmar.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from att import importacion as imp
from att import permisos
from att.lugares import LugarNoResuelto, Nomenclator
from att.models import (
    Canal,
    Capacidad,
    CategoriaLey617,
    Departamento,
    DescriptorTematico,
    Entidad,
    Estructura,
    EtapaCiclo,
    GrupoMDM,
    Modalidad,
    NivelCapacidad,
    Rol,
    Tema,
    TipoEntidad,
)

from . import rules as reglas
from . import services
from .models import PublicoObjetivo

COLUMNAS = {
    "entidad": ("entidad oferente", "oferente", "sigla"),
    "cooferentes": ("entidades cooferentes", "cooferente"),
    "nombre": ("nombre de la oferta", "oferta"),
    "necesidad": ("necesidad que atiende",),
    "descripcion": ("descripción",),
    "descriptores": ("descriptor", "descriptores temáticos"),
    "temas": ("tema",),
    "capacidades": ("capacidad", "capacidades que fortalece"),
    "niveles_capacidad": ("nivel de capacidad", "niveles"),
    "etapas": ("etapa", "etapa del ciclo", "etapas del ciclo"),
    "modalidades": ("modalidad",),
    "canal": ("canales",),
    "estructura": (),
    "continua": ("oferta continua",),
    "dirigida_a_alcaldias": ("dirigida a alcaldías", "alcaldias"),
    "dirigida_a_gobernaciones": ("dirigida a gobernaciones", "gobernaciones"),
    "focaliza_departamentos": ("departamentos", "departamentos focalizados"),
    "focaliza_categorias": ("categorias", "categorías ley 617"),
    "focaliza_grupos_mdm": ("grupos mdm",),
    "solo_pdet": ("pdet",),
    "solo_zomac": ("zomac",),
    "focaliza_entidades": ("entidades focalizadas", "lista explícita", "municipios"),
    "publico_objetivo": ("público objetivo", "publico"),
    "bienes_entregados": ("bienes que entrega",),
    "requisitos": (),
    "cronograma": (),
    "cupos": (),
    "alineacion_pnd": ("alineación pnd", "alineacion con el pnd"),
    "contacto_nombre": ("nombre de contacto", "contacto"),
    "contacto_email": ("correo de contacto", "correo", "email"),
    "contacto_telefono": ("teléfono de contacto", "telefono"),
    "vigencia_desde": ("vigente desde", "desde"),
    "vigencia_hasta": ("vigente hasta", "hasta"),
}
OBLIGATORIAS = ("nombre", "necesidad", "descripcion", "descriptores", "temas", "capacidades", "etapas",
                "modalidades", "contacto_nombre", "contacto_email", "vigencia_desde")
TEXTOS = ("nombre", "necesidad", "descripcion", "bienes_entregados", "requisitos", "cronograma", "alineacion_pnd",
          "contacto_nombre", "contacto_email", "contacto_telefono")
SI_NO = {"continua": True, "dirigida_a_alcaldias": True, "dirigida_a_gobernaciones": True, "solo_pdet": False,
         "solo_zomac": False}


def _entidades_oferentes() -> list[tuple[str, str, Entidad]]:
    return [(e.sigla or f"#{e.pk}", e.nombre, e) for e in Entidad.objects.exclude(tipo__in=TipoEntidad.territoriales())]


class ImportadorOfertas(imp.Importador):
    tipo = "ofertas"
    titulo = _("Importar ofertas")
    columnas = COLUMNAS
    obligatorias = OBLIGATORIAS
    # Las etiquetas que la exportación pone junto a los códigos (`oferta.exportacion`): se ignoran sin aviso.
    solo_lectura = ("entidad_nombre", "cooferentes_nombres", "descriptores_nombres", "temas_nombres",
                    "capacidades_nombres", "etapas_nombres", "modalidades_nombres", "focaliza_departamentos_nombres",
                    "canal_nombre", "estructura_nombre", "focaliza_categorias_nombres", "focaliza_grupos_mdm_nombres",
                    "publico_objetivo_nombres", "focaliza_entidades_nombres", "publicada_en")

    def permitir(self):
        if not self.por.has_perm("oferta.importar"):
            raise PermissionDenied(_("Solo un oferente puede importar ofertas."))

    def preparar(self):
        self.lugares = Nomenclator.cargar()
        self.catalogos_m2m = {
            "descriptores": imp.Catalogo.de_modelo(_("descriptores"), DescriptorTematico, filtro={}),
            "temas": imp.Catalogo.de_modelo(_("temas"), Tema, filtro={}),
            "capacidades": imp.Catalogo.de_modelo(_("capacidades"), Capacidad, filtro={}),
            "niveles_capacidad": imp.Catalogo.de_modelo(_("niveles de capacidad"), NivelCapacidad, filtro={}),
            "etapas": imp.Catalogo.de_modelo(_("etapas del ciclo"), EtapaCiclo, filtro={}),
        }
        self.modalidades = imp.Catalogo.de_modelo(_("modalidades"), Modalidad, filtro={})
        self.canales = imp.Catalogo.de_modelo(_("canales"), Canal, filtro={})
        self.opciones_lista = {
            "focaliza_categorias": imp.Catalogo.de_opciones(_("categorías Ley 617"), CategoriaLey617),
            "focaliza_grupos_mdm": imp.Catalogo.de_opciones(_("grupos MDM"), GrupoMDM),
            "publico_objetivo": imp.Catalogo.de_opciones(_("público objetivo"), PublicoObjetivo),
        }
        self.estructuras = imp.Catalogo.de_opciones(_("estructuras"), Estructura)
        self.departamentos = {d.codigo: d for d in Departamento.objects.all()}
        self.entidades = imp.Catalogo(_("entidades"), _entidades_oferentes())
        territoriales = list(Entidad.objects.filter(tipo__in=TipoEntidad.territoriales(), activa=True)
                             .only("id", "nombre", "tipo", "municipio_id", "departamento_id"))
        self.alcaldias = {e.municipio_id: e for e in territoriales if e.tipo == TipoEntidad.ALCALDIA}
        self.gobernaciones = {e.departamento_id: e for e in territoriales if e.tipo == TipoEntidad.GOBERNACION}
        propias = list(permisos.entidades_de(self.por, [Rol.OFERENTE])[:2])
        self.por_defecto = propias[0] if len(propias) == 1 else None
        self.oferente_de: dict[int, bool] = {}

    def _departamentos(self, valor):
        codigos = []
        for parte in [p.strip() for p in imp.texto(valor).replace(",", ";").split(";") if p.strip()]:
            try:
                codigos.append(self.lugares.departamento(parte))
            except LugarNoResuelto as e:
                raise imp.ErrorFila(e.mensaje, sugerencia=e.sugerencia, candidatos=e.candidatos) from None
        return [self.departamentos[c] for c in dict.fromkeys(codigos) if c in self.departamentos]

    def _territoriales(self, valor):
        entidades, faltan = [], []
        for parte in [p.strip() for p in imp.texto(valor).replace(",", ";").split(";") if p.strip()]:
            parte = parte.removesuffix(".0")
            try:
                if parte.isdigit() and len(parte) <= 2:
                    entidad = self.gobernaciones.get(self.lugares.departamento(parte))
                else:
                    entidad = self.alcaldias.get(self.lugares.municipio(parte))
            except LugarNoResuelto as e:
                raise imp.ErrorFila(e.mensaje, sugerencia=e.sugerencia, candidatos=e.candidatos) from None
            if entidad is None:
                faltan.append(parte)
            else:
                entidades.append(entidad)
        if faltan:
            raise imp.ErrorFila(_("No hay alcaldía ni gobernación activa para: %(c)s.") % {"c": ", ".join(faltan)})
        return list(dict.fromkeys(entidades))

    def validar(self, fila, numero):
        errores, datos = [], {}

        def campo(nombre, funcion):
            try:
                datos[nombre] = funcion()
            except imp.ErrorFila as e:
                e.columna = e.columna or nombre
                errores.append(e)

        def lleno(nombre):
            return bool(imp.texto(fila.get(nombre)))

        for nombre in TEXTOS:
            datos[nombre] = imp.texto(fila.get(nombre))
        for nombre, catalogo in self.catalogos_m2m.items():
            campo(nombre, lambda c=catalogo, n=nombre: c.varios(fila.get(n)))
        for nombre, catalogo in self.opciones_lista.items():
            campo(nombre, lambda c=catalogo, n=nombre: c.varios(fila.get(n)))
        for nombre, defecto in SI_NO.items():
            campo(nombre, lambda n=nombre, d=defecto: imp.si_no(fila.get(n), defecto=d))
        campo("vigencia_desde", lambda: imp.fecha(fila.get("vigencia_desde")))
        campo("vigencia_hasta", lambda: imp.fecha(fila.get("vigencia_hasta")))
        campo("cupos", lambda: imp.numero(fila.get("cupos"), entero=True))
        if lleno("estructura"):
            campo("estructura", lambda: self.estructuras.resolver(fila["estructura"]))
        campo("focaliza_departamentos", lambda: self._departamentos(fila.get("focaliza_departamentos")))
        campo("focaliza_entidades", lambda: self._territoriales(fila.get("focaliza_entidades")))
        campo("cooferentes", lambda: self.entidades.varios(fila.get("cooferentes")))
        canal = None
        if lleno("canal"):
            try:
                canal = self.canales.resolver(fila["canal"])
            except imp.ErrorFila as e:
                e.columna = "canal"
                errores.append(e)
        modalidades = []
        for parte in [p.strip() for p in imp.texto(fila.get("modalidades")).replace(",", ";").split(";") if p.strip()]:
            try:
                modalidad, canal_vecino, aviso = imp.con_vecino(parte, self.modalidades, self.canales)
            except imp.ErrorFila as e:
                e.columna = "modalidades"
                errores.append(e)
                continue
            if modalidad is not None:
                modalidades.append(modalidad)
            elif canal_vecino is not None:
                canal = canal or canal_vecino
                self.aviso(numero, aviso)
        datos["modalidades"] = list(dict.fromkeys(modalidades))
        datos["canal"] = canal
        entidad = None
        try:
            entidad = self.entidades.resolver(fila["entidad"]) if lleno("entidad") else self.por_defecto
            if entidad is None:
                raise imp.ErrorFila(_("Indique la entidad oferente (sigla o nombre): usted actúa por varias."))
        except imp.ErrorFila as e:
            e.columna = "entidad"
            errores.append(e)
        if entidad is not None:
            if entidad.pk not in self.oferente_de:
                self.oferente_de[entidad.pk] = reglas.es_oferente_de(self.por, entidad)
            if not self.oferente_de[entidad.pk]:
                errores.append(imp.ErrorFila(_("usted no actúa como oferente por %(e)s.") % {"e": entidad},
                                             columna="entidad"))
        try:  # la validación del servicio, también con errores previos: todos los motivos de la fila a la vez
            validada = services.oferta_validar(por=self.por, entidad=entidad, datos=datos)
        except ValidationError as e:
            ya = {err.columna for err in errores}
            errores.extend(err for err in imp.errores_de_validacion(e) if err.columna not in ya)
        if errores:
            raise imp.ErroresFila(errores)
        return validada

    def escribir(self, validos, importacion=None):
        """Los borradores con su historial, sus catálogos, su transición y su vector de búsqueda, en la
        transacción de la importación (todo o nada)."""
        from .models import EstadoOferta, TransicionOferta

        motivo = _("Importada desde un archivo.")
        if importacion is not None:
            motivo = _("Importada desde «%(a)s».") % {"a": importacion.nombre_archivo[:200]}
        creadas = []
        for oferta, m2m in validos:
            oferta._history_user = self.por
            oferta.save()
            services._guardar_m2m(oferta, m2m)
            creadas.append(oferta.pk)
        TransicionOferta.objects.bulk_create([
            TransicionOferta(oferta_id=pk, de_estado="", a_estado=EstadoOferta.BORRADOR, por=self.por, motivo=motivo)
            for pk in creadas])
        services.actualizar_busqueda(creadas)
        return len(creadas)

    def url_destino(self, importacion):
        return "/oferta/mis-ofertas/"

    ejemplo: ClassVar[dict] = {
        "nombre": "Asesoría en el plan indicativo", "necesidad": "Planes sin metas medibles",
        "descripcion": "Acompañamiento remoto para formular el plan indicativo",
        "descriptores": "gestion-publica", "temas": "planeacion;plan-indicativo", "capacidades": "planeacion",
        "etapas": "planeacion", "modalidades": "asesoria;asistencia-remota", "canal": "virtual",
        "estructura": "centralizada", "continua": "sí", "focaliza_departamentos": "Antioquia;Valle",
        "focaliza_grupos_mdm": "G4;G5", "publico_objetivo": "planeacion", "cupos": 40,
        "contacto_nombre": "Ana Pérez", "contacto_email": "ana@entidad.gov.co", "vigencia_desde": "2026-01-01",
    }

    def catalogos(self):
        def de(modelo, **filtro):
            return [(o.codigo, o.nombre) for o in modelo.objects.filter(**filtro).order_by("nombre")]

        return {"descriptores": de(DescriptorTematico), "temas": de(Tema), "capacidades": de(Capacidad),
                "niveles_capacidad": de(NivelCapacidad), "etapas": de(EtapaCiclo), "modalidades": de(Modalidad),
                "canal": de(Canal), "estructura": list(Estructura.choices),
                "focaliza_departamentos": de(Departamento), "focaliza_categorias": list(CategoriaLey617.choices),
                "focaliza_grupos_mdm": list(GrupoMDM.choices), "publico_objetivo": list(PublicoObjetivo.choices),
                "continua": [("sí", _("sí")), ("no", _("no"))]}
