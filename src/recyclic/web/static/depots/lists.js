// Deposits as lists: today's (everyone), the review of AI-classified deposits nobody
// validated (admins), and one deposit by its address (/depots/<id>). Buttons appear only for
// what the person may do: the API would refuse the rest.
import { ApiError } from "../js/api.js";
import { h, openDialog, render } from "../js/dom.js";
import { formatKg } from "../js/money.js";
import { stateFor } from "./entry.js";
import { CHANNELS, DESTINATIONS, DONORS, PROVIDERS, STATUS, dateTimeIn, dayIn, frenchDay, labelIn, timeIn } from "./labels.js";

const PAGE = 50;
const grams = (kg) => (kg === null || kg === undefined ? null : Math.round(kg * 1000));
const weightText = (kg) => (kg === null || kg === undefined ? "—" : formatKg(grams(kg)));

/** Names of the site's people, for admins (others see "vous" / "un autre bénévole"). */
async function peopleNames(desk) {
  if (!desk.can("admin")) return null;
  if (desk.people) return desk.people;
  const names = new Map();
  try {
    let cursor = null;
    for (let i = 0; i < 5; i++) {
      const page = await desk.api.get(`/users?limit=500${desk.scope}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      for (const user of page.items) names.set(user.id, user.full_name);
      cursor = page.next_cursor;
      if (!cursor) break;
    }
  } catch {
    // Names are a comfort: the list works without them.
  }
  desk.people = names;
  return names;
}

function author(desk, deposit, names) {
  if (deposit.created_by === desk.user.id) return "Vous";
  return names?.get(deposit.created_by) || "Un autre bénévole";
}

function origin(deposit) {
  const parts = [labelIn(DONORS, deposit.donor_type), deposit.postal_code, labelIn(CHANNELS, deposit.channel)].filter(Boolean);
  return parts.join(" · ");
}

function aiText(deposit) {
  if (!deposit.ai_category) return deposit.category ? "Choisie par une personne" : "";
  const alternatives = (deposit.ai_alternatives || []).map((a) => `${a.category} ${a.confidence} %`).join(", ");
  const provider = PROVIDERS[deposit.ai_provider] || "IA";
  return `${provider} : ${deposit.ai_category} ${deposit.ai_confidence ?? "?"} %${alternatives ? ` (autres : ${alternatives})` : ""}`;
}

/** The buttons of one deposit for this person. `changed` reloads the list. */
function actions(desk, deposit, changed, { review = false } = {}) {
  const buttons = [];
  const open = deposit.status === "draft" || deposit.status === "classified";
  if (open && desk.can("operator")) {
    const complete = deposit.category && deposit.weight_kg !== null && deposit.quantity !== null;
    if (review && complete) {
      buttons.push(h("button", { type: "button", class: "button button-primary", dataset: { action: "validate" }, text: "Valider", "aria-label": `Valider tel quel : ${deposit.description || deposit.category}`, on: { click: () => quickValidate(desk, deposit, changed) } }));
    }
    buttons.push(h("button", { type: "button", class: "button", dataset: { action: "resume" }, text: review ? "Corriger" : "Reprendre", on: { click: () => resume(desk, deposit) } }));
  }
  if (open && desk.can("operator") && desk.owns(deposit)) {
    buttons.push(h("button", { type: "button", class: "button button-danger-outline", dataset: { action: "cancel" }, text: "Annuler", on: { click: () => cancel(desk, deposit, changed) } }));
  }
  if (deposit.status === "validated" && desk.can("admin")) {
    buttons.push(h("button", { type: "button", class: "button", dataset: { action: "correct" }, text: "Corriger", on: { click: () => resume(desk, deposit) } }));
  }
  return buttons;
}

function resume(desk, deposit) {
  desk.pendingEntry = stateFor(deposit);
  desk.go("saisie");
}

async function quickValidate(desk, deposit, changed) {
  try {
    const saved = await desk.api.post(`/deposits/${deposit.id}/validate`, {});
    desk.toast(`Dépôt validé : ${saved.category} · ${weightText(saved.weight_kg)} · ${saved.quantity}`, "ok");
    changed();
  } catch (error) {
    desk.toast(error.message, "error");
  }
}

async function cancel(desk, deposit, changed) {
  const confirmed = await openDialog({
    title: "Annuler ce dépôt ?",
    content: h("p", { text: `« ${deposit.description || deposit.category || "Dépôt sans description"} » ne comptera pas dans les chiffres. L'annulation est définitive.` }),
    actions: [
      { label: "Garder le dépôt", value: false },
      { label: "Annuler le dépôt", value: true, danger: true, id: "confirm-cancel" },
    ],
  });
  if (confirmed !== true) return;
  try {
    await desk.api.request("PATCH", `/deposits/${deposit.id}`, { json: { status: "cancelled" } });
    desk.toast("Dépôt annulé.", "info");
    changed();
  } catch (error) {
    desk.toast(error.message, "error");
  }
}

function depositRow(desk, deposit, names, changed, options = {}) {
  const when = options.review ? dateTimeIn(desk.zone, deposit.created_at) : timeIn(desk.zone, deposit.created_at);
  return h(
    "tr",
    { dataset: { deposit: deposit.id, status: deposit.status } },
    h("td", {}, h("a", { href: `/depots/${deposit.id}`, text: when, "aria-label": `Détail du dépôt de ${when}` })),
    h("td", { class: "cell-description" }, h("span", { text: deposit.description || "(sans description)" }), deposit.has_audio ? h("span", { class: "tag", text: "dicté" }) : null),
    h("td", {}, h("span", { class: "cell-category", text: desk.categoryLabel(deposit.category) }), options.review ? h("span", { class: "hint cell-ai", text: aiText(deposit) }) : null),
    h("td", { class: "amount", text: weightText(deposit.weight_kg) }),
    h("td", { class: "amount", text: deposit.quantity ?? "—" }),
    h("td", { text: origin(deposit) || "—" }),
    h("td", {}, h("span", { class: `status status-${deposit.status}`, text: STATUS[deposit.status] })),
    h("td", { text: author(desk, deposit, names) }),
    desk.can("operator") ? h("td", {}, h("div", { class: "cell-actions" }, actions(desk, deposit, changed, options))) : null,
  );
}

function depositTable(caption, rows, withActions) {
  const titles = ["Heure", "Description", "Catégorie", "Poids", "Qté", "Provenance", "Statut", "Par"];
  if (withActions) titles.push("Actions");
  return h(
    "table",
    { class: "list" },
    h("caption", { class: "visually-hidden", text: caption }),
    h("thead", {}, h("tr", {}, titles.map((title) => h("th", { scope: "col", text: title })))),
    h("tbody", {}, rows),
  );
}

/** A paged list: the first page, then "Voir plus" with the API's cursor. */
async function pagedList({ desk, container, path, caption, empty, row }) {
  const names = await peopleNames(desk);
  const body = h("tbody");
  const more = h("button", { type: "button", class: "button", id: "list-more", text: "Voir plus", hidden: true });
  let cursor = null;
  const load = async () => {
    const page = await desk.api.get(`${path}&limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    body.append(...page.items.map((item) => row(item, names)));
    cursor = page.next_cursor;
    more.hidden = !cursor;
    return page;
  };
  more.addEventListener("click", () => load().catch((error) => desk.toast(error.message, "error")));
  const first = await load();
  if (!first.items.length) render(container, h("p", { class: "hint empty", text: empty }));
  else {
    // Readers have nothing to do here: no column of buttons for them.
    const table = depositTable(caption, [], desk.can("operator"));
    table.querySelector("tbody").replaceWith(body);
    render(container, h("div", { class: "table-scroll" }, table), more);
  }
  return first;
}

export async function renderDay(desk, main) {
  const today = dayIn(desk.zone, desk.api.now());
  const container = h("div", { class: "list-area" });
  const summary = h("p", { id: "day-summary", class: "lead" });
  render(main, h("section", { class: "card", "aria-labelledby": "day-title" }, h("h1", { id: "day-title", text: `Dépôts du jour — ${frenchDay(today)}` }), summary, container));
  const reload = () => renderDay(desk, main).catch((error) => desk.failed(main, error));
  await pagedList({
    desk,
    container,
    path: `/deposits?from=${today}&to=${today}${desk.scope}`,
    caption: "Dépôts du jour",
    empty: "Aucun dépôt aujourd'hui pour l'instant.",
    row: (deposit, names) => depositRow(desk, deposit, names, reload),
  });
  // Today's validated weight, from the API's own sums.
  try {
    const stats = await desk.api.get(`/stats/summary?from=${today}&to=${today}${desk.scope}`);
    summary.textContent = `${stats.totals.deposits_count} dépôt${stats.totals.deposits_count > 1 ? "s" : ""} validé${stats.totals.deposits_count > 1 ? "s" : ""} · ${formatKg(grams(stats.totals.weight_in_kg))}`;
  } catch {
    summary.hidden = true;
  }
}

export async function renderReview(desk, main) {
  if (!desk.can("admin")) return;
  const container = h("div", { class: "list-area" });
  render(
    main,
    h(
      "section",
      { class: "card", "aria-labelledby": "review-title" },
      h("h1", { id: "review-title", text: "Dépôts classés, pas encore validés" }),
      h("p", { class: "hint", text: "Proposés par l'IA (ou catégorisés) mais que personne n'a validés : « Valider » les garde tels quels, « Corriger » les ouvre dans le formulaire." }),
      container,
    ),
  );
  const reload = () => renderReview(desk, main).catch((error) => desk.failed(main, error));
  await pagedList({
    desk,
    container,
    path: `/deposits?status=classified${desk.scope}`,
    caption: "Dépôts à valider",
    empty: "Rien à valider : tous les dépôts classés ont été vus.",
    row: (deposit, names) => depositRow(desk, deposit, names, reload, { review: true }),
  });
}

export async function renderDetail(desk, main, reference) {
  const notFound = () =>
    render(
      main,
      h(
        "section",
        { class: "card narrow-card", "aria-labelledby": "detail-title" },
        h("h1", { id: "detail-title", text: "Dépôt introuvable" }),
        h("p", { class: "alert alert-error", id: "detail-missing", role: "alert", text: "Ce dépôt n'existe pas ou appartient à un autre site (erreur 404)." }),
        h("a", { class: "button", href: "/depots#jour", text: "Retour aux dépôts du jour" }),
      ),
    );
  if (!desk.isDepositId(reference)) return notFound();
  let deposit;
  try {
    deposit = await desk.api.get(`/deposits/${reference}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return notFound();
    throw error;
  }
  const names = await peopleNames(desk);
  const reload = () => renderDetail(desk, main, reference).catch((error) => desk.failed(main, error));
  const row = (term, value) => [h("dt", { text: term }), h("dd", { text: value === null || value === undefined || value === "" ? "—" : String(value) })];
  render(
    main,
    h(
      "section",
      { class: "card narrow-card", "aria-labelledby": "detail-title", dataset: { deposit: deposit.id, status: deposit.status } },
      h("h1", { id: "detail-title", text: `Dépôt du ${dateTimeIn(desk.zone, deposit.created_at)}` }),
      h("p", {}, h("span", { class: `status status-${deposit.status}`, text: STATUS[deposit.status] })),
      h(
        "dl",
        { class: "detail" },
        row("Description", deposit.description),
        row("Transcription", deposit.transcription),
        row("Catégorie", desk.categoryLabel(deposit.category)),
        row("Proposition de l'IA", aiText(deposit)),
        row("Poids", weightText(deposit.weight_kg)),
        row("Quantité", deposit.quantity),
        row("Destination prévue", labelIn(DESTINATIONS, deposit.destination)),
        row("Provenance", origin(deposit)),
        row("Enregistré par", author(desk, deposit, names)),
        row("Validé le", deposit.validated_at ? dateTimeIn(desk.zone, deposit.validated_at) : null),
        row("Enregistrement vocal", deposit.has_audio ? "conservé" : deposit.audio_deleted_at ? "supprimé (durée de conservation)" : "aucun"),
      ),
      h("div", { class: "row" }, actions(desk, deposit, reload, { review: deposit.status === "classified" }), h("a", { class: "button", href: "/depots#jour", text: "Dépôts du jour" })),
    ),
  );
}
