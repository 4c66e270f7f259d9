// Applies the reader's display settings (src/settings.rs, key "liseuse:settings") before the
// first paint, so the page never flashes in the wrong theme or size. Blocking, and tiny.
(function () {
  var root = document.documentElement;
  var s = {};
  try {
    s = JSON.parse(localStorage.getItem("liseuse:settings") || "{}") || {};
  } catch (e) {
    // Storage disabled or unreadable: the defaults below.
  }
  var pick = function (value, allowed, fallback) {
    return allowed.indexOf(value) >= 0 ? value : fallback;
  };
  var theme = pick(s.theme, ["systeme", "clair", "sombre", "sepia"], "systeme");
  if (theme !== "systeme") root.setAttribute("data-theme", theme);
  var size = Math.min(7, Math.max(1, parseInt(s.size, 10) || 3));
  root.setAttribute("data-size", String(size));
  root.setAttribute("data-font", pick(s.font, ["serif", "sans"], "serif"));
  root.setAttribute("data-width", pick(s.width, ["etroite", "moyenne", "large"], "moyenne"));
  root.setAttribute("data-spacing", pick(s.spacing, ["serre", "normal", "aere"], "normal"));
})();

// The release wasm stops without a message on a bug (panic = immediate-abort, see the Makefile):
// the app is dead from then on, so offer a reload. Notes are stored as they are made: nothing is
// lost. Any uncaught WebAssembly trap (RuntimeError), in an event handler or a promise.
(function () {
  if (typeof WebAssembly !== "object") return;
  var shown = false;
  var crashed = function (error) {
    if (shown || !(error instanceof WebAssembly.RuntimeError)) return;
    shown = true;
    var show = function () {
      var bar = document.createElement("div");
      bar.className = "update-banner crash-banner";
      bar.setAttribute("role", "alert");
      var text = document.createElement("span");
      text.textContent = "Une erreur est survenue";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn";
      button.textContent = "Recharger";
      button.addEventListener("click", function () {
        location.reload();
      });
      bar.append(text, " — ", button);
      document.body.append(bar);
      button.focus();
    };
    if (document.body) show();
    else addEventListener("DOMContentLoaded", show);
  };
  addEventListener("error", function (e) {
    crashed(e.error);
  });
  addEventListener("unhandledrejection", function (e) {
    crashed(e.reason);
  });
})();
