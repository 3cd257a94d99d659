// After a node's children are loaded once, the same button folds and unfolds them.
document.addEventListener("htmx:afterRequest", (e) => {
  const b = e.detail.elt;
  if (b.classList && b.classList.contains("toggle")) { b.dataset.loaded = "1"; b.setAttribute("aria-expanded", "true"); b.textContent = "−"; }
});
document.addEventListener("click", (e) => {
  const b = e.target.closest(".tree .toggle");
  if (!b || !b.dataset.loaded) return;
  const kids = b.closest("li").querySelector(":scope > .kids");
  const open = b.getAttribute("aria-expanded") === "true";
  kids.hidden = open; b.setAttribute("aria-expanded", String(!open)); b.textContent = open ? "+" : "−";
});
