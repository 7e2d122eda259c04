// The visit form on a village cadre's phone: the draft (every field but the photos) lives
// in localStorage until the server confirms it, so a dropped connection loses nothing. The
// draft keeps its client_token, so a retry of a visit the server already saved is a no-op.
const form = document.getElementById("visit-form");
const statusBox = document.getElementById("visit-status");
const key = form.dataset.draftKey;
const RETRY_MS = 15000;
let retryTimer = null;

function show(message, kind) {
  statusBox.textContent = message;
  statusBox.className = `alert alert-${kind} py-2`;
}

function fields() {
  return Array.from(form.elements).filter(
    (element) => element.name && element.type !== "file" && element.name !== "csrfmiddlewaretoken",
  );
}

function saveDraft() {
  const draft = {};
  for (const element of fields()) {
    draft[element.name] = element.value;
  }
  localStorage.setItem(key, JSON.stringify(draft));
}

function restoreDraft() {
  const stored = localStorage.getItem(key);
  if (!stored) {
    return;
  }
  const draft = JSON.parse(stored);
  for (const element of fields()) {
    if (element.name in draft && draft[element.name] !== "") {
      element.value = draft[element.name];
    }
  }
  show(form.dataset.msgRestored, "info");
}

function showErrors(errors) {
  form.querySelectorAll(".is-invalid").forEach((element) => element.classList.remove("is-invalid"));
  form.querySelectorAll(".js-error").forEach((element) => element.remove());
  const general = [];
  for (const [name, messages] of Object.entries(errors)) {
    const input = form.elements.namedItem(name);
    if (input && input.type !== "hidden") {
      input.classList.add("is-invalid");
      const feedback = document.createElement("div");
      feedback.className = "invalid-feedback d-block js-error";
      feedback.textContent = messages.join(" ");
      input.after(feedback);
    } else {
      general.push(...messages);
    }
  }
  if (general.length) {
    show(general.join(" "), "danger");
  } else {
    statusBox.className = "d-none";
  }
}

async function send() {
  clearTimeout(retryTimer);
  show(form.dataset.msgSaving, "info");
  let response;
  try {
    response = await fetch(form.action || window.location.href, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Fupin-Draft": "1" },
      credentials: "same-origin",
    });
  } catch {
    show(form.dataset.msgOffline, "warning");
    retryTimer = setTimeout(send, RETRY_MS);
    return;
  }
  const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
  if (!isJson) {
    // A proxy's error page or a server failure: keep the draft and try again later.
    show(form.dataset.msgOffline, "warning");
    retryTimer = setTimeout(send, RETRY_MS);
    return;
  }
  const body = await response.json();
  if (body.saved) {
    localStorage.removeItem(key);
    window.location.assign(body.url);
  } else {
    showErrors(body.errors || {});
  }
}

form.addEventListener("input", saveDraft);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  saveDraft();
  send();
});
window.addEventListener("online", () => {
  if (retryTimer !== null) {
    send();
  }
});

document.getElementById("visit-locate").addEventListener("click", () => {
  const label = document.getElementById("visit-location");
  if (!navigator.geolocation) {
    label.textContent = form.dataset.msgNoLocation;
    return;
  }
  navigator.geolocation.getCurrentPosition(
    (position) => {
      form.elements.namedItem("latitude").value = position.coords.latitude.toFixed(6);
      form.elements.namedItem("longitude").value = position.coords.longitude.toFixed(6);
      label.textContent = form.dataset.msgLocated;
      saveDraft();
    },
    () => {
      label.textContent = form.dataset.msgNoLocation;
    },
    { timeout: 10000 },
  );
});

restoreDraft();
