// The org-tree picker: a text input with class "org-picker" gets a drop-down of matching
// organizations (search by code or name, or open a node's children) served by /orgs/pick/.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-no-pick]")) return;
  const item = event.target.closest("[data-pick-code]");
  if (item) {
    const box = item.closest(".picker");
    box.querySelector("input.org-picker").value = item.dataset.pickCode;
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
