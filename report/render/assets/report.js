// carve report: findings filters, ownership-matrix toggle, details opened on navigation.
// Plain JavaScript with no dependency; works from file:// with no network.
(function () {
  "use strict";
  var kindSel = document.getElementById("filter-kind");
  var svcSel = document.getElementById("filter-service");
  var textIn = document.getElementById("filter-text");
  var countEl = document.getElementById("filter-count");
  var items = Array.prototype.slice.call(document.querySelectorAll("li.finding"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".fgroup"));

  function applyFilters() {
    var kind = kindSel ? kindSel.value : "";
    var svc = svcSel ? svcSel.value : "";
    var text = textIn ? textIn.value.trim().toLowerCase() : "";
    var shown = 0;
    items.forEach(function (li) {
      var ok = (!kind || li.dataset.kind === kind) &&
        (!svc || li.dataset.from === svc || li.dataset.to === svc) &&
        (!text || li.textContent.toLowerCase().indexOf(text) >= 0);
      li.classList.toggle("hidden", !ok);
      if (ok) { shown++; }
    });
    groups.forEach(function (g) {
      var visible = g.querySelectorAll("li.finding:not(.hidden)").length;
      g.classList.toggle("hidden", visible === 0 && (kind || svc || text) !== "");
    });
    if (countEl) { countEl.textContent = shown + " of " + items.length + " listed findings shown"; }
  }
  [kindSel, svcSel].forEach(function (el) { if (el) { el.addEventListener("change", applyFilters); } });
  if (textIn) { textIn.addEventListener("input", applyFilters); }

  // Links that preset the filters (kind badges, a service's findings).
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("[data-filter-kind],[data-filter-service]") : null;
    if (!a) { return; }
    if (kindSel) { kindSel.value = a.dataset.filterKind || ""; }
    if (svcSel) { svcSel.value = a.dataset.filterService || ""; }
    if (textIn) { textIn.value = ""; }
    applyFilters();
  });

  // Expand / collapse all service canvases.
  document.querySelectorAll("[data-expand],[data-collapse]").forEach(function (b) {
    b.addEventListener("click", function () {
      var open = b.hasAttribute("data-expand");
      document.querySelectorAll("details." + (b.dataset.expand || b.dataset.collapse)).forEach(function (d) { d.open = open; });
    });
  });

  // Graph zoom: fit to the column, or actual size with scrolling.
  document.querySelectorAll("[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () {
      var g = document.getElementById(b.dataset.zoom);
      if (!g) { return; }
      var actual = g.classList.toggle("actual");
      b.textContent = actual ? "Fit to width" : "Actual size";
    });
  });

  // Open the <details> holding the navigation target (service map links, plan links).
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) { return; }
    var el = document.getElementById(id);
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") { p.open = true; }
    }
    if (el) { el.scrollIntoView(); }
  }
  window.addEventListener("hashchange", openTarget);

  var shared = document.getElementById("only-shared");
  if (shared) {
    shared.addEventListener("change", function () { document.body.classList.toggle("only-shared", shared.checked); });
  }

  // Filters from the address, so a filtered view can be shared:
  // index.html?kind=cross-tx&service=orders&q=checkout#findings
  if (window.URLSearchParams && location.search) {
    var params = new URLSearchParams(location.search);
    if (kindSel && params.get("kind")) { kindSel.value = params.get("kind"); }
    if (svcSel && params.get("service")) { svcSel.value = params.get("service"); }
    if (textIn && params.get("q")) { textIn.value = params.get("q"); }
  }

  applyFilters();
  openTarget();
})();
