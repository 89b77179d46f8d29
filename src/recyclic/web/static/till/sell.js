// The selling screen: category keys, keypad, presets, and the ticket always in view.
import { $, h, render } from "../js/dom.js";
import { formatEuros, jsonToCents } from "../js/money.js";
import { PricingError, priceLine } from "../js/pricing.js";
import { categoryByShortcut, categoryKeys, labelOf } from "./categories.js";
import { editLine } from "./line_editor.js";
import { showReceipt } from "./receipt.js";
import { lineDetail, makeLine } from "./ticket.js";

const KEYPAD = [
  ["7", "7"], ["8", "8"], ["9", "9"], ["back", "⌫"],
  ["4", "4"], ["5", "5"], ["6", "6"], ["times", "×"],
  ["1", "1"], ["2", "2"], ["3", "3"], ["kg", "kg"],
  ["0", "0"], ["00", "00"], [",", ","], ["clear", "C"],
];
const KEY_LABELS = { back: "Effacer un chiffre", times: "Quantité (lot)", kg: "Poids en kilos", clear: "Tout effacer" };

export function renderSell(till) {
  const keys = categoryKeys(till.context.categories);
  const presets = till.context.settings.till_presets || [];
  const main = h(
    "main",
    { class: "sell" },
    h(
      "section",
      { class: "sell-keys", "aria-label": "Catégories" },
      h("div", { class: "entry", id: "entry", "aria-live": "polite" }),
      h(
        "div",
        { class: "category-grid" },
        keys.map((key) =>
          h(
            "button",
            {
              type: "button",
              class: `category-key ${key.colour}`,
              dataset: { category: key.category.code },
              "aria-label": `${key.category.label}${key.shortcut ? ` (touche ${key.shortcut})` : ""}`,
              on: { click: () => categoryPressed(till, key.category) },
            },
            h("span", { class: "category-label", text: key.category.label }),
            key.shortcut ? h("kbd", { class: "shortcut", text: key.shortcut, "aria-hidden": "true" }) : null,
          ),
        ),
      ),
      presets.length
        ? h(
            "div",
            { class: "presets", "aria-label": "Boutons rapides" },
            presets.map((preset) =>
              h("button", { type: "button", class: "button preset", dataset: { preset: preset.label }, on: { click: () => presetPressed(till, preset) } }, h("span", { text: preset.label }), h("span", { class: "amount", text: formatEuros(jsonToCents(preset.unit_price)) })),
            ),
          )
        : null,
    ),
    h(
      "section",
      { class: "keypad", "aria-label": "Pavé numérique" },
      KEYPAD.map(([key, label]) =>
        h("button", { type: "button", class: `key key-${/^\d+$/.test(key) ? "digit" : key === "," ? "digit" : "op"}`, dataset: { key }, "aria-label": KEY_LABELS[key] || label, text: label, on: { click: () => keyPressed(till, key) } }),
      ),
    ),
    h("section", { class: "ticket-panel", "aria-label": "Ticket en cours" }, h("div", { id: "ticket" })),
  );
  till.keydown = (event) => onKeydown(till, keys, event);
  queueMicrotask(() => {
    updateEntry(till);
    updateTicket(till);
  });
  return main;
}

function keyPressed(till, key) {
  const error = till.entry.press(key);
  if (error) till.toast(error, "warn", 4000);
  updateEntry(till);
}

function categoryPressed(till, category) {
  if (till.entry.empty) {
    // No amount typed: the line editor asks for everything (price, quantity, weight…).
    editLine(till, { category }).then(() => updateTicket(till));
    return;
  }
  try {
    till.ticket.add(till.entry.toLine(category));
    till.entry.clear();
    till.lastSale = null;
  } catch (error) {
    if (!(error instanceof PricingError)) throw error;
    till.toast(error.message, "error");
  }
  updateEntry(till);
  updateTicket(till);
}

function presetPressed(till, preset) {
  const category = till.context.categories.find((c) => c.code === preset.category);
  if (!category) {
    till.toast(`Catégorie inconnue ou désactivée : ${preset.category}.`, "error");
    return;
  }
  try {
    till.ticket.add(makeLine({ category, description: preset.label, quantity: preset.quantity || 1, unitPriceCents: jsonToCents(preset.unit_price) }));
    till.lastSale = null;
  } catch (error) {
    till.toast(error.message, "error");
  }
  updateTicket(till);
}

function updateEntry(till) {
  const entry = $("#entry");
  if (!entry) return;
  const text = till.entry.describe();
  render(entry, text ? h("span", { class: "entry-value", text }) : h("span", { class: "entry-hint", text: "Tapez le prix, puis la catégorie (× pour un lot, kg pour le poids)" }));
}

export function updateTicket(till) {
  const panel = $("#ticket");
  if (!panel) return;
  const { ticket, lastSale } = till;
  let total = 0;
  try {
    total = ticket.total();
  } catch {
    total = NaN;
  }
  render(
    panel,
    lastSale && ticket.empty ? changeBanner(till, lastSale) : null,
    ticket.empty
      ? h("p", { class: "ticket-empty", text: "Nouveau ticket" })
      : h(
          "ol",
          { class: "ticket-lines" },
          ticket.lines.map((line) =>
            h(
              "li",
              { class: "ticket-line" },
              h(
                "button",
                { type: "button", class: "line-main", "aria-label": `Modifier la ligne ${labelOf(till.context.categories, line.category)}`, on: { click: () => editLine(till, { line }).then(() => updateTicket(till)) } },
                h("span", { class: "line-label", text: line.description || labelOf(till.context.categories, line.category) }),
                h("span", { class: "line-detail", text: lineDetail(line) + (priceLine(line).discountCents ? ` − remise ${formatEuros(priceLine(line).discountCents)}` : "") }),
              ),
              h("span", { class: "line-total amount", text: formatEuros(priceLine(line).totalCents) }),
              h("button", { type: "button", class: "button button-ghost line-remove", "aria-label": "Retirer la ligne", text: "✕", on: { click: () => { ticket.remove(line.key); updateTicket(till); } } }),
            ),
          ),
        ),
    h("div", { class: "ticket-total" }, h("span", { text: "Total" }), h("strong", { class: "amount", id: "ticket-total", text: formatEuros(total || 0) })),
    h("button", {
      type: "button",
      class: "button button-primary checkout",
      id: "checkout",
      disabled: ticket.empty,
      text: ticket.empty ? "Encaisser" : `Encaisser ${formatEuros(total)}`,
      on: { click: () => startPayment(till) },
    }),
  );
}

function changeBanner(till, sale) {
  return h(
    "div",
    { class: "change-banner", role: "status" },
    sale.change > 0
      ? h("div", { class: "change-amount" }, h("span", { text: "À rendre" }), h("strong", { class: "amount", id: "change-due", text: formatEuros(sale.change) }))
      : h("div", { class: "change-amount" }, h("span", { text: "Ticket enregistré" }), h("strong", { class: "amount", text: formatEuros(sale.total) })),
    h("button", { type: "button", class: "button", id: "show-receipt", text: "Ticket", on: { click: () => showReceipt(till, sale.id) } }),
  );
}

export function startPayment(till) {
  if (till.ticket.empty) return;
  let total;
  try {
    total = till.ticket.total();
  } catch (error) {
    till.toast(error.message, "error");
    return;
  }
  if (total === 0) {
    // A 0 € ticket (a gift) needs no payment.
    till.checkout([{ method: "free", amountCents: 0 }]);
    return;
  }
  till.show("pay");
}

function onKeydown(till, keys, event) {
  if (event.target.closest?.("input, textarea, select, dialog")) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const key = event.key;
  let handled = true;
  if (/^[0-9]$/.test(key)) keyPressed(till, key);
  else if (key === "," || key === ".") keyPressed(till, ",");
  else if (key === "Backspace") keyPressed(till, "back");
  else if (key === "Escape" || key === "Delete") keyPressed(till, "clear");
  else if (key === "*") keyPressed(till, "times");
  else if (key === "Enter") startPayment(till);
  else if (/^[a-zA-Z]$/.test(key)) {
    const found = categoryByShortcut(keys, key);
    if (found) categoryPressed(till, found.category);
    else handled = false;
  } else handled = false;
  if (handled) event.preventDefault();
}
