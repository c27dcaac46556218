"""Herramienta de los recorridos por rol (tests/e2e/test_recorridos.py): un contexto de Chromium
nuevo por recorrido y por dispositivo, y en cada página visitada

- axe-core (del paquete axe-playwright-python, que lo trae de npm): 0 infracciones graves o críticas;
- los bytes transferidos sin caché: la suma de los cuerpos de respuesta (tal como viajaron) del
  documento y de sus recursos, ≤ 30 KiB, medida con Resource Timing en la página. Nada sale de la
  caché: el contexto es nuevo, con `context.route` activo Playwright desactiva la caché HTTP, se le
  pide además a Chromium por CDP, y un recurso con transferSize 0 (de caché) es un problema;
- ninguna petición a otro servidor que el de la prueba: se aborta (`context.route`) y se anota;
- ninguna respuesta 4xx/5xx, error de JavaScript ni mensaje de error de la consola (p. ej. la CSP);
- nada más ancho que la ventana (sin desplazamiento horizontal, sobre todo en el teléfono);
- una captura de página completa en var/capturas/recorrido-<rol>-<paso>-<dispositivo>.png.

El servidor (`servidor_como_produccion`) sirve los estáticos como producción: WhiteNoise con los
archivos reunidos y comprimidos (collectstatic con CompressedStaticFilesStorage) y el HTML con
GZipMiddleware. El `live_server` de pytest-django los serviría sin comprimir (StaticFilesHandler), y
la cifra no sería la que recibe una persona.

Cada página se verifica con `Recorrido.paso(nombre)` después de llegar a ella; al final,
`Recorrido.terminar()` falla si alguna página visitada no se verificó o si hubo algún problema, y
deja las cifras en var/capturas/recorrido-<rol>-<dispositivo>.json (para el informe)."""

import json
import re
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from tests import factories
from tests.conftest import verificar_mfa

CAPTURAS = Path(__file__).resolve().parents[2] / "var" / "capturas"
AXE = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
TOPE_BYTES = 30 * 1024
# Lo que midió el navegador para la página abierta (Resource Timing, síncrono con el documento: los
# eventos `requestfinished` de Playwright pueden llegar después de «load» y dejar fuera un recurso).
# `encodedBodySize` es el cuerpo tal como viajó (comprimido), el mismo número que `request.sizes()`.
MEDIR = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const entradas = [nav, ...performance.getEntriesByType('resource')].map(e => ({
    url: e.name, tipo: e.initiatorType, cuerpo: e.encodedBodySize, transferido: e.transferSize}));
  return {entradas, estado: nav.responseStatus, carga: Math.round(nav.duration)};
}"""
DISPOSITIVOS = {
    "escritorio": {"viewport": {"width": 1366, "height": 900}},
    "telefono": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@dataclass
class Pagina:
    paso: str
    url: str
    estado: int
    bytes_cuerpo: int
    bytes_cabeceras: int
    peticiones: int
    carga_ms: int
    axe: list[str] = field(default_factory=list)
    captura: str = ""
    detalle: list[str] = field(default_factory=list)  # «bytes tipo url» de cada respuesta contada


def servidor_como_produccion(destino: Path):
    """Arranca un servidor en vivo (hilo) cuyos estáticos sirve WhiteNoise, comprimidos, desde
    `destino`; devuelve el hilo (`hilo.port`, `hilo.terminate()`)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings
    from django.test.testcases import LiveServerThread

    almacenes = {**settings.STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}
    with override_settings(STATIC_ROOT=destino, STORAGES=almacenes):
        call_command("collectstatic", interactive=False, verbosity=0)
    # WhiteNoise lee la configuración al crearse el manejador, dentro de `start()`; sin manejador de
    # estáticos propio del hilo, /static/ llega al middleware como en producción.
    with override_settings(STATIC_ROOT=destino, WHITENOISE_AUTOREFRESH=False, WHITENOISE_USE_FINDERS=False):
        hilo = LiveServerThread("localhost", static_handler=lambda aplicacion: aplicacion)
        hilo.daemon = True
        hilo.start()
        hilo.is_ready.wait()
    if hilo.error:
        raise hilo.error
    return hilo


class Recorrido:
    def __init__(self, navegador, base: str, rol: str, dispositivo: str):
        self.base, self.rol, self.dispositivo = base, rol, dispositivo
        self.origen = urlsplit(base).netloc
        self.contexto = navegador.new_context(locale="es-CO", **DISPOSITIVOS[dispositivo])
        self.externas: list[str] = []
        self.problemas: list[str] = []
        self.paginas: list[Pagina] = []
        self._navegadas: list[str] = []  # URLs de documento de la pestaña desde el último paso
        self.contexto.route("**/*", self._filtrar)
        self.pagina = self.contexto.new_page()
        self.pagina.set_default_timeout(15000)
        self.pagina.base = base
        cdp = self.contexto.new_cdp_session(self.pagina)
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.pagina.on("requestfailed", self._fallida)
        self.pagina.on("response", self._respuesta)
        self.pagina.on("pageerror", lambda e: self.problemas.append(f"Error de JavaScript en {self.pagina.url}: {e}"))
        self.pagina.on("console", self._consola)
        self.pagina.on("framenavigated", self._navegada)
        CAPTURAS.mkdir(parents=True, exist_ok=True)

    # --- Eventos del navegador ---------------------------------------------------------------
    def _filtrar(self, route):
        url = route.request.url
        partes = urlsplit(url)
        if partes.scheme in ("data", "blob", "about") or partes.netloc == self.origen:
            route.continue_()
        else:
            self.externas.append(url)
            route.abort("blockedbyclient")

    def _fallida(self, peticion):
        if urlsplit(peticion.url).netloc == self.origen:
            self.problemas.append(f"Petición fallida {peticion.url}: {peticion.failure}")

    def _respuesta(self, respuesta):
        if respuesta.status >= 400:
            self.problemas.append(f"HTTP {respuesta.status} en {respuesta.url}")

    def _consola(self, mensaje):
        if mensaje.type == "error":
            self.problemas.append(f"Consola en {self.pagina.url}: {mensaje.text}")

    def _navegada(self, marco):
        if marco == self.pagina.main_frame:
            self._navegadas.append(marco.url)

    # --- Lo que usa cada recorrido -----------------------------------------------------------
    def ir(self, ruta: str, paso: str):
        """Abre `ruta` (relativa al servidor) y la verifica como `paso`."""
        respuesta = self.pagina.goto(self.base + ruta)
        assert respuesta is not None and respuesta.status == 200, f"{ruta}: HTTP {respuesta and respuesta.status}"
        return self.paso(paso)

    def ingresar(self, email: str, clave: str = factories.CLAVE, paso: str = "ingreso"):
        """Entra por el formulario como una persona (verificando también la página de ingreso y, si
        la cuenta lo exige, la del segundo factor)."""
        from att import mfa
        from att.models import Usuario

        usuario = Usuario.objects.get(email__iexact=email)
        self.ir("/ingresar/", paso)
        self.pagina.get_by_label("Correo electrónico").fill(email)
        self.pagina.get_by_label("Contraseña").fill(clave)
        self.pagina.get_by_role("button", name="Ingresar").click()
        self.pagina.wait_for_load_state()
        if "/cuenta/mfa/verificar/" in self.pagina.url and mfa.requiere_mfa(usuario):
            self.paso(paso + "-verificacion")
            verificar_mfa(self.pagina, usuario)

    def paso(self, nombre: str) -> Pagina:
        """Verifica la página que está abierta: axe, bytes, captura. Los problemas se anotan (y
        `terminar` falla con todos) para ver el recorrido entero aunque una página falle."""
        p = self.pagina
        # Sin red por 500 ms: también lo que llega después de «load» (el ícono, lo que pida el JavaScript).
        p.wait_for_load_state("networkidle")
        numero = f"{len(self.paginas) + 1:02d}"
        medida = p.evaluate(MEDIR)
        cuerpo = sum(e["cuerpo"] for e in medida["entradas"])
        cabeceras = sum(max(e["transferido"] - e["cuerpo"], 0) for e in medida["entradas"])
        detalle = [f"{e['cuerpo']} {e['tipo']} {e['url'].removeprefix(self.base)}" for e in medida["entradas"]]
        # transferSize 0 con cuerpo: vino de una caché (no debería: contexto nuevo y caché desactivada).
        de_cache = [e["url"] for e in medida["entradas"] if e["transferido"] == 0 and e["cuerpo"] > 0]
        pagina = Pagina(paso=f"{numero}-{nombre}", url=p.url.removeprefix(self.base), estado=medida["estado"],
                        bytes_cuerpo=cuerpo, bytes_cabeceras=cabeceras, peticiones=len(medida["entradas"]),
                        carga_ms=medida["carga"], detalle=detalle)
        if de_cache:
            self.problemas.append(f"{pagina.url} ({pagina.paso}): recursos servidos de caché {de_cache}")
        pagina.axe = self._axe()
        # Sin desplazamiento horizontal: en el teléfono, nada más ancho que la pantalla.
        desborde = p.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if desborde > 0:
            self.problemas.append(f"{pagina.url} ({pagina.paso}) se desborda {desborde} px a lo ancho")
        ruta = CAPTURAS / f"recorrido-{self.rol}-{pagina.paso}-{self.dispositivo}.png"
        p.screenshot(path=str(ruta), full_page=True)
        pagina.captura = ruta.name
        if pagina.axe:
            self.problemas.append(f"axe en {pagina.url} ({pagina.paso}): {pagina.axe}")
        if cuerpo > TOPE_BYTES:
            self.problemas.append(f"{pagina.url} ({pagina.paso}) transfiere {cuerpo} bytes > {TOPE_BYTES}")
        if pagina.estado != 200:
            self.problemas.append(f"{pagina.url} ({pagina.paso}) respondió {pagina.estado}")
        self.paginas.append(pagina)
        self._navegadas.clear()
        return pagina

    def terminar(self):
        """Falla si quedó una página sin verificar o si hubo algún problema; guarda las cifras."""
        sin_verificar = [u for u in self._navegadas if u.startswith(self.base)]
        if sin_verificar:
            self.problemas.append(f"Páginas visitadas sin verificar con paso(): {sin_verificar}")
        if self.externas:
            self.problemas.append(f"Peticiones a otros servidores (abortadas): {self.externas}")
        self.guardar()
        assert self.problemas == [], "\n".join(self.problemas)

    def guardar(self):
        datos = {"rol": self.rol, "dispositivo": self.dispositivo, "paginas": [asdict(p) for p in self.paginas],
                 "externas": self.externas, "problemas": self.problemas}
        (CAPTURAS / f"recorrido-{self.rol}-{self.dispositivo}.json").write_text(
            json.dumps(datos, ensure_ascii=False, indent=1), encoding="utf-8")

    def cerrar(self):
        self.contexto.close()

    # --- Internos ----------------------------------------------------------------------------
    def _axe(self) -> list[str]:
        """Inyecta axe-core evaluando su texto (la CSP bloquearía un <script> en línea) y lo corre."""
        self.pagina.evaluate(AXE + "\n;undefined")
        resultado = self.pagina.evaluate("async () => await axe.run(document, {resultType: ['violations']})")
        return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
                for v in resultado["violations"] if v["impact"] in ("serious", "critical")]


def sin_tildes(texto: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", texto) if unicodedata.category(c) != "Mn")


def texto_normalizado(texto: str) -> str:
    return re.sub(r"\s+", " ", texto).strip()
