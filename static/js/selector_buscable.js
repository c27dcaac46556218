/* Selectores buscables (att/widgets.py): muestra el campo de filtro de cada contenedor
   [data-selector-buscable] y esconde las opciones (casillas u <option>) cuyo texto no contiene lo
   escrito, sin tildes ni mayúsculas («narino» encuentra «Nariño»). Un contador aria-live dice cuántas
   quedan. Mejora progresiva: sin JavaScript el filtro sigue oculto y el formulario funciona igual.
   Las opciones marcadas o elegidas nunca se esconden. */
(function () {
  "use strict";

  function normalizar(texto) {
    return (texto || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function preparar(contenedor) {
    var filtro = contenedor.querySelector(".selector-buscable__filtro");
    var campo = contenedor.querySelector(".selector-buscable__texto");
    var conteo = contenedor.querySelector(".selector-buscable__conteo");
    var lista = contenedor.querySelector("select");
    var plantilla = contenedor.getAttribute("data-texto-conteo") || "{n} / {total}";
    if (!filtro || !campo) { return; }

    function opciones() {
      if (lista) {
        return Array.prototype.filter.call(lista.options, function (o) { return o.value !== ""; }).map(function (o) {
          return { nodo: o, texto: normalizar(o.textContent), elegida: function () { return o.selected; } };
        });
      }
      return Array.prototype.map.call(contenedor.querySelectorAll("input[type=checkbox]"), function (c) {
        var fila = c.closest("label") || c.parentNode;
        var nodo = fila.parentNode && fila.parentNode.tagName === "DIV" && fila.parentNode.children.length === 1 ? fila.parentNode : fila;
        return { nodo: nodo, texto: normalizar(fila.textContent), elegida: function () { return c.checked; } };
      });
    }
    var todas = opciones();

    function filtrar() {
      var buscado = normalizar(campo.value);
      var visibles = 0;
      todas.forEach(function (o) {
        var ver = !buscado || o.texto.indexOf(buscado) !== -1 || o.elegida();
        o.nodo.hidden = !ver;
        if (ver) { visibles += 1; }
      });
      conteo.textContent = plantilla.replace("{n}", visibles).replace("{total}", todas.length);
      return visibles;
    }

    campo.addEventListener("input", filtrar);
    campo.addEventListener("keydown", function (evento) {
      if (evento.key === "Enter") {
        evento.preventDefault(); // Enter en el filtro no envía el formulario
        if (lista && !lista.multiple) {
          var unica = todas.filter(function (o) { return !o.nodo.hidden; });
          if (unica.length === 1) { unica[0].nodo.selected = true; lista.dispatchEvent(new Event("change", { bubbles: true })); }
        }
      } else if (evento.key === "ArrowDown") {
        var primera = todas.filter(function (o) { return !o.nodo.hidden; })[0];
        var destino = lista || (primera && primera.nodo.querySelector("input"));
        if (destino) { evento.preventDefault(); destino.focus(); }
      }
    });
    filtro.hidden = false;
    filtrar();
  }

  function iniciar() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-selector-buscable]"), preparar);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", iniciar);
  } else {
    iniciar();
  }
})();
