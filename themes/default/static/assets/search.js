/* The /search/ page, over Pagefind's JavaScript API and an index of characters (the reasons are
   in sitegen/write/search.py). A page matches when it contains every part of the query (parts are
   separated by spaces or punctuation) as written; pages the query names (a record's name, an
   association's place or short name: "name keys") come first, then Pagefind's ranking.
   The query stays in the address bar (?q=), so a search can be shared and survives a reload. */
(function () {
  "use strict";
  var root = document.getElementById("search");
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  if (!root || !form || !input || !status || !list || !more) return;
  var PAGE = 10;
  var header = document.getElementById("site-search-q");
  var pagefind = null;
  var latest = 0; // the number of the newest search: older answers are dropped
  var shown = []; // the ordered results of the current query
  var next = 0; // how many of them are on the page
  var ZWSP = /\u200b/g;

  // --- the query ------------------------------------------------------------------------------

  /* As sitegen/render/name_keys.py `normalise_name`: NFKC, lower case, no punctuation, symbols,
     spaces or invisible characters. */
  function normaliseName(text) {
    return text.normalize("NFKC").toLowerCase().replace(/[\p{P}\p{S}\p{Z}\p{C}]/gu, "");
  }

  function fnv1a(bytes, seed) {
    var value = seed;
    for (var i = 0; i < bytes.length; i++) value = Math.imul(value ^ bytes[i], 16777619) >>> 0;
    return value;
  }

  /* As sitegen/render/name_keys.py `name_key`: "sgn" and two FNV-1a hashes, 4 bits a letter. */
  function nameKey(text) {
    var bytes = new TextEncoder().encode(normaliseName(text));
    if (!bytes.length) return "";
    var key = "sgn";
    [2166136261, (2166136261 ^ 0x5bd1e995) >>> 0].forEach(function (seed) {
      var value = fnv1a(bytes, seed);
      for (var shift = 28; shift >= 0; shift -= 4) key += String.fromCharCode(97 + ((value >>> shift) & 15));
    });
    return key;
  }

  /* "西湖区 金晖AI" → ["西湖区", "金晖ai"]: full-width letters and digits folded, lower case. */
  function queryParts(query) {
    return query.normalize("NFKC").toLowerCase().split(/[\p{P}\p{S}\p{Z}\p{C}]+/u).filter(Boolean);
  }

  /* A part as the index holds it: each Han character a word, other runs whole ("金 晖 ai"). */
  function characters(part) {
    return part.match(/\p{Script=Han}|[^\p{Script=Han}]+/gu).join(" ");
  }

  // --- searching ------------------------------------------------------------------------------

  /* Pagefind's API with every shard of a large site's index merged in (sitegen/write/search_shards.py:
     the list names the shards' folders; a site with one bundle lists none). */
  function load() {
    if (!pagefind) {
      var bundle = root.getAttribute("data-bundle-path");
      var options = { baseUrl: root.getAttribute("data-base-url"), excerptLength: 48 };
      pagefind = import(bundle + "pagefind.js").then(function (api) {
        return Promise.all([
          api.options(options),
          fetch(bundle + "sitegen-shards.json").then(function (answer) { return answer.ok ? answer.json() : {}; }),
        ]).then(function (done) {
          return Promise.all((done[1].bundles || []).map(function (folder) {
            return api.mergeIndex(bundle + folder, { baseUrl: options.baseUrl, excerptLength: options.excerptLength });
          }));
        }).then(function () {
          return api;
        });
      });
    }
    return pagefind;
  }

  /* The results for `query`, best first: [{id, data, named}] with `data` Pagefind's loader. */
  function find(api, query) {
    var parts = queryParts(query);
    if (!parts.length) return Promise.resolve([]);
    var phrases = parts.map(characters);
    var key = nameKey(parts.join(""));
    return Promise.all([
      Promise.all(phrases.map(function (phrase) { return api.search('"' + phrase + '"'); })),
      api.search(phrases.join(" ")),
      key ? api.search(key) : Promise.resolve({ results: [] }),
    ]).then(function (answers) {
      var exact = answers[0], ranked = answers[1].results, named = answers[2].results;
      var matching = new Map(exact[0].results.map(function (r) { return [r.id, r]; }));
      exact.slice(1).forEach(function (answer) {
        var ids = new Set(answer.results.map(function (r) { return r.id; }));
        matching.forEach(function (_, id) { if (!ids.has(id)) matching.delete(id); });
      });
      var score = new Map(ranked.map(function (r) { return [r.id, r.score]; }));
      var namedIds = new Set(named.map(function (r) { return r.id; }));
      named.forEach(function (r) { if (!matching.has(r.id)) matching.set(r.id, r); });
      return Array.from(matching.values())
        .map(function (r, order) {
          return { id: r.id, data: r.data, named: namedIds.has(r.id), score: score.get(r.id) || 0, order: order };
        })
        .sort(function (a, b) { return (b.named - a.named) || (b.score - a.score) || (a.order - b.order); });
    });
  }

  /* Among the first results (those about to be shown and as many again), pages whose title
     holds the whole query come right after the named ones: a project titled 琼山区三门坡镇荔枝助销
     before the story that mentions its litchis more often. */
  function titlesFirst(results, query) {
    var parts = queryParts(query).map(normaliseName);
    var head = results.slice(0, 2 * PAGE);
    return Promise.all(head.map(function (r) { return r.data(); })).then(function (datas) {
      head.forEach(function (r, i) {
        var title = normaliseName((datas[i].meta.title || "").replace(ZWSP, ""));
        r.titled = parts.every(function (part) { return title.indexOf(part) >= 0; });
        r.rank = i;
      });
      head.sort(function (a, b) { return (b.named - a.named) || (b.titled - a.titled) || (a.rank - b.rank); });
      return head.concat(results.slice(head.length));
    });
  }

  // --- showing --------------------------------------------------------------------------------

  /* Pagefind joins the text of separate elements with ". " (or a space after punctuation);
     between Chinese words that reads as English, so it becomes " · ". Marks of adjacent
     characters become one. */
  function chineseExcerpt(html) {
    return html
      .replace(ZWSP, "")
      .replace(/<\/mark><mark>/g, "")
      .replace(/([^\x00-\x7f](?:<\/mark>)?)\. (?=\S)/g, "$1 · ")
      .replace(/\. (?=(?:<mark>)?[^\x00-\x7f])/g, " · ")
      .replace(/^[\s，。、；：,.;:]+/, ""); // a window that starts mid-sentence starts at a word
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "search-result";
    var kind = data.meta["类别"];
    if (kind) {
      var label = document.createElement("p");
      label.className = "search-result-kind";
      label.textContent = kind;
      li.appendChild(label);
    }
    var title = document.createElement("h2");
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = (data.meta.title || data.url).replace(ZWSP, "");
    title.appendChild(link);
    li.appendChild(title);
    var excerpt = document.createElement("p");
    excerpt.className = "search-result-excerpt";
    excerpt.innerHTML = chineseExcerpt(data.excerpt); // Pagefind escapes the page text; only <mark> is markup
    li.appendChild(excerpt);
    return li;
  }

  function showMore(number) {
    var batch = shown.slice(next, next + PAGE);
    next += batch.length;
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (datas) {
      if (number !== latest) return;
      datas.forEach(function (data) { list.appendChild(item(data)); });
      more.hidden = next >= shown.length;
    });
  }

  /* The status line; `data-state` (searching, done) lets tests wait for the answer. */
  function say(text, state) {
    status.textContent = text;
    root.setAttribute("data-state", state || "done");
  }

  function run(query) {
    var number = ++latest;
    query = query.trim();
    shown = [];
    next = 0;
    list.replaceChildren();
    more.hidden = true;
    if (!query) {
      say("");
      return Promise.resolve();
    }
    say("正在搜索……", "searching");
    return load()
      .then(function (api) { return find(api, query); })
      .then(function (results) { return titlesFirst(results, query); })
      .then(function (results) {
        if (number !== latest) return;
        shown = results;
        if (!results.length) {
          say("没有找到包含“" + query + "”的内容。请检查用字，或换一个更短的词。");
          return;
        }
        return showMore(number).then(function () {
          if (number === latest) say("找到 " + results.length + " 条包含“" + query + "”的结果");
        });
      })
      .catch(function (error) {
        if (number !== latest) return;
        say("搜索暂时不可用，请稍后再试。");
        console.warn(error);
      });
  }

  function remember(query) {
    var url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    if (header) header.value = query;
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      remember(input.value.trim());
      run(input.value);
    }, 250);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    remember(input.value.trim());
    run(input.value);
  });
  more.addEventListener("click", function () {
    showMore(latest);
  });

  root.hidden = false;
  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  if (header) header.value = query;
  if (query) run(query);
  else input.focus();
})();
