// The JSON API, as the pages use it. The access token lives in this object only (memory);
// the refresh credential is an HttpOnly cookie the script never sees, spent by
// POST /api/v1/auth/refresh with the CSRF token echoed in a header.

const BASE = "/api/v1";
const TIMEOUT_MS = 10_000;

export class ApiError extends Error {
  constructor(status, body) {
    const detail = (body && body.detail) || `Erreur ${status}`;
    super(typeof detail === "string" ? detail : `Erreur ${status}`);
    this.status = status;
    this.code = (body && body.code) || "error";
    this.body = body;
  }

  /** A refusal the same request will always get (fix it, do not retry it). */
  get permanent() {
    return this.status >= 400 && this.status < 500 && ![401, 408, 425, 429].includes(this.status);
  }
}

/** The server could not be reached (offline, server down, timeout). */
export class NetworkError extends Error {
  constructor(cause) {
    super("Serveur injoignable : vérifiez le réseau.");
    this.cause = cause;
  }
}

export function readCookie(name) {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return "";
}

export class Api {
  constructor() {
    this.token = null;
    this.user = null;
    this.expiresAt = 0;
    // Server time minus local time (ms), from the Date header: a tablet's clock may be wrong.
    this.clockOffset = 0;
  }

  /** The server's idea of now (tickets are dated with it). */
  now() {
    return new Date(Date.now() + this.clockOffset);
  }

  async request(method, path, { json, headers = {}, auth = true, timeout = TIMEOUT_MS, raw = false } = {}) {
    if (auth && this.token && Date.now() > this.expiresAt - 30_000) {
      await this.refresh().catch(() => {});
    }
    let response = await this.#fetch(method, path, { json, headers, auth, timeout });
    if (response.status === 401 && auth && this.token) {
      // The token expired or was revoked: one refresh, one retry.
      await this.refresh();
      response = await this.#fetch(method, path, { json, headers, auth, timeout });
    }
    if (!response.ok) {
      const error = new ApiError(response.status, await this.#body(response));
      error.headers = response.headers;
      throw error;
    }
    if (raw) return response;
    if (response.status === 204) return null;
    return this.#body(response);
  }

  get(path, options) {
    return this.request("GET", path, options);
  }

  post(path, json, options = {}) {
    return this.request("POST", path, { ...options, json });
  }

  async #fetch(method, path, { json, headers, auth, timeout }) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    const sent = { Accept: "application/json", ...headers };
    if (json !== undefined) sent["Content-Type"] = "application/json";
    if (auth && this.token) sent.Authorization = `Bearer ${this.token}`;
    try {
      const response = await fetch(BASE + path, {
        method,
        headers: sent,
        body: json === undefined ? undefined : JSON.stringify(json),
        credentials: "same-origin",
        cache: "no-store",
        signal: controller.signal,
      });
      const date = Date.parse(response.headers.get("Date") || "");
      // The header counts whole seconds: +500 ms centres the estimate.
      if (!Number.isNaN(date)) this.clockOffset = date + 500 - Date.now();
      return response;
    } catch (error) {
      throw new NetworkError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  async #body(response) {
    const text = await response.text();
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch {
      return { detail: text };
    }
  }

  /** The CSRF token (asked for once, then read from its cookie). */
  async csrf() {
    const token = readCookie("recyclic_csrf");
    if (token) return token;
    const body = await this.request("GET", "/auth/csrf", { auth: false });
    return body.csrf_token;
  }

  #accept(body) {
    this.token = body.access_token;
    this.user = body.user;
    this.expiresAt = Date.now() + body.expires_in * 1000;
    return body.user;
  }

  /** A login route (PIN, bot code, Telegram) in cookie mode → the user. */
  async login(path, payload) {
    const headers = { "X-Session-Mode": "cookie", "X-CSRF-Token": await this.csrf() };
    return this.#accept(await this.request("POST", path, { json: payload, headers, auth: false }));
  }

  /** A new access token from the refresh cookie → the user. Serialised across tabs: two
   * tabs spending the same cookie at once would look like theft and end the session. */
  async refresh() {
    const run = async () => {
      const headers = { "X-Session-Mode": "cookie", "X-CSRF-Token": await this.csrf() };
      const body = await this.request("POST", "/auth/refresh", { headers, auth: false });
      return this.#accept(body);
    };
    if (navigator.locks) return navigator.locks.request("recyclic-refresh", run);
    return run();
  }

  /** End the web session (revokes the refresh cookie's family). */
  async logout() {
    try {
      await this.request("DELETE", "/auth/refresh", { headers: { "X-CSRF-Token": await this.csrf() }, auth: false });
    } finally {
      this.token = null;
      this.user = null;
    }
  }
}

/** The page a person lands on after logging in, by role: cashiers sell, the others run the
 * shop from the back office. */
const ROLE_HOME = { operator: "/caisse", viewer: "/admin", admin: "/admin", super_admin: "/admin" };

export function homeFor(user) {
  // An operator on a workstation used for reception (/depots marks it) lands there.
  if (user?.role === "operator" && localStorage.getItem("recyclic-poste") === "depots") return "/depots";
  return ROLE_HOME[user?.role] || "/connexion";
}
