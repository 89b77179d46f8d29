// Taking the payment: cash by default with the change shown big, card, cheque and the site's
// extra methods, split payments. One tap on a banknote records a cash ticket at once.
import { h, render } from "../js/dom.js";
import { formatEuros, parseEuros } from "../js/money.js";
import { settle } from "../js/pricing.js";

export const METHOD_LABELS = {
  cash: "Espèces",
  card: "Carte bancaire",
  check: "Chèque",
  transfer: "Virement",
  voucher: "Bon d'achat",
  local_currency: "Monnaie locale",
  gift_card: "Carte cadeau",
  free: "Gratuit",
};
const MAX_PAYMENTS = 10;
const MAX_PAYMENT_CENTS = 10_000_000_00;
const KEYS = ["7", "8", "9", "4", "5", "6", "1", "2", "3", "0", ",", "back"];

/** Banknote amounts a customer is likely to hand over for `due` cents. */
export function likelyNotes(due) {
  const candidates = [500, 1000, 2000, 5000, 10000].flatMap((step) => [Math.ceil(due / step) * step]);
  return [...new Set(candidates)].filter((value) => value > due).sort((a, b) => a - b).slice(0, 3);
}

export function renderPay(till) {
  const state = { payments: [], digits: "" };
  const total = till.ticket.total();
  const methods = ["card", "check", ...(till.context.settings.payment_methods || [])];

  const summary = h("section", { class: "pay-summary", "aria-label": "À payer" });
  const amount = h("output", { class: "pay-amount amount", id: "pay-amount", "aria-live": "polite" });
  const quick = h("div", { class: "quick-cash" });
  const validate = h("button", { type: "button", class: "button button-primary pay-validate", id: "pay-validate", text: "Valider le ticket", on: { click: () => finish() } });

  const remaining = () => settle(total, state.payments).dueCents;
  const typed = () => (state.digits ? parseEuros(state.digits) : null);

  const refresh = () => {
    const figures = settle(total, state.payments);
    render(
      summary,
      h("div", { class: "pay-line" }, h("span", { text: "Total du ticket" }), h("strong", { class: "amount", text: formatEuros(total) })),
      state.payments.length
        ? h(
            "ul",
            { class: "payments" },
            state.payments.map((payment, index) =>
              h("li", {}, h("span", { text: METHOD_LABELS[payment.method] || payment.method }), h("span", { class: "amount", text: formatEuros(payment.amountCents) }), h("button", { type: "button", class: "button button-ghost", "aria-label": `Retirer le paiement ${METHOD_LABELS[payment.method] || payment.method}`, text: "✕", on: { click: () => { state.payments.splice(index, 1); refresh(); } } })),
            ),
          )
        : null,
      figures.dueCents > 0
        ? h("div", { class: "pay-due" }, h("span", { text: "Reste à payer" }), h("strong", { class: "amount", id: "pay-due", text: formatEuros(figures.dueCents) }))
        : h("div", { class: "pay-change" }, h("span", { text: "À rendre" }), h("strong", { class: "amount", id: "pay-change", text: formatEuros(figures.changeCents) })),
    );
    const value = typed();
    amount.textContent = state.digits ? `${state.digits} €` : formatEuros(remaining());
    amount.classList.toggle("pay-amount-default", !state.digits);
    render(
      quick,
      figures.dueCents > 0
        ? [
            h("button", { type: "button", class: "button cash-note", dataset: { cash: String(figures.dueCents) }, on: { click: () => addAndFinish("cash", figures.dueCents) } }, h("span", { text: "Compte juste" }), h("strong", { class: "amount", text: formatEuros(figures.dueCents) })),
            ...likelyNotes(figures.dueCents).map((note) => h("button", { type: "button", class: "button cash-note", dataset: { cash: String(note) }, "aria-label": `Espèces reçues : ${formatEuros(note)}`, on: { click: () => addAndFinish("cash", note) } }, h("strong", { class: "amount", text: formatEuros(note) }))),
          ]
        : null,
    );
    validate.disabled = !figures.settled;
    if (value !== null && value > MAX_PAYMENT_CENTS) till.toast("Montant trop élevé.", "warn");
  };

  /** Add a payment of `method`: the typed amount, else what remains. */
  const add = (method, given = null) => {
    const due = remaining();
    const value = given ?? typed() ?? due;
    if (value === null || value <= 0) {
      till.toast(state.digits ? "Montant invalide : 2 décimales au plus." : "Le ticket est déjà payé.", "warn");
      return false;
    }
    if (value > MAX_PAYMENT_CENTS) {
      till.toast("Montant trop élevé.", "error");
      return false;
    }
    if (method !== "cash" && value > due) {
      till.toast("Les paiements hors espèces dépassent le montant dû.", "error");
      return false;
    }
    if (state.payments.length >= MAX_PAYMENTS) {
      till.toast("Dix paiements au plus par ticket.", "error");
      return false;
    }
    const existing = state.payments.find((p) => p.method === method);
    if (existing) existing.amountCents += value;
    else state.payments.push({ method, amountCents: value });
    state.digits = "";
    refresh();
    return true;
  };

  const addAndFinish = (method, value) => {
    if (add(method, value) && settle(total, state.payments).settled) finish();
  };

  const finish = () => {
    if (!settle(total, state.payments).settled) return;
    till.checkout(state.payments);
  };

  const press = (key) => {
    if (key === "back") state.digits = state.digits.slice(0, -1);
    else if (key === ",") {
      if (!state.digits.includes(",")) state.digits = (state.digits || "0") + ",";
    } else if (state.digits.length < 11) state.digits += key;
    refresh();
  };

  const main = h(
    "main",
    { class: "pay" },
    summary,
    h(
      "section",
      { class: "pay-entry", "aria-label": "Montant reçu" },
      h("p", { class: "pay-entry-label", text: "Montant reçu" }),
      amount,
      h("div", { class: "pay-keypad" }, KEYS.map((key) => h("button", { type: "button", class: "key", dataset: { key }, "aria-label": key === "back" ? "Effacer un chiffre" : key, text: key === "back" ? "⌫" : key, on: { click: () => press(key) } }))),
    ),
    h(
      "section",
      { class: "pay-methods", "aria-label": "Moyens de paiement" },
      quick,
      h("button", { type: "button", class: "button method method-cash", dataset: { method: "cash" }, text: METHOD_LABELS.cash, on: { click: () => add("cash") } }),
      methods.map((method) => h("button", { type: "button", class: "button method", dataset: { method }, text: METHOD_LABELS[method] || method, on: { click: () => add(method) } })),
      h("div", { class: "pay-actions" }, h("button", { type: "button", class: "button button-large", id: "pay-back", text: "← Retour au ticket", on: { click: () => till.show("sell") } }), validate),
    ),
  );
  till.keydown = (event) => {
    if (event.target.closest?.("input, textarea, select, dialog")) return;
    if (/^[0-9]$/.test(event.key)) press(event.key);
    else if (event.key === "," || event.key === ".") press(",");
    else if (event.key === "Backspace") press("back");
    else if (event.key === "Enter") (state.payments.length ? finish() : addAndFinish("cash", typed() ?? remaining()));
    else if (event.key === "Escape") till.show("sell");
    else return;
    event.preventDefault();
  };
  queueMicrotask(refresh);
  return main;
}

