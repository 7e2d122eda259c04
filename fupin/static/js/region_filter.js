// A list filtered by region shows the cascading region picker instead of a box for a
// 12-digit code. Choosing a level only reloads the picker (the filter form ignores its
// selects); once the picker's hidden field holds another region than the list shows, the
// form is sent and the list follows.
document.addEventListener("htmx:afterSettle", () => {
  document.querySelectorAll("form[data-region-filter]").forEach((form) => {
    const input = form.querySelector(
      `input[type="hidden"][name="${form.dataset.regionFilter}"]`,
    );
    if (!input || input.value === form.dataset.regionShown) return;
    form.dataset.regionShown = input.value;
    form.requestSubmit();
  });
});
