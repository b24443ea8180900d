// The list page's row picking: "select this page" ticks every row's box, and the bar says
// how many rows are picked; ticking "all matching" means every row the filter matches.
(function () {
  if (window.taizhangListPicking) return;  // htmx re-runs this with each swapped table
  window.taizhangListPicking = true;

  function refresh(form) {
    const boxes = form.querySelectorAll("input[name=keys]");
    const picked = form.querySelectorAll("input[name=keys]:checked").length;
    const all = form.querySelector("[data-all-matching]");
    const label = form.querySelector("[data-picked-count]");
    const page = form.querySelector("[data-pick-page]");
    if (page) page.checked = boxes.length > 0 && picked === boxes.length;
    if (!label) return;
    if (all && all.checked) label.textContent = "已选择全部符合条件的记录";
    else label.textContent = picked ? "已选择 " + picked + " 条" : "未选择记录";
  }

  document.addEventListener("change", function (event) {
    const form = event.target.closest("#batch-form");
    if (!form) return;
    if (event.target.matches("[data-pick-page]")) {
      form.querySelectorAll("input[name=keys]").forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    refresh(form);
  });
})();

// The org tree: a node's ▸ loads its children (htmx); pressed again it folds them away.
document.addEventListener("htmx:beforeRequest", function (event) {
  const toggle = event.detail.elt;
  if (!toggle.classList || !toggle.classList.contains("tree-toggle")) return;
  if (toggle.classList.contains("open")) {
    event.preventDefault();
    toggle.classList.remove("open");
    toggle.setAttribute("aria-expanded", "false");
    const children = toggle.parentElement.querySelector(".tree-children");
    if (children) children.innerHTML = "";
  }
});
document.addEventListener("htmx:afterSwap", function (event) {
  const list = event.detail.target;
  if (!list.classList || !list.classList.contains("tree-children")) return;
  const toggle = list.parentElement.querySelector(".tree-toggle");
  if (toggle) {
    toggle.classList.add("open");
    toggle.setAttribute("aria-expanded", "true");
  }
});

// 导出 and 打印 follow the filter: the table is redrawn (htmx) and its address pushed into
// the history, so the links take that address's query (without the page number).
document.addEventListener("htmx:pushedIntoHistory", function (event) {
  const url = new URL(event.detail.path, window.location.origin);
  url.searchParams.delete("page");
  const query = url.searchParams.toString();
  document.querySelectorAll("a[data-keep-query]").forEach(function (link) {
    link.href = link.dataset.keepQuery + (query ? "?" + query : "");
  });
});
