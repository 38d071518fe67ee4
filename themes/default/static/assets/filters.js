/* In-page filters of the directory and the project library (see sitegen/filters.py).
   Without JavaScript the form stays hidden and the full list shows. With it: each <select> of
   form.filters narrows the [data-filter-item] elements on data-<name> (or data-<data-filter-key>,
   whose value may list several words separated by "|"); non-matching items get `hidden`; a
   [data-filter-group] (a province section, a tree branch) without a visible item is hidden too;
   the state lives in the query string (?province=33&brand=jinhui) so a view can be shared. */
(function () {
  "use strict";
  var form = document.querySelector("form.filters[data-filters]");
  if (!form) return;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[name]"));
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-filter-item]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-filter-group]"));
  var contexts = Array.prototype.slice.call(document.querySelectorAll("[data-filter-context]"));
  var count = form.querySelector("[data-filter-count]");
  var empty = document.querySelector("[data-filter-empty]");

  function normalize(name, value) {
    // A province may come as its full code (330000) from a hand-written link.
    if (name === "province" && /^\d{6}$/.test(value)) return value.slice(0, 2);
    return value;
  }

  function hasOption(select, value) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === value; });
  }

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      var value = normalize(select.name, params.get(select.name) || "");
      select.value = hasOption(select, value) ? value : "";
    });
  }

  function writeUrl() {
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      if (select.value) params.set(select.name, select.value);
      else params.delete(select.name);
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    window.history.replaceState(null, "", url);
  }

  function matches(item, active) {
    return active.every(function (filter) {
      var raw = item.getAttribute("data-" + filter.key);
      return raw !== null && raw.split("|").indexOf(filter.value) !== -1;
    });
  }

  function apply() {
    var active = selects
      .filter(function (s) { return s.value !== ""; })
      .map(function (s) { return { key: s.getAttribute("data-filter-key") || s.name, value: s.value }; });
    var shown = 0;
    items.forEach(function (item) {
      var ok = matches(item, active);
      item.hidden = !ok;
      if (ok) shown += 1;
    });
    groups.forEach(function (group) {
      var visible = group.querySelectorAll("[data-filter-item]:not([hidden])").length;
      group.hidden = visible === 0;
      var sub = group.querySelector("[data-filter-subcount]");
      if (sub && sub.closest("[data-filter-group]") === group) sub.textContent = String(visible);
    });
    contexts.forEach(function (context) {
      var entry = context.previousElementSibling;
      context.hidden = !(entry && entry.hidden);
    });
    if (count) count.textContent = String(shown);
    if (empty) empty.hidden = shown !== 0;
  }

  form.addEventListener("change", function () {
    apply();
    writeUrl();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  var reset = form.querySelector("[data-filter-reset]");
  if (reset) {
    reset.addEventListener("click", function () {
      selects.forEach(function (select) { select.value = ""; });
      apply();
      writeUrl();
    });
  }
  window.addEventListener("popstate", function () {
    readUrl();
    apply();
  });
  readUrl();
  apply();
  form.hidden = false;
})();
