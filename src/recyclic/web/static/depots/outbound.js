// Outbound flows (sorties): what leaves the shop other than by sale — to an eco-organism, a
// recycler, the déchèterie, or given away. Everyone reads the list; admins record them.
import { h, openDialog, render } from "../js/dom.js";
import { formatKg, gramsToJson, parseKg } from "../js/money.js";
import { FLOW_DESTINATIONS, dayIn, frenchDay, labelIn } from "./labels.js";
import { quickPicks } from "./picks.js";

const PAGE = 50;
const MAX_KG = 100_000;

export async function renderOutbound(desk, main) {
  const list = h("div", { class: "list-area", id: "flow-list" });
  const sections = [];
  if (desk.can("admin")) sections.push(flowForm(desk, () => loadList(desk, list)));
  sections.push(h("section", { class: "card", "aria-labelledby": "flows-title" }, h("h1", { id: "flows-title", text: "Sorties enregistrées" }), list));
  render(main, sections);
  await loadList(desk, list);
}

function flowForm(desk, saved) {
  const today = dayIn(desk.zone, desk.api.now());
  const state = { destination: null };
  const error = h("div", { id: "flow-error", class: "alert alert-error", role: "alert", hidden: true });
  const date = h("input", { id: "flow-date", name: "date", type: "date", max: today, value: today, required: true });
  const category = h(
    "select",
    { id: "flow-category", name: "category", required: true },
    h("option", { value: "", text: "— choisir —" }),
    desk.categories.map((c) => h("option", { value: c.code, text: `${c.code} · ${c.label}` })),
  );
  const weight = h("input", { id: "flow-weight", name: "weight", inputmode: "decimal", autocomplete: "off", placeholder: "ex. 120,5", required: true });
  const partner = h("input", { id: "flow-partner", name: "partner", maxlength: 200, autocomplete: "off", placeholder: "ex. Ecologic, déchèterie de Caen" });
  const reference = h("input", { id: "flow-ref", name: "document_ref", maxlength: 100, autocomplete: "off", placeholder: "ex. BE-2026-0142" });
  const notes = h("input", { id: "flow-notes", name: "notes", maxlength: 2000, autocomplete: "off" });
  const picks = quickPicks({ label: "Destination", name: "flow-destination", pairs: FLOW_DESTINATIONS, get: () => state.destination, set: (v) => (state.destination = v), required: true });
  const submit = h("button", { type: "submit", id: "flow-save", class: "button button-primary button-large", text: "Enregistrer la sortie" });
  const show = (message, field) => {
    error.textContent = message || "";
    error.hidden = !message;
    for (const input of [date, category, weight]) input.removeAttribute("aria-invalid");
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
  };
  const field = (id, label, input) => h("div", { class: "field" }, h("label", { for: id, text: label }), input);
  const form = h(
    "form",
    {
      class: "flow-form",
      novalidate: true,
      on: {
        submit: async (event) => {
          event.preventDefault();
          const grams = parseKg(weight.value);
          if (!date.value || date.value > today) return show("Date : aujourd'hui ou un jour passé.", date);
          if (!category.value) return show("Choisissez la catégorie.", category);
          if (grams === null || grams <= 0 || grams > MAX_KG * 1000) return show("Poids invalide : en kilos, par exemple 120 ou 35,5 (100 000 kg au plus).", weight);
          if (!state.destination) return show("Choisissez la destination.");
          show("");
          submit.disabled = true;
          try {
            const flow = await desk.api.post("/outbound-flows", {
              date: date.value,
              category: category.value,
              weight_kg: gramsToJson(grams),
              destination: state.destination,
              partner: partner.value.trim() || null,
              document_ref: reference.value.trim() || null,
              notes: notes.value.trim() || null,
            });
            desk.toast(`Sortie enregistrée : ${flow.category} · ${formatKg(Math.round(flow.weight_kg * 1000))} · ${labelIn(FLOW_DESTINATIONS, flow.destination)}`, "ok");
            for (const input of [weight, reference, notes]) input.value = "";
            await saved();
            weight.focus();
          } catch (failure) {
            show(failure.message);
          } finally {
            submit.disabled = false;
          }
        },
      },
    },
    error,
    h("div", { class: "flow-grid" }, field("flow-date", "Date", date), field("flow-category", "Catégorie", category), field("flow-weight", "Poids (kg)", weight)),
    picks,
    h("div", { class: "flow-grid" }, field("flow-partner", "Partenaire", partner), field("flow-ref", "N° du bon d'enlèvement", reference), field("flow-notes", "Remarque", notes)),
    h("div", { class: "entry-actions" }, submit),
  );
  return h("section", { class: "card", "aria-labelledby": "flow-title" }, h("h1", { id: "flow-title", text: "Nouvelle sortie" }), form);
}

async function loadList(desk, container) {
  const body = h("tbody");
  const more = h("button", { type: "button", class: "button", id: "flow-more", text: "Voir plus", hidden: true });
  let cursor = null;
  const load = async () => {
    const page = await desk.api.get(`/outbound-flows?limit=${PAGE}${desk.scope}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    body.append(
      ...page.items.map((flow) =>
        h(
          "tr",
          { dataset: { flow: flow.id } },
          h("td", { text: frenchDay(flow.date) }),
          h("td", { text: desk.categoryLabel(flow.category) }),
          h("td", { class: "amount", text: formatKg(Math.round(flow.weight_kg * 1000)) }),
          h("td", { text: labelIn(FLOW_DESTINATIONS, flow.destination) }),
          h("td", { text: flow.partner || "—" }),
          h("td", { text: flow.document_ref || "—" }),
          h("td", { text: flow.notes || "" }),
          desk.can("admin") ? h("td", {}, h("button", { type: "button", class: "button button-danger-outline", dataset: { action: "delete-flow" }, text: "Supprimer", on: { click: () => remove(desk, flow, () => loadList(desk, container)) } })) : null,
        ),
      ),
    );
    cursor = page.next_cursor;
    more.hidden = !cursor;
    return page;
  };
  more.addEventListener("click", () => load().catch((error) => desk.toast(error.message, "error")));
  const first = await load();
  if (!first.items.length) {
    render(container, h("p", { class: "hint empty", text: "Aucune sortie enregistrée." }));
    return;
  }
  render(
    container,
    h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        { class: "list" },
        h("caption", { class: "visually-hidden", text: "Sorties enregistrées" }),
        h("thead", {}, h("tr", {}, ["Date", "Catégorie", "Poids", "Destination", "Partenaire", "N° de bon", "Remarque", desk.can("admin") ? "Actions" : null].filter(Boolean).map((title) => h("th", { scope: "col", text: title })))),
        body,
      ),
    ),
    more,
  );
}

/** Delete a flow recorded by mistake (admins; the API writes it to the audit log). */
async function remove(desk, flow, removed) {
  const confirmed = await openDialog({
    title: "Supprimer cette sortie ?",
    content: h("p", { text: `${frenchDay(flow.date)} · ${flow.category} · ${formatKg(Math.round(flow.weight_kg * 1000))} · ${flow.partner || labelIn(FLOW_DESTINATIONS, flow.destination)}. À faire seulement pour une sortie saisie par erreur.` }),
    actions: [
      { label: "Garder", value: false },
      { label: "Supprimer la sortie", value: true, danger: true, id: "confirm-delete-flow" },
    ],
  });
  if (confirmed !== true) return;
  try {
    await desk.api.request("DELETE", `/outbound-flows/${flow.id}`);
    desk.toast("Sortie supprimée.", "info");
    await removed();
  } catch (error) {
    desk.toast(error.message, "error");
  }
}
