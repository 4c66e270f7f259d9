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
// lost. Any uncaught WebAssembly trap (RuntimeError), in an event handler or a promise. Nor may
// a page stay blank when the app cannot start: a browser without WebAssembly (turned off, the
// iPhone's Lockdown Mode) is told so; a script or the wasm that could not be fetched or
// compiled (a connection cut on a first visit) offers a reload.
(function () {
  var started = false;
  addEventListener("TrunkApplicationStarted", function () {
    started = true;
  });
  var shown = false;
  var banner = function (message, reload) {
    if (shown) return;
    shown = true;
    var show = function () {
      var bar = document.createElement("div");
      bar.className = "update-banner crash-banner";
      bar.setAttribute("role", "alert");
      var text = document.createElement("span");
      text.textContent = message;
      bar.append(text);
      if (reload) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn";
        button.textContent = "Recharger";
        button.addEventListener("click", function () {
          location.reload();
        });
        bar.append(" — ", button);
      }
      document.body.append(bar);
      if (reload) button.focus();
    };
    if (document.body) show();
    else addEventListener("DOMContentLoaded", show);
  };
  if (typeof WebAssembly !== "object") {
    banner(
      "Ce navigateur n’exécute pas WebAssembly (il est désactivé, ou le mode Isolement de " +
        "l’iPhone est actif)\u00a0: Liseuse ne peut pas y fonctionner.",
      false,
    );
    return;
  }
  var failed = function (error) {
    if (error instanceof WebAssembly.RuntimeError) banner("Une erreur est survenue", true);
    else if (!started) banner("Liseuse n’a pas pu se charger (connexion interrompue\u202f?)", true);
  };
  // In the capture phase: a script that could not be fetched fires `error` on its element only.
  addEventListener(
    "error",
    function (e) {
      if (e.target && e.target.tagName === "SCRIPT") failed(null);
      else if (e.target === window) failed(e.error);
    },
    true,
  );
  addEventListener("unhandledrejection", function (e) {
    failed(e.reason);
  });
})();
