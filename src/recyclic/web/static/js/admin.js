// The back office's shell: gets an access token from the refresh cookie (like the till), then
// loads the page's fragment with htmx from the same URL, sending the token. Every later
// request (links, filters, forms) goes through htmx with the token and the CSRF token; the
// server renders the HTML and decides who may see what (web/admin/shell.py).
import htmx from "../vendor/htmx/htmx.esm.js";
import { Api, ApiError, NetworkError, readCookie } from "./api.js";
import { drawCharts } from "./admin_charts.js";
import { installDownloads, setUpDownloads } from "./admin_downloads.js";
import "./admin_forms.js";

const api = new Api();
const main = document.getElementById("admin-main");
const alertBox = document.getElementById("admin-alert");
// Refresh the access token this long before it expires.
const REFRESH_MARGIN_MS = 60_000;
let refreshTimer = null;

// Tests can tell when the first page is in (nothing else is exposed: the token stays here).
window.__admin = { ready: false };

function showAlert(message) {
  alertBox.textContent = message;
  alertBox.hidden = !message;
}

function goToLogin() {
  location.replace(`/connexion?suivant=${encodeURIComponent(location.pathname + location.search)}`);
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const wait = Math.max(5_000, api.expiresAt - Date.now() - REFRESH_MARGIN_MS);
  refreshTimer = setTimeout(() => {
    api.refresh().then(scheduleRefresh, (error) => {
      if (error instanceof ApiError && error.status === 401) goToLogin();
    });
  }, wait);
}

async function ensureToken() {
  if (api.token && Date.now() < api.expiresAt - 30_000) return;
  await api.refresh();
  scheduleRefresh();
}

/** The message of an error answer: the API's French `detail`, or a generic one. */
function errorMessage(xhr) {
  try {
    const body = JSON.parse(xhr.responseText);
    if (body && typeof body.detail === "string") return body.detail;
  } catch {
    // Not JSON: fall through.
  }
  if (xhr.status === 0) return "Serveur injoignable : vérifiez le réseau.";
  return `Erreur ${xhr.status}.`;
}

const FAILURE_TITLES = { 403: "Accès refusé", 404: "Page introuvable" };

/** A page that could not be shown: its place says why (the message is text, never HTML). */
function showFailedPage(status, message) {
  const title = document.createElement("h1");
  title.tabIndex = -1;
  title.textContent = FAILURE_TITLES[status] || "Impossible d'afficher la page";
  const text = document.createElement("p");
  text.className = "lead";
  text.textContent = message;
  const back = document.createElement("a");
  back.href = "/admin";
  back.textContent = "Revenir au tableau de bord";
  const page = document.createElement("div");
  page.className = "admin-page admin-failed";
  page.dataset.status = String(status);
  page.append(title, text, back);
  main.replaceChildren(page);
  title.focus();
}

/** Where a form shows an error the server refused it with: its [data-form-error] box. */
function formErrorBox(elt) {
  const form = elt.closest("form");
  return form ? form.querySelector("[data-form-error]") : null;
}

// Every htmx request carries the access token; writes also carry the CSRF token.
document.addEventListener("htmx:configRequest", (event) => {
  event.detail.headers.Authorization = `Bearer ${api.token}`;
  if (event.detail.verb !== "get") event.detail.headers["X-CSRF-Token"] = readCookie("recyclic_csrf");
});

// A token about to expire is refreshed before the request leaves.
document.addEventListener("htmx:confirm", (event) => {
  if (api.token && Date.now() < api.expiresAt - 30_000) return;
  event.preventDefault();
  ensureToken().then(
    () => event.detail.issueRequest(false),
    (error) => (error instanceof ApiError && error.status === 401 ? goToLogin() : showAlert(error.message)),
  );
});

// Back/forward: nothing is kept in the browser's storage, the fragment is asked again.
document.addEventListener("htmx:historyCacheMiss", (event) => {
  event.detail.xhr.setRequestHeader("Authorization", `Bearer ${api.token}`);
});

document.addEventListener("htmx:beforeRequest", (event) => {
  showAlert("");
  const box = formErrorBox(event.detail.elt);
  if (box) {
    box.textContent = "";
    box.hidden = true;
  }
});

document.addEventListener("htmx:responseError", (event) => {
  const { xhr, elt, requestConfig } = event.detail;
  if (xhr.status === 401) return goToLogin();
  const message = errorMessage(xhr);
  const box = formErrorBox(elt);
  if (box) {
    box.textContent = message;
    box.hidden = false;
  } else if (requestConfig && requestConfig.verb === "get" && event.detail.target === main) {
    showFailedPage(xhr.status, message);
  } else {
    showAlert(message);
  }
});

document.addEventListener("htmx:sendError", () => showAlert("Serveur injoignable : vérifiez le réseau."));

// A page reached by a link: focus its title (screen readers announce it). New content: charts.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.target === main && event.detail.boosted) {
    const title = main.querySelector("h1");
    if (title) title.focus({ preventScroll: true });
  }
});

htmx.onLoad((element) => drawCharts(element));
htmx.onLoad((element) => setUpDownloads(element));
installDownloads(api);

document.addEventListener("click", async (event) => {
  const button = event.target.closest('[data-action="logout"]');
  if (!button) return;
  button.disabled = true;
  try {
    await api.logout();
  } finally {
    location.assign("/connexion");
  }
});

/** The file name a download answer proposes (Content-Disposition), or a fallback. */
function fileName(response, fallback) {
  const header = response.headers.get("Content-Disposition") || "";
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (encoded) return decodeURIComponent(encoded[1]);
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain ? plain[1] : fallback;
}

// Files (exports, archives) come from the API with the access token, which a plain link
// cannot send: <a href="/api/v1/exports/…" data-download> is fetched here and saved.
document.addEventListener("click", async (event) => {
  const link = event.target.closest("a[data-download]");
  if (!link) return;
  event.preventDefault();
  link.setAttribute("aria-busy", "true");
  showAlert("");
  try {
    await ensureToken();
    const url = new URL(link.href, location.href);
    const response = await api.request("GET", url.pathname.replace(/^\/api\/v1/, "") + url.search, { raw: true, timeout: 120_000 });
    const blob = await response.blob();
    const saver = document.createElement("a");
    saver.href = URL.createObjectURL(blob);
    saver.download = fileName(response, link.dataset.download || "export");
    document.body.append(saver);
    saver.click();
    saver.remove();
    setTimeout(() => URL.revokeObjectURL(saver.href), 60_000);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return goToLogin();
    showAlert(error.message);
  } finally {
    link.removeAttribute("aria-busy");
  }
});

async function start() {
  try {
    await api.refresh();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return goToLogin();
    showFailedPage(0, error instanceof NetworkError ? error.message : error.message || "Erreur.");
    return;
  }
  scheduleRefresh();
  await htmx.ajax("GET", location.pathname + location.search, { target: main, swap: "innerHTML" });
  window.__admin.ready = true;
}

start();

// A page's "Imprimer" button (a Z report): the browser's print dialog, admin.css's print
// rules leave only the page's document.
document.addEventListener("click", (event) => {
  if (event.target.closest('[data-action="print"]')) window.print();
});
