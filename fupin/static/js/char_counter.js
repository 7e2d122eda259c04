// Shows "已输入 n / limit 字" under each text area with a length limit, so a farmer
// writing about the family's difficulties sees how much room is left before sending.
document.querySelectorAll("[data-counter-for]").forEach((counter) => {
  const field = document.getElementById(counter.dataset.counterFor);
  if (!field || !field.maxLength || field.maxLength < 0) return;
  const template = document.documentElement.lang === "en" ? "{n} / {limit} characters" : "已输入 {n} / {limit} 字";
  const update = () => {
    counter.textContent = template.replace("{n}", field.value.length).replace("{limit}", field.maxLength);
    counter.classList.toggle("text-danger", field.value.length >= field.maxLength);
  };
  field.addEventListener("input", update);
  update();
});
