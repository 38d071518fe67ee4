/* sitegen serve: reload the page after every rebuild, show the diagnostics of a failed one.
   The dev server adds this script to the HTML it serves; it is never written to the output.
   data-generation is the build the page was served from: on (re)connecting the server
   announces the current build and a page that is behind reloads, so a rebuild finishing while
   the page was reloading is not missed either. */
(function () {
  var me = document.currentScript, gen = Number(me.dataset.generation), box = null;
  function overlay(lines) {
    if (!box) {
      box = document.createElement("div");
      box.id = "sitegen-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1.5em;background:rgba(20,0,0,.92);color:#fff;font:14px/1.6 monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "sitegen 构建失败（修改后会自动重新构建）\n\n" + lines.join("\n");
  }
  var events = new EventSource(me.dataset.events);
  events.addEventListener("state", function (e) {
    var d = JSON.parse(e.data);
    if (d.ok) {
      if (d.generation !== gen) location.reload();
      else if (box) { box.remove(); box = null; }
    } else overlay(d.diagnostics);
  });
})();
