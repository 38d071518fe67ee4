/* Wide tables: a table that does not fit its box scrolls sideways inside it (its first column
   stays in view, see site.css); this says so above it, and only while it is so, e.g. when a phone
   turns or the text is enlarged. Without JavaScript the table scrolls all the same. */
(function () {
  "use strict";
  var wraps = document.querySelectorAll(".table-wrap");
  if (!wraps.length) return;

  function columns(table) {
    var row = table && table.rows[0];
    if (!row) return 0;
    var count = 0;
    for (var i = 0; i < row.cells.length; i++) count += row.cells[i].colSpan || 1;
    return count;
  }

  function update(wrap) {
    var wide = wrap.scrollWidth > wrap.clientWidth + 1;
    var hint = wrap.previousElementSibling;
    var shown = hint && hint.classList.contains("table-hint");
    wrap.classList.toggle("is-wide", wide);
    if (wide && !shown) {
      hint = document.createElement("p");
      hint.className = "table-hint";
      var count = columns(wrap.querySelector("table"));
      hint.textContent = "表格较宽，左右滑动可查看" + (count ? "全部 " + count + " 列" : "其余各列");
      wrap.parentNode.insertBefore(hint, wrap);
    } else if (!wide && shown) {
      hint.remove();
    }
  }

  function updateAll() {
    Array.prototype.forEach.call(wraps, update);
  }

  updateAll();
  if (typeof ResizeObserver === "function") {
    var observer = new ResizeObserver(updateAll);
    Array.prototype.forEach.call(wraps, function (wrap) { observer.observe(wrap); });
  } else {
    window.addEventListener("resize", updateAll);
  }
})();
