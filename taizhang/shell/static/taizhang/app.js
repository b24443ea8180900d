// The site's behaviour, without inline code (the Content-Security-Policy forbids it):
// - the org-tree picker: a text input with class "org-picker" gets a drop-down of
//   matching organizations (search by code or name, or open a node's children) served
//   by /orgs/pick/;
// - [data-print] buttons print the page;
// - forms with data-confirm="问题" ask before they are submitted.

// The picker's search asks for the typed text as `q`, whatever the input's own name.
document.addEventListener("htmx:configRequest", function (event) {
  const elt = event.detail.elt;
  if (elt && elt.matches && elt.matches("input.org-picker")) {
    event.detail.parameters.q = elt.value;
  }
});

document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
    return;
  }
  if (event.target.closest("[data-no-pick]")) return;
  const item = event.target.closest("[data-pick-code]");
  if (item) {
    const box = item.closest(".picker");
    box.querySelector("input.org-picker").value = item.dataset.pickCode;
    const chosen = box.querySelector(".picker-chosen");
    if (chosen) chosen.textContent = item.dataset.pickName || "";
    box.querySelector(".picker-results").innerHTML = "";
    box.querySelector("input.org-picker").dispatchEvent(new Event("change", { bubbles: true }));
    event.preventDefault();
    return;
  }
  if (!event.target.closest(".picker")) {
    document.querySelectorAll(".picker-results").forEach(function (r) {
      if (!r.contains(event.target)) r.innerHTML = "";
    });
  }
});

document.addEventListener("submit", function (event) {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
});
