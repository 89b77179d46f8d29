// The outbox: every ticket is written here first, then sent; it leaves only when the server
// answers 200/201. A refusal (4xx) moves it to "attention" for a person to see — never
// dropped. Network and server errors retry with backoff, on the `online` event, when the tab
// becomes visible, and on a timer (Background Sync is not available everywhere).
import { ApiError, NetworkError } from "./api.js";
import { database } from "./db.js";

const MIN_DELAY_MS = 2_000;
const MAX_DELAY_MS = 60_000;
const TICK_MS = 15_000;

export class Outbox extends EventTarget {
  constructor(api) {
    super();
    this.api = api;
    this.delay = MIN_DELAY_MS;
    this.retryTimer = null;
    this.running = null;
    this.blocked = null; // why sending stopped: "offline", "auth", null
  }

  /** Keep a ticket (it is safe once this resolves), then try to send it. `totalCents` is
   * what the till showed, for the lists of waiting tickets. */
  async add(ticket, totalCents) {
    const db = await database();
    await db.put("outbox", { id: ticket.id, created_at: ticket.created_at, total_cents: totalCents, body: ticket, attempts: 0, error: null });
    this.#changed();
    queueMicrotask(() => this.drain());
  }

  async pending() {
    const db = await database();
    return db.getAllFromIndex("outbox", "created_at");
  }

  async count() {
    return (await database()).count("outbox");
  }

  async attention() {
    return (await database()).getAll("attention");
  }

  async dismiss(id) {
    await (await database()).delete("attention", id);
    this.#changed();
  }

  /** Start listening for the moments to send. */
  start() {
    window.addEventListener("online", () => this.drain());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.drain();
    });
    setInterval(() => this.drain(), TICK_MS);
    this.drain();
  }

  /** Send what waits, oldest first; one call at a time. Resolves to the number still waiting. */
  drain() {
    this.running ??= this.#send().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async #send() {
    const db = await database();
    for (const entry of await db.getAllFromIndex("outbox", "created_at")) {
      if (!this.api.token) {
        this.#stop("auth");
        break;
      }
      try {
        const sale = await this.api.post("/sales", entry.body);
        await db.delete("outbox", entry.id);
        this.dispatchEvent(new CustomEvent("sent", { detail: { id: entry.id, sale } }));
        this.delay = MIN_DELAY_MS;
        this.blocked = null;
      } catch (error) {
        if (error instanceof ApiError && error.permanent) {
          const tx = db.transaction(["outbox", "attention"], "readwrite");
          await tx.objectStore("attention").put({ ...entry, error: error.message, code: error.code, status: error.status, refused_at: new Date().toISOString() });
          await tx.objectStore("outbox").delete(entry.id);
          await tx.done;
          this.dispatchEvent(new CustomEvent("refused", { detail: { id: entry.id, error } }));
          continue;
        }
        await db.put("outbox", { ...entry, attempts: entry.attempts + 1, error: error.message });
        this.#stop(error instanceof NetworkError ? "offline" : error.status === 401 ? "auth" : "server");
        break;
      } finally {
        this.#changed();
      }
    }
    const left = await db.count("outbox");
    if (left === 0) this.blocked = null;
    this.#changed();
    return left;
  }

  #stop(reason) {
    this.blocked = reason;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.drain(), this.delay);
    this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
  }

  #changed() {
    this.dispatchEvent(new Event("change"));
  }
}
