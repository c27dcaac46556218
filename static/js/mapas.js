/* Mapas: mejora progresiva. Sin JavaScript el mapa SVG ya funciona (cada territorio es un enlace con
   su <title>, y la tabla trae las cifras). Con él: botones para acercar, alejar y ver todo, arrastrar
   para mover el mapa acercado y un rótulo que dice el territorio y su cifra al pasar el puntero o el
   foco del teclado (lo anuncia también el lector de pantalla). Sin estilos ni scripts en línea (CSP). */
(function () {
  "use strict";
  if (window.attMapas) { return; }
  window.attMapas = true;

  function caja(svg) {
    return svg.getAttribute("viewBox").split(/\s+/).map(Number);
  }

  function poner(svg, c) {
    svg.setAttribute("viewBox", c.map(function (n) { return n.toFixed(1); }).join(" "));
  }

  function preparar(figura) {
    var svg = figura.querySelector("svg.mapa-svg");
    if (!svg || svg.dataset.mejorado) { return; }
    svg.dataset.mejorado = "1";
    var original = caja(svg);
    var barra = document.createElement("div");
    barra.className = "mapa-controles";
    var rotulo = document.createElement("p");
    rotulo.className = "mapa-rotulo";
    rotulo.setAttribute("aria-live", "polite");
    var pista = svg.closest(".mapa-contenedor").dataset.pista || "";
    rotulo.textContent = pista;

    function boton(texto, accion) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "boton";
      b.textContent = texto;
      b.addEventListener("click", accion);
      barra.appendChild(b);
    }

    function zoom(factor) {
      var c = caja(svg);
      var cx = c[0] + c[2] / 2, cy = c[1] + c[3] / 2;
      var w = Math.min(original[2], Math.max(original[2] / 12, c[2] * factor));
      var h = w * c[3] / c[2];
      poner(svg, [cx - w / 2, cy - h / 2, w, h]);
    }

    var contenedor = svg.closest(".mapa-contenedor").dataset;
    boton(contenedor.textoAcercar || "+", function () { zoom(1 / 1.5); });
    boton(contenedor.textoAlejar || "−", function () { zoom(1.5); });
    boton(contenedor.textoTodo || "↺", function () { poner(svg, original); });
    svg.parentNode.insertBefore(barra, svg);
    svg.parentNode.insertBefore(rotulo, svg.nextSibling);

    function decir(evento) {
      var objetivo = evento.target.closest("a, path");
      if (!objetivo) { return; }
      var camino = objetivo.tagName.toLowerCase() === "a" ? objetivo.querySelector("path") : objetivo;
      var titulo = camino && camino.querySelector("title");
      if (titulo) { rotulo.textContent = titulo.textContent; }
    }
    svg.addEventListener("pointerover", decir);
    svg.addEventListener("focusin", decir);
    svg.addEventListener("pointerleave", function () { rotulo.textContent = pista; });

    // Arrastrar para mover (solo cuando está acercado; un clic sin mover sigue abriendo el enlace).
    var inicio = null, movido = false;
    svg.addEventListener("pointerdown", function (e) {
      if (caja(svg)[2] >= original[2]) { return; }
      inicio = { x: e.clientX, y: e.clientY, c: caja(svg) };
      movido = false;
    });
    svg.addEventListener("pointermove", function (e) {
      if (!inicio) { return; }
      var escala = inicio.c[2] / svg.getBoundingClientRect().width;
      var dx = (e.clientX - inicio.x) * escala, dy = (e.clientY - inicio.y) * escala;
      if (Math.abs(dx) + Math.abs(dy) > 2 * escala) { movido = true; }
      poner(svg, [inicio.c[0] - dx, inicio.c[1] - dy, inicio.c[2], inicio.c[3]]);
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (n) {
      svg.addEventListener(n, function () { inicio = null; });
    });
    svg.addEventListener("click", function (e) {
      if (movido) { e.preventDefault(); movido = false; }
    }, true);
  }

  function iniciar() {
    Array.prototype.forEach.call(document.querySelectorAll(".mapa-figura"), preparar);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", iniciar);
  } else {
    iniciar();
  }
})();
