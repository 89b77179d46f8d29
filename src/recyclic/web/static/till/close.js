// Closing the till: send every waiting ticket first, count the drawer by denomination (or a
// total), see expected vs counted, explain a variance above the site's threshold, keep a float
// for next time; then the Z report, on screen and printable.
import { NetworkError } from "../js/api.js";
import { h, render } from "../js/dom.js";
import { centsToJson, formatEuros, jsonToCents, parseEuros } from "../js/money.js";
import { saveContext } from "./context.js";
import { printText, paperWidth } from "./receipt.js";

const DENOMINATIONS = [50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1];
const denominationKey = (cents) => String(cents / 100);
const denominationLabel = (cents) => (cents >= 100 ? `${cents / 100} €` : `${cents} c`);

export function renderClose(till) {
  const main = h("main", { class: "close", "aria-labelledby": "close-title" });
  const session = till.context.session;
  const state = { counts: new Map(), byTotal: false, total: "", live: null };

  const title = h("h1", { id: "close-title", text: `Clôturer la caisse${till.context.register ? ` : ${till.context.register.name}` : ""}` });

  const start = async () => {
    render(main, title, h("p", { text: "Envoi des tickets en attente…" }));
    let left;
    try {
      left = await till.outbox.drain();
    } catch {
      left = await till.outbox.count();
    }
    if (left > 0) {
      render(
        main,
        title,
        h("p", { class: "alert alert-error", id: "close-blocked", text: `Impossible de clôturer : ${left} ticket${left > 1 ? "s" : ""} n'${left > 1 ? "ont" : "a"} pas pu être envoyé${left > 1 ? "s" : ""} au serveur. Vérifiez le réseau puis réessayez.` }),
        h("div", { class: "row" }, h("button", { type: "button", class: "button button-large", text: "← Retour à la vente", on: { click: () => till.show("sell") } }), h("button", { type: "button", class: "button button-primary button-large", text: "Réessayer", on: { click: start } })),
      );
      return;
    }
    try {
      const fresh = await till.api.get(`/cash-sessions/${session.id}`);
      state.live = fresh.live_totals;
      state.opening = jsonToCents(fresh.opening_amount);
    } catch (error) {
      render(main, title, h("p", { class: "alert alert-error", text: error instanceof NetworkError ? "Le réseau est nécessaire pour clôturer la caisse." : error.message }), h("button", { type: "button", class: "button button-large", text: "← Retour à la vente", on: { click: () => till.show("sell") } }));
      return;
    }
    form();
  };

  const counted = () => (state.byTotal ? parseEuros(state.total) : [...state.counts].reduce((sum, [cents, n]) => sum + cents * n, 0));

  const form = () => {
    const expected = jsonToCents(state.live.expected_cash);
    const threshold = jsonToCents(till.context.settings.cash_variance_threshold || 0);
    const summary = h("div", { class: "close-summary", "aria-live": "polite" });
    const comment = h("textarea", { id: "close-comment", rows: "2", maxlength: "1000" });
    const commentField = h("div", { class: "field" }, h("label", { for: "close-comment", id: "close-comment-label", text: "Commentaire sur l'écart" }), comment);
    const kept = h("input", { id: "close-kept", inputmode: "decimal", autocomplete: "off", value: (Math.min(state.opening, expected > 0 ? expected : 0) / 100).toFixed(2).replace(".", ",") });
    const error = h("p", { class: "field-error", role: "alert" });
    const totalInput = h("input", { id: "close-total", inputmode: "decimal", autocomplete: "off", value: state.total });
    totalInput.addEventListener("input", () => { state.total = totalInput.value; update(); });
    kept.addEventListener("input", () => update());

    const rows = DENOMINATIONS.map((cents) => {
      const input = h("input", { id: `count-${cents}`, class: "count-input", inputmode: "numeric", autocomplete: "off", value: String(state.counts.get(cents) || ""), "aria-label": `Nombre de ${denominationLabel(cents)}` });
      const set = (n) => {
        const value = Math.max(0, Math.min(100_000, Number.isFinite(n) ? Math.trunc(n) : 0));
        if (value) state.counts.set(cents, value);
        else state.counts.delete(cents);
        input.value = value ? String(value) : "";
        update();
      };
      input.addEventListener("input", () => set(Number(input.value || 0)));
      return h(
        "div",
        { class: "count-row" },
        h("span", { class: "count-label", text: denominationLabel(cents) }),
        h("button", { type: "button", class: "button", "aria-label": `Un ${denominationLabel(cents)} de moins`, text: "−", on: { click: () => set((state.counts.get(cents) || 0) - 1) } }),
        input,
        h("button", { type: "button", class: "button", "aria-label": `Un ${denominationLabel(cents)} de plus`, text: "+", dataset: { plus: String(cents) }, on: { click: () => set((state.counts.get(cents) || 0) + 1) } }),
      );
    });

    const update = () => {
      const count = counted();
      const keptCents = parseEuros(kept.value);
      const variance = count === null ? null : count - expected;
      const needsComment = variance !== null && Math.abs(variance) > threshold;
      commentField.querySelector("label").textContent = needsComment ? "Commentaire sur l'écart (obligatoire)" : "Commentaire sur l'écart (facultatif)";
      render(
        summary,
        h("div", { class: "pay-line" }, h("span", { text: "Attendu en caisse" }), h("strong", { class: "amount", id: "close-expected", text: formatEuros(expected) })),
        h("div", { class: "pay-line" }, h("span", { text: "Compté" }), h("strong", { class: "amount", id: "close-counted", text: count === null ? "—" : formatEuros(count) })),
        h("div", { class: `pay-line ${variance ? (needsComment ? "variance-bad" : "variance-small") : "variance-none"}` }, h("span", { text: "Écart" }), h("strong", { class: "amount", id: "close-variance", text: variance === null ? "—" : `${variance > 0 ? "+" : ""}${formatEuros(variance)}` })),
        h("div", { class: "pay-line" }, h("span", { text: "Remise en banque" }), h("strong", { class: "amount", id: "close-bank", text: count === null || keptCents === null ? "—" : formatEuros(Math.max(0, count - keptCents)) })),
      );
      return { count, keptCents, needsComment };
    };

    const submit = async () => {
      const { count, keptCents, needsComment } = update();
      if (count === null) return (error.textContent = "Montant compté invalide.");
      if (keptCents === null) return (error.textContent = "Fond gardé invalide : en euros, 2 décimales au plus.");
      if (keptCents > count) return (error.textContent = "Le fond gardé dépasse le montant compté.");
      if (needsComment && !comment.value.trim()) return (error.textContent = "Expliquez l'écart dans le commentaire (obligatoire au-delà du seuil du site).");
      const body = { kept_float: centsToJson(keptCents), variance_comment: comment.value.trim() || null };
      if (state.byTotal) body.actual_amount = centsToJson(count);
      else body.count = Object.fromEntries([...state.counts].map(([cents, n]) => [denominationKey(cents), n]));
      try {
        await till.api.post(`/cash-sessions/${session.id}/close`, body);
      } catch (problem) {
        error.textContent = problem instanceof NetworkError ? "Le réseau est nécessaire pour clôturer." : problem.message;
        return;
      }
      await report();
    };

    render(
      main,
      title,
      h(
        "div",
        { class: "close-layout" },
        h(
          "section",
          { class: "close-count", "aria-label": "Comptage" },
          h("div", { class: "row" }, h("button", { type: "button", class: `button ${state.byTotal ? "" : "button-primary"}`, "aria-pressed": String(!state.byTotal), text: "Par coupure", on: { click: () => { state.byTotal = false; form(); } } }), h("button", { type: "button", class: `button ${state.byTotal ? "button-primary" : ""}`, id: "close-by-total", "aria-pressed": String(state.byTotal), text: "Un total", on: { click: () => { state.byTotal = true; form(); } } })),
          state.byTotal
            ? h("div", { class: "field" }, h("label", { for: "close-total", text: "Total compté (€)" }), totalInput)
            : h("div", { class: "count-grid" }, h("div", { class: "count-column", "aria-label": "Billets" }, rows.slice(0, 7)), h("div", { class: "count-column", "aria-label": "Pièces" }, rows.slice(7))),
        ),
        h(
          "section",
          { class: "close-side" },
          summary,
          h("div", { class: "field" }, h("label", { for: "close-kept", text: "Fond de caisse gardé pour la prochaine ouverture (€)" }), kept),
          commentField,
          error,
          h("div", { class: "row" }, h("button", { type: "button", class: "button button-large", text: "← Retour", on: { click: () => till.show("sell") } }), h("button", { type: "button", class: "button button-primary button-large", id: "close-submit", text: "Clôturer la caisse", on: { click: submit } })),
        ),
      ),
    );
    update();
  };

  const report = async () => {
    let text = "";
    try {
      const response = await till.api.request("GET", `/cash-sessions/${session.id}/report?format=text&width=${paperWidth() === "80" ? 48 : 32}`, { raw: true });
      text = await response.text();
    } catch (error) {
      text = error.message;
    }
    const finish = async () => {
      till.context.session = null;
      till.context.registerSession = null;
      await saveContext(till.context);
      if (till.device) till.lock();
      else till.route();
    };
    render(
      main,
      h("h1", { id: "close-title", text: "Caisse clôturée — rapport Z" }),
      h("pre", { class: "receipt-text z-report", id: "z-report", text }),
      h("div", { class: "row" }, h("button", { type: "button", class: "button button-large", id: "z-print", text: "Imprimer le rapport Z", on: { click: () => printText(text) } }), h("button", { type: "button", class: "button button-primary button-large", id: "z-done", text: "Terminer", on: { click: finish } })),
    );
  };

  start();
  return main;
}
