// Behaviour every page may use, in a file because the Content-Security-Policy runs no inline handlers.
// <input type="checkbox" data-select-all="NAME">: ticks or clears every checkbox named NAME.
document.addEventListener("change", (e) => {
  const all = e.target.closest("input[data-select-all]");
  if (!all) return;
  document.querySelectorAll(`input[name="${CSS.escape(all.dataset.selectAll)}"]`).forEach((c) => { c.checked = all.checked; });
});
// <select data-autosubmit>: submits its form when the choice changes (a filter that applies at once).
document.addEventListener("change", (e) => {
  const select = e.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.requestSubmit();
});
