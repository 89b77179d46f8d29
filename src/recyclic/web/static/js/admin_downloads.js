// Downloads of the back office: a form marked `data-download="<url>"` is sent with fetch and
// the bearer token in a header (never in a URL, never in a cookie of its own), and the answer
// is saved under the name the server gives it. An error answer (the API's French `detail`)
// is shown in the form's [data-form-error] box. The form also shows only the period fields of
// the period chosen (`data-period`).

const STATUS = { 403: "Accès refusé.", 404: "Introuvable." };

// The shell's Api object (admin.js hands it over; the token never leaves the modules).
let api = null;

export function installDownloads(shellApi) {
  api = shellApi;
}

async function freshToken() {
  if (!api.token || Date.now() > api.expiresAt - 30_000) await api.refresh();
  return api.token;
}

/** The file name of a Content-Disposition header (`attachment; filename="x.csv"`). */
export function fileName(header, fallback = "export") {
  const match = /filename="([^"]+)"/.exec(header || "");
  return match ? match[1] : fallback;
}

async function errorText(response) {
  try {
    const body = await response.json();
    if (body && typeof body.detail === "string") return body.detail;
  } catch {
    // Not JSON.
  }
  return STATUS[response.status] || `Erreur ${response.status}.`;
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Let the download start before the blob's address is released.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function download(form) {
  const errorBox = form.querySelector("[data-form-error]");
  const status = form.querySelector("[data-download-status]");
  const button = form.querySelector('button[type="submit"]');
  errorBox.hidden = true;
  errorBox.textContent = "";
  status.textContent = "Préparation du fichier…";
  button.disabled = true;
  const target = new URL(form.dataset.download, location.origin);
  for (const [key, value] of new FormData(form)) {
    if (typeof value === "string" && value !== "") target.searchParams.append(key, value);
  }
  try {
    let token = await freshToken();
    let response = await fetch(target, { headers: { Authorization: `Bearer ${token}` }, credentials: "same-origin", cache: "no-store" });
    if (response.status === 401) {
      await api.refresh();
      token = api.token;
      response = await fetch(target, { headers: { Authorization: `Bearer ${token}` }, credentials: "same-origin", cache: "no-store" });
    }
    if (!response.ok) {
      status.textContent = "";
      errorBox.textContent = await errorText(response);
      errorBox.hidden = false;
      return;
    }
    const name = fileName(response.headers.get("Content-Disposition"));
    const blob = await response.blob();
    save(blob, name);
    status.textContent = `Fichier téléchargé : ${name}`;
    form.dataset.downloaded = name;
  } catch {
    status.textContent = "";
    errorBox.textContent = "Serveur injoignable : vérifiez le réseau.";
    errorBox.hidden = false;
  } finally {
    button.disabled = false;
  }
}

/** Show the fields of the chosen period only. */
function showPeriod(form) {
  const chosen = form.querySelector('input[name="periode"]:checked');
  for (const field of form.querySelectorAll("[data-period]")) {
    field.hidden = !chosen || field.dataset.period !== chosen.value;
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-download]");
  if (!form) return;
  event.preventDefault();
  download(form);
});

document.addEventListener("change", (event) => {
  const form = event.target.closest("form[data-download]");
  if (form && event.target.name === "periode") showPeriod(form);
});

export function setUpDownloads(element) {
  for (const form of element.querySelectorAll("form[data-download]")) showPeriod(form);
}
