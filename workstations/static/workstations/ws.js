// "Add another visitor": clones the formset's empty form from a <template>. No framework, no CDN.
(function () {
  document.querySelectorAll("[data-formset]").forEach(function (root) {
    var prefix = root.getAttribute("data-formset");
    var total = root.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var tpl = root.querySelector("template[data-empty-form]");
    var list = root.querySelector("[data-forms]");
    var add = root.querySelector("[data-add-form]");
    if (!total || !tpl || !list || !add) return;
    add.hidden = false;
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = tpl.innerHTML.replace(/__prefix__/g, String(index)).replace(/__num__/g, String(index + 1));
      var wrap = document.createElement("div");
      wrap.innerHTML = html.trim();
      var node = wrap.firstElementChild;
      list.appendChild(node);
      total.value = String(index + 1);
      var first = node.querySelector("textarea, input, select");
      if (first) first.focus();
    });
  });
})();
