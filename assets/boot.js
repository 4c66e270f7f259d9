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
