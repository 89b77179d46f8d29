// /connexion: PIN (Telegram id + PIN), bot login code, Telegram Login Widget; a paired tablet
// is sent to its till's lock screen.
import { Api, ApiError, NetworkError, homeFor } from "./api.js";

const api = new Api();
const errorBox = document.getElementById("login-error");

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
}

/** Where to go after logging in: `?suivant=/caisse` (same site only), else the role's page. */
function destination(user) {
  const next = new URLSearchParams(location.search).get("suivant") || "";
  return /^\/[a-z]/.test(next) && !next.startsWith("//") ? next : homeFor(user);
}

async function login(path, payload, button) {
  showError("");
  button.disabled = true;
  try {
    const user = await api.login(path, payload);
    location.assign(destination(user));
  } catch (error) {
    if (error instanceof ApiError && error.status === 202) showError("Inscription enregistrée : un responsable doit la valider.");
    else showError(error instanceof NetworkError ? "Serveur injoignable : vérifiez le réseau." : error.message);
  } finally {
    button.disabled = false;
  }
}

document.getElementById("pin-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const telegramId = form.telegram_id.value.trim();
  if (!/^\d{1,16}$/.test(telegramId)) return showError("L'identifiant Telegram est un nombre (donné par @userinfobot).");
  login("/auth/pin", { telegram_id: Number(telegramId), pin: form.pin.value.trim() }, form.querySelector("button"));
});

document.getElementById("code-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  login("/auth/code", { code: form.code.value.trim() }, form.querySelector("button"));
});

/** Telegram's widget sends the browser back here with the signed fields in the query. */
async function telegramReturn() {
  const params = new URLSearchParams(location.search);
  if (!params.has("hash") || !params.has("id")) return;
  const payload = {};
  for (const [key, value] of params) {
    if (key === "suivant") continue;
    payload[key] = key === "id" || key === "auth_date" ? Number(value) : value;
  }
  showError("");
  try {
    const response = await api.request("POST", "/auth/telegram", { json: payload, headers: { "X-Session-Mode": "cookie", "X-CSRF-Token": await api.csrf() }, auth: false, raw: true });
    if (response.status === 202) return showError("Inscription enregistrée : un responsable de la ressourcerie doit la valider.");
    const body = await response.json();
    api.token = body.access_token;
    location.replace(destination(body.user));
  } catch (error) {
    showError(error.message);
  }
}

function telegramWidget() {
  const holder = document.getElementById("telegram-widget");
  if (!holder) return;
  const script = document.createElement("script");
  script.async = true;
  script.src = "https://telegram.org/js/telegram-widget.js?22";
  script.dataset.telegramLogin = holder.dataset.bot;
  script.dataset.size = "large";
  script.dataset.authUrl = new URL("/connexion", location.href).href;
  script.dataset.requestAccess = "write";
  holder.append(script);
}

async function pairedTablet() {
  try {
    const device = await api.get("/devices/current", { auth: false });
    document.getElementById("paired-register").textContent = device.cash_register.name;
    document.getElementById("paired").hidden = false;
  } catch {
    // Not a paired tablet (or offline): the forms are enough.
  }
}

telegramReturn();
telegramWidget();
pairedTablet();
