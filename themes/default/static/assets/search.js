/* The /search/ page: Pagefind's default UI (it speaks the page's lang, zh-CN), run from ?q=.
   The query stays in the address bar, so a search can be shared and survives a reload. */
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root || typeof window.PagefindUI !== "function") return;
  var query = new URLSearchParams(window.location.search).get("q") || "";
  var ui = new window.PagefindUI({
    element: "#search",
    bundlePath: root.getAttribute("data-bundle-path"),
    baseUrl: root.getAttribute("data-base-url"),
    showImages: false,
    showSubResults: true,
    autofocus: !query,
  });
  var header = document.getElementById("site-search-q");
  if (query) {
    ui.triggerSearch(query);
    if (header) header.value = query;
  }
  root.addEventListener("input", function (event) {
    var input = event.target;
    if (!input || !input.classList || !input.classList.contains("pagefind-ui__search-input")) return;
    var url = new URL(window.location.href);
    var value = input.value.trim();
    if (value) url.searchParams.set("q", value);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    if (header) header.value = value;
  });
})();
