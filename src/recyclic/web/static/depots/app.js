// The reception desk (/depots): volunteers record what people drop off — typed or dictated,
// the AI proposes, a person validates — and admins review what nobody validated and record
// what leaves the shop (sorties). Every figure comes from the API with the person's token:
// the page shows only what the person's role may do there.
import { Api, ApiError, NetworkError } from "../js/api.js";
import { $, h, render } from "../js/dom.js";
import { renderEntry } from "./entry.js";
import { UUID } from "./labels.js";
import { renderDay, renderDetail, renderReview } from "./lists.js";
import { renderOutbound } from "./outbound.js";

const RANK = { viewer: 1, operator: 2, admin: 3, super_admin: 4 };
// A workstation used for reception: "/" sends its operators here rather than to the till.
export const POST_KEY = "recyclic-poste";

class Desk {
  constructor(root) {
    this.root = root;
    this.api = new Api();
    this.user = null;
    this.site = null;
    this.categories = [];
    this.entryState = null;
    // Figures the tests read: how long each "Valider" took (ms), and the deposits recorded.
    this.metrics = { validate: [], recorded: 0 };
    window.__desk = this;
  }

  /** At least `role` (the API's order: viewer < operator < admin < super_admin). */
  can(role) {
    return (RANK[this.user?.role] || 0) >= RANK[role];
  }

  /** May this person change this deposit (their own, or any as an admin)? */
  owns(deposit) {
    return this.can("admin") || deposit.created_by === this.user.id;
  }

  async boot() {
    try {
      this.user = await this.api.refresh();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        location.replace(`/connexion?suivant=${encodeURIComponent(location.pathname)}`);
        return;
      }
      return this.fatal(error);
    }
    try {
      if (!this.user.site_id) throw new Error("Votre compte n'est rattaché à aucun site.");
      const [site, categories] = await Promise.all([this.api.get(`/sites/${this.user.site_id}`), this.api.get("/categories")]);
      this.site = site;
      this.categories = categories.filter((c) => c.active).sort((a, b) => a.display_order - b.display_order || a.code.localeCompare(b.code));
    } catch (error) {
      return this.fatal(error);
    }
    if (this.user.role === "operator") localStorage.setItem(POST_KEY, "depots");
    window.addEventListener("popstate", () => this.route());
    this.route();
  }

  /** A super admin sees every site by default: the desk works on their own site only. */
  get scope() {
    return this.user.role === "super_admin" ? `&site_id=${this.user.site_id}` : "";
  }

  get zone() {
    return this.site?.timezone || "Europe/Paris";
  }

  /** The sections this person may open, in the order of the tabs. */
  sections() {
    const sections = [];
    if (this.can("operator")) sections.push(["saisie", "Nouveau dépôt"]);
    sections.push(["jour", "Dépôts du jour"]);
    if (this.can("admin")) sections.push(["revue", "À valider"]);
    sections.push(["sorties", "Sorties"]);
    return sections;
  }

  route() {
    const detail = /^\/depots\/([^/]+)$/.exec(location.pathname);
    if (detail) return this.show("detail", decodeURIComponent(detail[1]));
    const wanted = location.hash.slice(1);
    const allowed = this.sections().map(([id]) => id);
    this.show(allowed.includes(wanted) ? wanted : allowed[0]);
  }

  /** Another section, without reloading the page (what is being recorded stays). */
  go(section) {
    const target = `/depots#${section}`;
    if (location.pathname + location.hash !== target) history.pushState(null, "", target);
    this.route();
  }

  show(section, argument) {
    this.section = section;
    const main = h("main", { id: "desk-main", class: `desk-main desk-${section}`, tabindex: "-1" });
    render(this.root, this.#header(), main, h("div", { id: "toasts", class: "toasts", role: "status", "aria-live": "polite" }));
    const view = {
      saisie: () => renderEntry(this, main),
      jour: () => renderDay(this, main),
      revue: () => renderReview(this, main),
      sorties: () => renderOutbound(this, main),
      detail: () => renderDetail(this, main, argument),
    }[section];
    view().catch((error) => this.failed(main, error));
  }

  /** A section could not load: say why, in place. */
  failed(main, error) {
    const message = error instanceof NetworkError ? error.message : error.message || String(error);
    main.append(h("div", { class: "alert alert-error", role: "alert", text: message }));
  }

  #header() {
    const links = [];
    if (this.can("operator")) {
      links.push(h("a", { class: "button", href: "/caisse", text: "Caisse", on: { click: () => localStorage.removeItem(POST_KEY) } }));
    }
    if (this.can("viewer") && this.user.role !== "operator") links.push(h("a", { class: "button", href: "/admin", text: "Administration" }));
    return h(
      "header",
      { class: "desk-header" },
      h("div", { class: "desk-title" }, h("span", { class: "brand", text: "Recyclic" }), h("span", { text: this.site?.name || "" })),
      h(
        "nav",
        { class: "desk-tabs", "aria-label": "Sections de l'accueil" },
        this.sections().map(([id, label]) =>
          h("a", { href: `/depots#${id}`, class: "desk-tab", dataset: { section: id }, "aria-current": this.section === id ? "page" : null, text: label }),
        ),
      ),
      h("div", { class: "desk-user" }, h("span", { text: this.user.full_name }), links, h("button", { type: "button", class: "button", text: "Déconnexion", on: { click: () => this.logout() } })),
    );
  }

  async logout() {
    await this.api.logout().catch(() => {});
    location.replace("/connexion?suivant=/depots");
  }

  fatal(error) {
    render(this.root, h("main", { class: "desk-message card" }, h("h1", { text: "L'accueil des dépôts n'a pas pu démarrer" }), h("p", { text: error.message || String(error) }), h("button", { type: "button", class: "button button-primary button-large", text: "Recharger", on: { click: () => location.reload() } })));
  }

  /** A short message at the bottom of the screen. */
  toast(message, kind = "info", timeout = 6000) {
    const area = $("#toasts");
    if (!area) return;
    const item = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" }, h("span", { text: message }), h("button", { type: "button", class: "button button-ghost", "aria-label": "Fermer le message", text: "✕", on: { click: () => item.remove() } }));
    area.append(item);
    if (timeout) setTimeout(() => item.remove(), timeout);
  }

  category(code) {
    return this.categories.find((c) => c.code === code) || null;
  }

  categoryLabel(code) {
    if (!code) return "—";
    const category = this.category(code);
    return category ? `${code} · ${category.label}` : code;
  }

  isDepositId(value) {
    return UUID.test(value);
  }
}

const desk = new Desk(document.getElementById("app"));
desk.boot();
