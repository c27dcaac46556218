"""Informe de seguimiento (mensual o corte semestral) en PDF (reportlab) y XLSX (openpyxl).

Tres perspectivas (CONPES 4091 §5.3.3): operación de la asistencia, calidad percibida y resultados
en capacidades. Un informe es único por tipo, periodo y alcance; generarlo de nuevo lo reemplaza por
una versión nueva sin dejar de servir la anterior mientras tanto (ver `generar`).
"""

from __future__ import annotations

import io
import logging
import posixpath
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from att.bloqueos import candado, clave_bloqueo
from att.exportacion import celda_xlsx
from att.models import Entidad, PuntajeMDM
from att.validadores import recortar
from seguimiento import selectors
from seguimiento.models import (
    Asesoria,
    Avance,
    EstadoAvance,
    EstadoInforme,
    EstadoLinea,
    EventoMasivo,
    Hito,
    Indicador,
    InformeMensual,
    Percepcion,
    SuscripcionInforme,
    TipoInforme,
)

log = logging.getLogger(__name__)
MESES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
         "noviembre", "diciembre"]


def sumar_meses(fecha: date, meses: int) -> date:
    total = fecha.year * 12 + fecha.month - 1 + meses
    return date(total // 12, total % 12 + 1, 1)


def mes_anterior(hoy: date | None = None) -> date:
    hoy = hoy or timezone.localdate()
    return sumar_meses(hoy.replace(day=1), -1)


def ventana(tipo: str, periodo: date) -> tuple[date, date]:
    """[desde, hasta) del informe: el mes, o los seis meses que terminan en el mes del corte."""
    hasta = sumar_meses(periodo, 1)
    desde = sumar_meses(periodo, -5) if tipo == TipoInforme.SEMESTRAL else periodo
    return desde, hasta


def nombre_periodo(tipo: str, periodo: date) -> str:
    if tipo == TipoInforme.SEMESTRAL:
        return _("Corte semestral a %(mes)s de %(anio)s") % {"mes": MESES[periodo.month - 1], "anio": periodo.year}
    return _("%(mes)s de %(anio)s") % {"mes": MESES[periodo.month - 1].capitalize(), "anio": periodo.year}


def _entidad_de(alcance: str) -> Entidad | None:
    if alcance.startswith("entidad-"):
        return Entidad.objects.get(pk=int(alcance.split("-", 1)[1]))
    return None


def datos_informe(tipo: str, periodo: date, alcance: str = "nacional") -> dict:
    desde, hasta = ventana(tipo, periodo)
    entidad = _entidad_de(alcance)
    estados = EstadoLinea.objects.all()
    avances = Avance.objects.all()
    hitos = Hito.objects.all()
    percepciones = Percepcion.objects.all()
    indicadores = Indicador.objects.all()
    asesorias = Asesoria.objects.all()
    eventos = EventoMasivo.objects.all()
    if entidad is not None:
        estados = estados.filter(entidad=entidad)
        avances = avances.filter(hito__linea__plan__entidad=entidad)
        hitos = hitos.filter(linea__plan__entidad=entidad)
        percepciones = percepciones.filter(oferente=entidad)
        indicadores = indicadores.filter(entidad=entidad)
        asesorias = asesorias.filter(oferente=entidad)
        eventos = eventos.filter(oferente=entidad)
    umbrales = selectors.ConfiguracionSeguimiento.obtener().umbrales
    en_ventana = Q(fecha_corte__gte=desde, fecha_corte__lt=hasta)
    operacion = {
        "total": selectors.avance_consolidado(estados, umbrales),
        "por_entidad": selectors.avance_por(estados, "entidad", umbrales),
        "por_departamento": selectors.avance_por(estados, "departamento", umbrales),
        "avances": avances.aggregate(
            reportados=Count("pk", filter=en_ventana),
            validados=Count("pk", filter=en_ventana & Q(estado=EstadoAvance.VALIDADO)),
            devueltos=Count("pk", filter=en_ventana & Q(estado=EstadoAvance.DEVUELTO)),
        ),
        "hitos": hitos.aggregate(
            cumplidos=Count("pk", filter=Q(cumplido_en__gte=desde, cumplido_en__lt=hasta)),
            vencidos=Count("pk", filter=Q(fecha_planeada__lt=hasta, avance__lt=100, subhitos__isnull=True)),
        ),
        "asesorias": asesorias.filter(fecha__gte=desde, fecha__lt=hasta).aggregate(n=Count("pk"), participantes=Sum("participantes")),
        "eventos": eventos.filter(fecha__gte=desde, fecha__lt=hasta).aggregate(n=Count("pk"), participantes=Sum("participantes")),
        "indicadores": [
            {"nombre": f["indicador"].nombre, "tipo_acumulacion": f["indicador"].get_tipo_acumulacion_display(),
             "unidad": f["indicador"].unidad, "meta": f["indicador"].meta_cuatrienio, "logro": f["logro"],
             "avance": f["avance"], "logro_anio": f["logro_anio"], "avance_anio": f["avance_anio"]}
            for f in selectors.indicadores_con_avance_de(indicadores, anio=periodo.year, hasta=hasta)
        ],
    }
    calidad = selectors.resumen_percepcion_de(percepciones, desde, hasta)
    anios = list(PuntajeMDM.objects.order_by("-anio").values_list("anio", flat=True).distinct()[:2])
    capacidades = {
        "anio_inicial": anios[-1] if len(anios) == 2 else None,
        "anio_final": anios[0] if len(anios) == 2 else None,
        "grupos": selectors.comparacion_mdm(anios[-1], anios[0]) if len(anios) == 2 else [],
    }
    return {
        "tipo": tipo, "periodo": periodo, "desde": desde, "hasta": hasta, "alcance": alcance,
        "titulo_alcance": str(entidad) if entidad else _("Nacional"),
        "nombre_periodo": nombre_periodo(tipo, periodo),
        "operacion": operacion, "calidad": calidad, "capacidades": capacidades,
    }


def _f(valor, lugares=1) -> str:
    if valor is None:
        return "—"
    if isinstance(valor, (Decimal, float)):
        return f"{valor:,.{lugares}f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return str(valor)


SEMAFORO = {"al_dia": "Al día", "en_riesgo": "En riesgo", "atrasado": "Atrasado", "": "—"}


def tablas(datos: dict) -> list[tuple[str, list[str], list[list]]]:
    """Las tablas del informe (las comparten el PDF y el XLSX)."""
    op, cal, cap = datos["operacion"], datos["calidad"], datos["capacidades"]
    t = op["total"]
    resumen = [
        [_("Avance consolidado (%)"), t["avance"]], [_("Avance esperado (%)"), t["esperado"]],
        [_("Semáforo"), SEMAFORO.get(t["semaforo"], "")], [_("Líneas en seguimiento"), t["lineas"]],
        [_("Líneas al día"), t["al_dia"]], [_("Líneas en riesgo"), t["en_riesgo"]], [_("Líneas atrasadas"), t["atrasado"]],
        [_("Avances reportados en el periodo"), op["avances"]["reportados"]],
        [_("Avances validados en el periodo"), op["avances"]["validados"]],
        [_("Avances devueltos en el periodo"), op["avances"]["devueltos"]],
        [_("Hitos cumplidos en el periodo"), op["hitos"]["cumplidos"]],
        [_("Hitos vencidos sin cumplir"), op["hitos"]["vencidos"]],
        [_("Asesorías"), op["asesorias"]["n"]], [_("Eventos masivos"), op["eventos"]["n"]],
        [_("Participantes"), (op["asesorias"]["participantes"] or 0) + (op["eventos"]["participantes"] or 0)],
    ]
    fila = lambda f: [f["nombre"], f["lineas"], f["avance"], f["esperado"], SEMAFORO.get(f["semaforo"], "")]
    cabeza = [_("Nombre"), _("Líneas"), _("Avance (%)"), _("Esperado (%)"), _("Semáforo")]
    percep = [
        [_("Calificaciones"), cal["n"]], [_("Calidad (1–5)"), cal["calidad"]], [_("Pertinencia (1–5)"), cal["pertinencia"]],
        [_("Oportunidad (1–5)"), cal["oportunidad"]], [_("Insatisfechas (promedio < %(u)s)") % {"u": selectors.numero_corto(cal["umbral"])}, cal["insatisfechas"]],
        [_("Porcentaje insatisfechas"), cal["pct_insatisfechas"]],
    ]
    indic = [[i["nombre"], i["tipo_acumulacion"], i["unidad"], i["meta"], i["logro"], i["avance"], i["logro_anio"], i["avance_anio"]]
             for i in op["indicadores"]]
    capac = [[g["grupo_nombre"], g["n_asistidos"], g["cambio_asistidos"], g["n_no_asistidos"], g["cambio_no_asistidos"], g["diferencia"]]
             for g in cap["grupos"]]
    return [
        (_("1. Operación de la asistencia técnica"), [_("Cifra"), _("Valor")], resumen),
        (_("Avance por entidad oferente"), cabeza, [fila(f) for f in op["por_entidad"]]),
        (_("Avance por departamento"), cabeza, [fila(f) for f in op["por_departamento"]]),
        (_("Indicadores frente a sus metas"), [_("Indicador"), _("Acumulación"), _("Unidad"), _("Meta cuatrienio"),
                                                 _("Logro"), _("Avance (%)"), _("Logro del año"), _("Avance del año (%)")], indic),
        (_("2. Calidad percibida"), [_("Cifra"), _("Valor")], percep),
        (_("3. Resultados en capacidades (cambio MDM %(a)s–%(b)s)") % {"a": cap["anio_inicial"] or "—", "b": cap["anio_final"] or "—"},
         [_("Grupo MDM"), _("Asistidos"), _("Cambio asistidos"), _("No asistidos"), _("Cambio no asistidos"), _("Diferencia")], capac),
    ]


def generar_pdf(datos: dict) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    salida = io.BytesIO()
    doc = SimpleDocTemplate(salida, pagesize=landscape(A4), leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                            title=_("Informe de seguimiento ATT"), author="DNP – ATT", lang="es-CO")
    estilos = getSampleStyleSheet()
    celda = estilos["BodyText"].clone("celda", fontSize=7.5, leading=9)
    historia = [
        Paragraph(_("Informe de seguimiento de la Asistencia Técnica Territorial"), estilos["Title"]),
        Paragraph(f"{datos['nombre_periodo']} · {_('Alcance')}: {datos['titulo_alcance']}", estilos["Heading2"]),
        Paragraph(_("Generado el %(f)s. Perspectivas del CONPES 4091 §5.3.3: operación, calidad percibida y "
                    "resultados en capacidades.") % {"f": timezone.localtime().strftime("%d/%m/%Y %H:%M")}, estilos["BodyText"]),
        Paragraph(str(selectors.REGLA_CONSOLIDACION), estilos["BodyText"]),
    ]
    for titulo, cabeza, filas in tablas(datos):
        historia.append(Spacer(1, 0.4 * cm))
        historia.append(Paragraph(titulo, estilos["Heading3"]))
        if not filas:
            historia.append(Paragraph(_("Sin datos en el periodo."), estilos["BodyText"]))
            continue
        contenido = [[Paragraph(str(c), celda) for c in cabeza]] + [
            [Paragraph(_f(c), celda) for c in f] for f in filas[:2000]
        ]
        tabla = LongTable(contenido, repeatRows=1)
        tabla.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe8f5")),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        historia.append(tabla)
    doc.build(historia)
    return salida.getvalue()


def _celda(valor):
    if isinstance(valor, Decimal):
        return float(valor)
    if valor is None or isinstance(valor, (int, float, str, date)):
        return valor
    return str(valor)  # textos traducibles perezosos y otros objetos


def generar_xlsx(datos: dict) -> bytes:
    from openpyxl import Workbook

    libro = Workbook(write_only=True)
    nombres = ["Resumen", "Entidades", "Departamentos", "Indicadores", "Percepcion", "Capacidades"]
    for nombre, (titulo, cabeza, filas) in zip(nombres, tablas(datos)):
        hoja = libro.create_sheet(nombre)
        hoja.append([str(titulo)])
        hoja.append([str(datos["nombre_periodo"]), str(datos["titulo_alcance"])])
        hoja.append([str(c) for c in cabeza])
        for f in filas:
            hoja.append([celda_xlsx(_celda(c), donde=nombre) for c in f])
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def clave_informe(tipo: str, periodo: date, alcance: str) -> int:
    """Clave del candado consultivo de un informe: una generación a la vez por tipo, periodo y alcance."""
    return clave_bloqueo("seguimiento.informe", tipo, f"{periodo:%Y-%m}", alcance)


def _base(tipo: str, periodo: date, alcance: str) -> str:
    return f"informe-{tipo}-{periodo:%Y-%m}-{alcance}"


def _pausa_de_pruebas() -> None:
    # Solo para las pruebas de integración (matar un worker a mitad de informe); en producción es 0.
    segundos = getattr(settings, "ATT_INFORME_PAUSA_PRUEBAS_S", 0)
    if segundos:
        time.sleep(segundos)


def generar(*, tipo: str = TipoInforme.MENSUAL, periodo: date, alcance: str = "nacional",
            progreso: Callable[[int], None] | None = None, solicitado_en: datetime | None = None) -> InformeMensual:
    """Produce (o reemplaza) el informe del periodo y alcance, con su progreso visible.

    Seguro de correr dos veces:
    - Dos generaciones a la vez del mismo informe: la segunda no hace nada y devuelve la fila como
      está, con `omitido = True` (candado consultivo por tipo, periodo y alcance).
    - Una segunda generación después de terminar la primera produce una versión nueva que
      reemplaza la anterior (regenerar es pedir datos frescos). Con `solicitado_en` (cuándo se
      pidió), no hace nada (`omitido = True`) si el informe ya se generó después de ese momento: un
      mensaje entregado otra vez (o el original que llega tras un relanzamiento) no genera dos veces.
      Si la fila está «en cola», alguien lo pidió después de esa generación, y se genera.
    - Los archivos nuevos se escriben con nombre único y la fila pasa a apuntarlos en un solo
      UPDATE; los anteriores se borran después del commit. Mientras tanto se sigue descargando la
      última versión buena, y si la generación falla, esa versión se conserva.
    """
    with candado(clave_informe(tipo, periodo, alcance)) as propio:
        if not propio:
            informe, _c = InformeMensual.objects.get_or_create(tipo=tipo, periodo=periodo, alcance=alcance)
            informe.omitido = True
            log.info("Informe %s ya se está generando en otro proceso; se omite.", informe)
            return informe
        if solicitado_en is not None:
            informe = InformeMensual.objects.filter(tipo=tipo, periodo=periodo, alcance=alcance).first()
            if (informe is not None and informe.generado_en is not None and informe.generado_en >= solicitado_en
                    and informe.estado != EstadoInforme.PENDIENTE):
                informe.omitido = True
                log.info("Informe %s ya se generó (%s) después de pedirse (%s); se omite.",
                         informe, informe.generado_en, solicitado_en)
                return informe
        try:
            informe = _generar_con_candado(tipo, periodo, alcance, progreso)
        except Exception as exc:
            try:
                marcar_fallido(tipo=tipo, periodo=periodo, alcance=alcance, error=f"{type(exc).__name__}: {exc}")
            except DatabaseError:
                log.exception("No se pudo marcar como fallido el informe %s %s %s", tipo, periodo, alcance)
            raise
    informe.omitido = False
    return informe


def _generar_con_candado(tipo: str, periodo: date, alcance: str,
                         progreso: Callable[[int], None] | None) -> InformeMensual:
    with transaction.atomic():
        informe, _c = InformeMensual.objects.select_for_update().get_or_create(
            tipo=tipo, periodo=periodo, alcance=alcance
        )
        informe.estado, informe.progreso, informe.error = EstadoInforme.GENERANDO, 5, ""
        informe.intentos += 1
        informe.save(update_fields=["estado", "progreso", "error", "intentos", "actualizado"])
    _borrar_huerfanos(informe)

    def avanzar(p: int):
        # El latido (`actualizado`) le dice a revisar_atascados que este proceso sigue vivo.
        InformeMensual.objects.filter(pk=informe.pk).update(progreso=p, actualizado=timezone.now())
        if progreso:
            progreso(p)
        _pausa_de_pruebas()

    _pausa_de_pruebas()
    datos = datos_informe(tipo, periodo, alcance)
    avanzar(40)
    pdf = generar_pdf(datos)
    avanzar(70)
    xlsx = generar_xlsx(datos)
    avanzar(90)
    version = InformeMensual.objects.values_list("version", flat=True).get(pk=informe.pk) + 1
    nuevos = _guardar_version(informe, version, pdf=pdf, xlsx=xlsx)
    t = datos["operacion"]["total"]
    resumen = {
        "avance": str(t["avance"]) if t["avance"] is not None else None, "lineas": t["lineas"],
        "al_dia": t["al_dia"], "en_riesgo": t["en_riesgo"], "atrasado": t["atrasado"],
        "percepciones": datos["calidad"]["n"], "insatisfechas": datos["calidad"]["insatisfechas"],
    }
    almacen = informe.pdf.storage
    try:
        with transaction.atomic():
            anteriores = InformeMensual.objects.select_for_update().values_list("pdf", "xlsx").get(pk=informe.pk)
            ahora = timezone.now()
            InformeMensual.objects.filter(pk=informe.pk).update(
                pdf=nuevos[0], xlsx=nuevos[1], version=version, resumen=resumen, estado=EstadoInforme.LISTO,
                progreso=100, error="", generado_en=ahora, actualizado=ahora, relanzamientos=0,
            )
            viejos = [n for n in anteriores if n and n not in nuevos]
            transaction.on_commit(lambda: _borrar(almacen, viejos))
    except Exception:
        _borrar(almacen, nuevos)  # la fila sigue apuntando a la versión anterior
        raise
    informe.refresh_from_db()
    _avisar_suscriptores(informe, datos)
    return informe


def _guardar_version(informe: InformeMensual, version: int, *, pdf: bytes, xlsx: bytes) -> list[str]:
    """Escribe los archivos de la versión con nombres que nadie más usa: hasta que la fila los apunte
    son invisibles, y el cambio de nombres en la fila hace las veces del «rename» atómico."""
    base = f"{_base(informe.tipo, informe.periodo, informe.alcance)}-v{version}-{uuid.uuid4().hex[:8]}"
    nombres = []
    try:
        for campo, contenido, ext in ((informe.pdf, pdf, "pdf"), (informe.xlsx, xlsx, "xlsx")):
            destino = campo.field.generate_filename(informe, f"{base}.{ext}")
            nombres.append(campo.storage.save(destino, ContentFile(contenido), max_length=campo.field.max_length))
    except Exception:
        _borrar(informe.pdf.storage, nombres)
        raise
    return nombres


def _borrar(almacen, nombres) -> None:
    for nombre in nombres:
        try:
            almacen.delete(nombre)
        except OSError:
            log.warning("No se pudo borrar el archivo de informe %s", nombre, exc_info=True)


def _borrar_huerfanos(informe: InformeMensual) -> None:
    """Borra versiones de este informe que ninguna fila apunta (un proceso que murió entre escribir
    los archivos y cambiar la fila). Solo se llama con el candado del informe tomado."""
    almacen = informe.pdf.storage
    carpeta = posixpath.dirname(informe.pdf.field.generate_filename(informe, "x"))
    prefijo = f"{_base(informe.tipo, informe.periodo, informe.alcance)}-v"
    try:
        _carpetas, archivos = almacen.listdir(carpeta)
    except (FileNotFoundError, NotImplementedError):
        return
    vigentes = {informe.pdf.name, informe.xlsx.name}
    _borrar(almacen, [f"{carpeta}/{a}" for a in archivos if a.startswith(prefijo) and f"{carpeta}/{a}" not in vigentes])


def _avisar_suscriptores(informe: InformeMensual, datos: dict) -> None:
    from att.notificaciones import notificar

    usuarios = [s.usuario for s in SuscripcionInforme.objects.filter(
        alcance=informe.alcance, activa=True, usuario__is_active=True).select_related("usuario")]
    if not usuarios:
        return
    notificar(
        usuarios=usuarios, categoria="seguimiento", puede_ver=lambda u: u.has_perm("seguimiento.ver"),
        titulo=_("Informe de seguimiento listo: %(p)s (%(a)s)") % {"p": datos["nombre_periodo"], "a": datos["titulo_alcance"]},
        mensaje=_("Descárguelo en PDF o XLSX desde la página de informes."),
        url="/seguimiento/informes/", clave=f"informe-{informe.pk}-v{informe.version}",
    )


def marcar_fallido(*, tipo: str, periodo: date, alcance: str, error: str) -> None:
    """Deja el informe como fallido con el error; la última versión buena (si la hay) se sigue descargando."""
    InformeMensual.objects.filter(tipo=tipo, periodo=periodo, alcance=alcance).update(
        estado=EstadoInforme.FALLIDO, error=recortar(error, InformeMensual._meta.get_field("error").max_length),
        actualizado=timezone.now(),
    )


def revisar_atascados(*, ahora: datetime | None = None) -> dict:
    """Encuentra informes «generándose» cuyo latido se quedó viejo y cuyo candado está libre (el
    proceso que los generaba murió) y los relanza, hasta ATT_INFORME_RELANZAMIENTOS_MAX veces; después
    los marca como fallidos. Si el candado está tomado, el proceso sigue vivo y no se toca."""
    ahora = ahora or timezone.now()
    sin_latido = timedelta(minutes=settings.ATT_INFORME_ATASCADO_MIN)
    maximo = settings.ATT_INFORME_RELANZAMIENTOS_MAX
    candidatos = InformeMensual.objects.filter(
        Q(estado=EstadoInforme.GENERANDO, actualizado__lt=ahora - sin_latido)
        # Un relanzamiento que sigue en cola puede estar esperando detrás de tareas largas: solo se da
        # por perdido (el mensaje no llegó) pasado el visibility_timeout del broker, cuando Redis ya
        # habría devuelto a la cola un mensaje tomado y no confirmado.
        | Q(estado=EstadoInforme.PENDIENTE, relanzamientos__gt=0,
            actualizado__lt=ahora - max(sin_latido, timedelta(seconds=settings.ATT_VISIBILITY_TIMEOUT_S)))
    )
    resultado = {"relanzados": 0, "fallidos": 0, "vivos": 0}
    relanzar = []
    for informe in candidatos.order_by("pk")[:200]:
        with candado(clave_informe(informe.tipo, informe.periodo, informe.alcance)) as libre:
            if not libre:
                resultado["vivos"] += 1
                continue
            mismo = InformeMensual.objects.filter(pk=informe.pk, estado=informe.estado, actualizado=informe.actualizado)
            if informe.relanzamientos >= maximo:
                error = _("La generación se interrumpió %(n)s veces sin terminar (el proceso se detuvo). "
                          "Se conserva la versión anterior; revise el worker de Celery y vuelva a generarlo.") % {
                    "n": informe.relanzamientos + 1}
                if mismo.update(estado=EstadoInforme.FALLIDO, error=error, relanzamientos=0, actualizado=ahora):
                    resultado["fallidos"] += 1
                continue
            if mismo.update(estado=EstadoInforme.PENDIENTE, progreso=0, actualizado=ahora,
                            relanzamientos=F("relanzamientos") + 1):
                relanzar.append(informe)
    for informe in relanzar:  # ya sin el candado: la tarea relanzada lo toma
        _relanzar(informe)
        resultado["relanzados"] += 1
    return resultado


def _relanzar(informe: InformeMensual) -> None:
    from att.salida import encolar

    tarea = ("seguimiento.generar_corte_semestral" if informe.tipo == TipoInforme.SEMESTRAL
             else "seguimiento.generar_informe_mensual")
    log.warning("Informe %s atascado: se relanza (relanzamiento %s).", informe, informe.relanzamientos + 1)
    periodo = f"{informe.periodo:%Y-%m}"
    # La misma clave que usan la página, el admin y el comando: si ya hay un pedido sin publicar, es ese.
    encolar(tarea, periodo, informe.alcance, clave=f"{tarea}:{periodo}:{informe.alcance}",
            solicitado_en=timezone.now().isoformat())
