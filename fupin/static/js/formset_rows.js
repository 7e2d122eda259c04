// "增加一笔" on a form with rows (a Django formset): copies the empty row kept in a
// <template>, numbers it and counts it in TOTAL_FORMS. Without scripts the button stays
// hidden and the rows the page offers are all there is.
document.querySelectorAll("button[data-add-row]").forEach((button) => {
  const prefix = button.dataset.addRow;
  const rows = document.querySelector(`[data-formset-rows="${prefix}"]`);
  const template = document.getElementById(`${prefix}-empty-row`);
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const max = document.getElementById(`id_${prefix}-MAX_NUM_FORMS`);
  button.hidden = false;
  button.addEventListener("click", () => {
    const index = Number(total.value);
    if (index >= Number(max.value)) return;
    const html = template.innerHTML
      .replaceAll("__prefix__", String(index))
      .replaceAll("__number__", String(index + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    rows.lastElementChild.querySelector("input, select")?.focus();
  });
});
