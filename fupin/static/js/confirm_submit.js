// A form with data-confirm asks before it is sent: approving, announcing, returning and
// rejecting a case cannot be taken back, and a tap on a phone is easily a stray one.
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});
