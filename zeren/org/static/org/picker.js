// Searchable unit picker (zeren.org.picker): an <input data-units list="…"> asks the server for units
// whose name or code contains what was typed — at its data-source, else its form's data-units — and
// offers them in the datalist ("名称 · CODE"). The page also accepts a bare name or code.
(function () {
  document.querySelectorAll("input[data-units]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.dataset.source || (input.form && input.form.dataset.units);
    if (!list || !url) { return; }
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 1 || q.indexOf("·") >= 0) { return; }
      timer = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
          .then(function (r) { return r.json(); })
          .then(function (data) {
            list.innerHTML = "";
            data.units.forEach(function (label) {
              var option = document.createElement("option");
              option.value = label;
              list.appendChild(option);
            });
          });
      }, 150);
    });
  });
})();
