// The till: boots from the service worker's shell, gets a token from the refresh cookie (or
// the lock screen of a paired tablet), and sells — online or not. Every ticket is in the
// outbox before the next one starts.
import { Api, ApiError, NetworkError } from "../js/api.js";
import { persistStorage } from "../js/db.js";
import { $, h, render } from "../js/dom.js";
import { Outbox } from "../js/outbox.js";
import { settle } from "../js/pricing.js";
import { renderClose } from "./close.js";
import { fetchContext, pairedDevice, savedContext } from "./context.js";
import { renderLock } from "./lock.js";
import { renderBusy, renderOpen } from "./open.js";
import { renderPay } from "./pay.js";
import { renderSell } from "./sell.js";
import { openMenu } from "./session.js";
import { Entry, Ticket } from "./ticket.js";

const RECONNECT_MS = 10_000;

class Till {
  constructor(root) {
    this.root = root;
    this.api = new Api();
    this.outbox = new Outbox(this.api);
    this.ticket = new Ticket();
    this.entry = new Entry();
    this.context = null;
    this.device = null;
    this.screen = null;
    this.offline = false;
    this.lastSale = null;
    this.waitingWorker = null;
    this.counts = { pending: 0, attention: 0 };
    // Figures the benchmark and the tests read: how long "Encaisser" took, in ms.
    this.metrics = { checkout: [] };
    window.__till = this;
  }

  async boot() {
    this.#watchServiceWorker();
    persistStorage();
    this.outbox.addEventListener("change", () => this.refreshStatus());
    this.outbox.addEventListener("refused", (event) => this.toast(`Ticket refusé par le serveur : ${event.detail.error.message}`, "error"));
    window.addEventListener("online", () => this.reconnect());
    window.addEventListener("offline", () => this.setOffline(true));
    document.addEventListener("keydown", (event) => this.keydown?.(event));
    try {
      if (!(await this.#signIn())) return this.lock();
      await this.load();
    } catch (error) {
      if (error instanceof NetworkError) return this.startOffline();
      if (error instanceof ApiError && (error.status === 429 || error.status === 503)) return this.retryLater(error);
      this.fatal(error);
    } finally {
      this.outbox.start();
    }
  }

  /** The server is busy or limits logins from this address: wait as it asks, then retry. */
  retryLater(error) {
    const seconds = Math.min(120, Math.max(5, Number(error.headers?.get?.("Retry-After")) || 15));
    render(this.root, h("main", { class: "till-message card" }, h("h1", { text: "La caisse redémarre dans un instant" }), h("p", { text: `${error.message} Nouvel essai automatique dans ${seconds} s.` })));
    setTimeout(() => location.reload(), seconds * 1000);
  }

  /** Is this tablet paired, and is someone logged in? An access token from the refresh
   * cookie; false when there is none (log in again). Network errors propagate. */
  async #signIn() {
    this.device = await pairedDevice(this.api);
    try {
      await this.api.refresh();
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return false;
      throw error;
    }
  }

  /** Fresh context from the server, then the right screen. */
  async load() {
    this.context = await fetchContext(this.api, this.device);
    this.setOffline(false);
    this.route();
  }

  route() {
    const { session, registerSession } = this.context;
    if (session) this.show("sell");
    else if (registerSession) this.show("busy");
    else this.show("open");
  }

  async startOffline() {
    this.context = await savedContext();
    this.setOffline(true);
    if (this.context?.session && this.context.user) {
      this.show("sell");
      this.toast("Hors ligne : les tickets sont gardés sur la tablette et partiront au retour du réseau.", "warn");
    } else {
      this.show("offline");
    }
    this.#scheduleReconnect();
  }

  /** The network is back: get a token again and send what waits. */
  async reconnect() {
    if (this.reconnecting) return;
    this.reconnecting = true;
    try {
      if (!(await this.#signIn())) return this.lock();
      this.setOffline(false);
      const sameCashier = this.context?.user?.id === this.api.user.id;
      if (!sameCashier || !this.context || this.screen === "offline") await this.load();
      else this.#refreshContext();
      this.outbox.drain();
    } catch (error) {
      if (error instanceof NetworkError) this.#scheduleReconnect();
      else this.toast(error.message, "error");
    } finally {
      this.reconnecting = false;
    }
  }

  /** Fresh data behind the current screen; if the session was closed elsewhere meanwhile,
   * say so and go to the opening screen (the ticket being built is kept). */
  async #refreshContext() {
    try {
      const before = this.context?.session?.id;
      this.context = await fetchContext(this.api, this.device);
      if (before && this.context.session?.id !== before && this.screen !== "close") {
        this.toast("La session de caisse a été clôturée depuis un autre appareil.", "warn", 0);
        this.route();
      }
    } catch {
      // Still the saved context: the next reconnection tries again.
    }
  }

  #scheduleReconnect() {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      if (this.offline) this.reconnect();
    }, RECONNECT_MS);
  }

  setOffline(offline) {
    this.offline = offline;
    if (offline) this.#scheduleReconnect();
    this.refreshStatus();
  }

  /** The paired tablet's lock screen (or the login page elsewhere). */
  lock() {
    this.api.token = null;
    if (!this.device) {
      location.replace("/connexion?suivant=/caisse");
      return;
    }
    this.show("lock");
  }

  // --- Screens ---------------------------------------------------------------------------

  show(screen, options = {}) {
    this.keydown = null;
    this.screen = screen;
    const main = {
      sell: () => renderSell(this, options),
      pay: () => renderPay(this),
      open: () => renderOpen(this),
      busy: () => renderBusy(this),
      lock: () => renderLock(this),
      close: () => renderClose(this),
      offline: () => this.#offlineScreen(),
    }[screen]();
    render(this.root, screen === "lock" ? null : this.#header(), main, h("div", { id: "toasts", class: "toasts", role: "status", "aria-live": "polite" }));
    this.refreshStatus();
    this.#applyWaitingUpdate();
    this.metrics.ready ??= performance.now();
  }

  #header() {
    const context = this.context;
    return h(
      "header",
      { class: "till-header" },
      h("div", { class: "till-title" }, h("span", { class: "brand", text: "Recyclic" }), h("span", { text: context?.register?.name || context?.site?.name || "" })),
      h("div", { class: "till-cashier", text: context?.user ? context.user.full_name : "" }),
      h("div", { class: "till-status", id: "till-status" }),
      h("button", { type: "button", class: "button", text: "Menu", "aria-haspopup": "dialog", on: { click: () => openMenu(this) }, disabled: !context?.user }),
      this.device ? h("button", { type: "button", class: "button", "aria-label": "Verrouiller la caisse (changer de caissier)", text: "Verrouiller", on: { click: () => this.switchCashier() } }) : null,
    );
  }

  #offlineScreen() {
    return h(
      "main",
      { class: "till-message card" },
      h("h1", { text: "Caisse hors ligne" }),
      h("p", { text: "La tablette n'a pas encore de caisse ouverte en mémoire : connectez-la au réseau pour l'ouvrir une première fois." }),
      h("button", { type: "button", class: "button button-primary button-large", text: "Réessayer", on: { click: () => this.reconnect() } }),
    );
  }

  fatal(error) {
    render(this.root, h("main", { class: "till-message card" }, h("h1", { text: "La caisse n'a pas pu démarrer" }), h("p", { text: error.message || String(error) }), h("button", { type: "button", class: "button button-primary button-large", text: "Recharger", on: { click: () => location.reload() } })));
  }

  /** A short message at the bottom of the screen. */
  toast(message, kind = "info", timeout = 6000) {
    const area = $("#toasts");
    if (!area) return;
    const item = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" }, h("span", { text: message }), h("button", { type: "button", class: "button button-ghost", "aria-label": "Fermer le message", text: "✕", on: { click: () => item.remove() } }));
    area.append(item);
    if (timeout) setTimeout(() => item.remove(), timeout);
  }

  /** The network and outbox badges in the header. */
  async refreshStatus() {
    const [pending, attention] = await Promise.all([this.outbox.count(), this.outbox.attention()]);
    this.counts = { pending, attention: attention.length };
    const area = $("#till-status");
    if (!area) return;
    const offline = this.offline || this.outbox.blocked === "offline";
    area.closest(".till-header")?.classList.toggle("till-header-offline", offline);
    const badges = [
      offline
        ? h("span", { class: "badge badge-off", dataset: { status: "offline" }, text: "● Hors ligne" })
        : h("span", { class: "badge badge-ok", dataset: { status: "online" }, text: "● En ligne" }),
    ];
    if (pending) badges.push(h("span", { class: "badge badge-warn", dataset: { status: "pending" }, text: `${pending} ticket${pending > 1 ? "s" : ""} en attente` }));
    if (pending && this.outbox.blocked === "auth" && !this.offline) {
      // The session expired (or was ended elsewhere): the tickets wait for a new login.
      badges.push(h("button", { type: "button", class: "badge badge-off badge-button", dataset: { status: "login" }, text: "Reconnexion nécessaire", on: { click: () => this.lock() } }));
    }
    if (attention.length) {
      badges.push(h("button", { type: "button", class: "badge badge-off badge-button", dataset: { status: "attention" }, text: `⚠ ${attention.length} ticket${attention.length > 1 ? "s" : ""} à vérifier`, on: { click: () => openMenu(this, "attention") } }));
    }
    render(area, badges);
  }

  // --- Selling ---------------------------------------------------------------------------

  /** Record the ticket: in the outbox first (then it is safe), the next ticket at once. */
  async checkout(payments) {
    const started = performance.now();
    const total = this.ticket.total();
    const change = settle(total, payments).changeCents;
    const id = crypto.randomUUID();
    // The server's clock (estimated), and never before the session opened (+1 ms: the
    // opening time has microseconds that a JavaScript date rounds down).
    const soldAt = Math.max(this.api.now().getTime(), Date.parse(this.context.session.opened_at) + 1);
    const body = this.ticket.toSale({ id, sessionId: this.context.session.id, createdAt: new Date(soldAt).toISOString(), payments });
    await this.outbox.add(body, total);
    this.lastSale = { id, total, change, body };
    this.ticket = new Ticket();
    this.entry.clear();
    this.show("sell");
    this.metrics.checkout.push(performance.now() - started);
  }

  /** Changing cashier needs the server (PIN) and an empty outbox (tickets are sent under the
   * cashier who made them). */
  async switchCashier() {
    if (this.offline) {
      this.toast("Changer de caissier demande le réseau : la tablette est hors ligne.", "warn");
      return;
    }
    if (!this.ticket.empty) {
      this.toast("Terminez ou videz le ticket en cours avant de verrouiller.", "warn");
      return;
    }
    const left = await this.outbox.drain();
    if (left > 0) {
      this.toast(`${left} ticket(s) n'ont pas encore pu être envoyés : réessayez quand le réseau sera revenu.`, "warn");
      return;
    }
    this.lock();
  }

  // --- Updates of the app ----------------------------------------------------------------

  #watchServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then((registration) => {
      const track = (worker) => {
        if (!worker) return;
        worker.addEventListener("statechange", () => {
          if (worker.state === "installed" && navigator.serviceWorker.controller) {
            this.waitingWorker = worker;
            this.#applyWaitingUpdate();
          }
        });
      };
      if (registration.waiting && navigator.serviceWorker.controller) this.waitingWorker = registration.waiting;
      track(registration.installing);
      registration.addEventListener("updatefound", () => track(registration.installing));
      setInterval(() => registration.update().catch(() => {}), 30 * 60_000);
    }).catch(() => {});
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if (this.reloadForUpdate) location.reload();
    });
  }

  /** A new version takes over only between two tickets, never in the middle of one. */
  #applyWaitingUpdate() {
    if (!this.waitingWorker || !this.ticket.empty || !["sell", "open", "lock", "busy"].includes(this.screen)) return;
    this.reloadForUpdate = true;
    this.waitingWorker.postMessage("skip-waiting");
    this.waitingWorker = null;
  }
}

const till = new Till(document.getElementById("app"));
till.boot();
