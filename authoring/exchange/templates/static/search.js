// Client-side search and status filters for the glossary's index page. Every row carries its own
// search text (data-search: name, id, aliases, definition, case-folded) and status, so the site
// needs no server and no index file: it works from file:// as well as over HTTP.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name=status]"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("#terms tbody tr"));
  var shown = document.getElementById("shown");
  var nothing = document.getElementById("nothing");

  var body = document.querySelector("#terms tbody");
  rows.forEach(function (row, index) { row.setAttribute("data-order", index); });

  // Rows whose name is the query come first, then names that start with it, then names holding it,
  // then the rest (matches in aliases or definitions), each group in alphabetical order.
  function rank(row, query) {
    var name = row.getAttribute("data-name");
    if (!query) { return 3; }
    if (name === query) { return 0; }
    if (name.indexOf(query) === 0) { return 1; }
    return name.indexOf(query) !== -1 ? 2 : 3;
  }

  function order(query) {
    rows.slice().sort(function (a, b) {
      return rank(a, query) - rank(b, query) ||
        a.getAttribute("data-order") - b.getAttribute("data-order");
    }).forEach(function (row) { body.appendChild(row); });
  }

  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = {};
    boxes.forEach(function (box) { wanted[box.value] = box.checked; });
    var count = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute("data-search");
      var ok = wanted[row.getAttribute("data-status")] !== false &&
        words.every(function (w) { return text.indexOf(w) !== -1; });
      row.hidden = !ok;
      if (ok) { count += 1; }
    });
    order(words.join(" "));
    shown.textContent = count + " of " + rows.length + " shown";
    nothing.hidden = count !== 0;
  }

  input.addEventListener("input", apply);
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { input.value = query; }
  apply();
}());
