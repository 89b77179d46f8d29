// The till's menu during a session: the session's tickets (sent, waiting, refused), cash in
// and out, the X report, refunds (admins), the printer's roll, pairing the tablet, logging out.
import { NetworkError } from "../js/api.js";
import { h, openDialog, render } from "../js/dom.js";
import { centsToJson, formatEuros, jsonToCents, parseEuros } from "../js/money.js";
import { labelOf } from "./categories.js";
import { METHOD_LABELS } from "./pay.js";
import { paperWidth, setPaperWidth, showReceipt, showReport } from "./receipt.js";

const TIME = new Intl.DateTimeFormat("fr-FR", { hour: "2-digit", minute: "2-digit" });
const isAdmin = (user) => user && (user.role === "admin" || user.role === "super_admin");
const needsNetwork = (till) => {
  if (!till.offline) return false;
  till.toast("Le réseau est nécessaire pour cette action.", "warn");
  return true;
};

export async function openMenu(till, section = null) {
  if (section === "attention" || section === "tickets") return showTickets(till);
  const session = till.context?.session;
  const choice = await openDialog({
    title: "Menu de la caisse",
    className: "menu-dialog",
    content: h("p", { class: "hint", text: session ? `Session ouverte à ${TIME.format(new Date(session.opened_at))} par ${till.context.user.full_name}.` : "Aucune session ouverte." }),
    actions: [
      session ? { label: "Tickets de la session", value: "tickets", id: "menu-tickets" } : null,
      session ? { label: "Entrée / sortie d'espèces", value: "movement", id: "menu-movement" } : null,
      session ? { label: "Rapport X", value: "x", id: "menu-x" } : null,
      session ? { label: "Clôturer la caisse", value: "close", id: "menu-close" } : null,
      { label: `Imprimante : rouleau ${paperWidth()} mm`, value: "paper", id: "menu-paper" },
      isAdmin(till.api.user) && !till.device && till.context?.register ? { label: "Associer cette tablette", value: "pair", id: "menu-pair" } : null,
      { label: "Se déconnecter", value: "logout", id: "menu-logout" },
      { label: "Fermer", value: null, primary: true },
    ].filter(Boolean),
  });
  if (choice === "tickets") await showTickets(till);
  else if (choice === "movement") await cashMovement(till);
  else if (choice === "x" && !needsNetwork(till)) await showReport(till, session.id, "Rapport X (session en cours)");
  else if (choice === "close") till.show("close");
  else if (choice === "paper") {
    setPaperWidth(paperWidth() === "58" ? "80" : "58");
    till.toast(`Tickets imprimés pour un rouleau de ${paperWidth()} mm.`, "info");
  } else if (choice === "pair") await pairTablet(till, till.context.register);
  else if (choice === "logout") await logout(till);
}

async function showTickets(till) {
  const session = till.context.session;
  const list = h("div", { class: "tickets-list", "aria-live": "polite" }, h("p", { text: "Chargement…" }));
  const load = async () => {
    const [pending, attention] = await Promise.all([till.outbox.pending(), till.outbox.attention()]);
    let sent = [];
    let unreachable = false;
    if (!till.offline && session) {
      try {
        sent = (await till.api.get(`/sales?session_id=${session.id}&limit=100`)).items;
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        unreachable = true;
      }
    }
    render(
      list,
      attention.length ? h("h3", { text: "À vérifier (refusés par le serveur)" }) : null,
      attention.map((entry) =>
        h(
          "div",
          { class: "ticket-row ticket-attention", dataset: { ticket: entry.id } },
          h("span", { text: TIME.format(new Date(entry.created_at)) }),
          h("span", { class: "amount", text: formatEuros(entry.total_cents) }),
          h("span", { class: "ticket-error", text: entry.error }),
          h("button", { type: "button", class: "button", text: "Traité", on: { click: async () => { await till.outbox.dismiss(entry.id); load(); } } }),
        ),
      ),
      pending.length ? h("h3", { text: "En attente d'envoi" }) : null,
      pending.map((entry) => h("div", { class: "ticket-row", dataset: { ticket: entry.id } }, h("span", { text: TIME.format(new Date(entry.created_at)) }), h("span", { class: "amount", text: formatEuros(entry.total_cents) }), h("span", { class: "muted", text: "en attente" }))),
      session ? h("h3", { text: "Envoyés" }) : null,
      session && (unreachable || till.offline) ? h("p", { class: "hint", text: "Hors ligne : la liste des tickets envoyés n'est pas disponible." }) : null,
      sent.map((sale) =>
        h(
          "div",
          { class: "ticket-row", dataset: { ticket: sale.id } },
          h("span", { text: `n° ${sale.number ?? "—"} · ${TIME.format(new Date(sale.created_at))}` }),
          h("span", { class: "amount", text: formatEuros(jsonToCents(sale.total)) }),
          h("span", { class: "muted", text: sale.refund_of ? "remboursement" : sale.status === "completed" ? sale.payments.map((p) => METHOD_LABELS[p.method] || p.method).join(" + ") : sale.status === "refunded" ? "remboursé" : "remboursé en partie" }),
          h("button", { type: "button", class: "button", text: "Ticket", on: { click: () => showReceipt(till, sale.id) } }),
          isAdmin(till.api.user) && !sale.refund_of && sale.status !== "refunded" ? h("button", { type: "button", class: "button", text: "Rembourser", dataset: { refund: sale.id }, on: { click: async () => { await refund(till, sale); load(); } } }) : null,
        ),
      ),
      session && !unreachable && !till.offline && !sent.length ? h("p", { class: "hint", text: "Aucun ticket envoyé dans cette session." }) : null,
    );
  };
  const shown = openDialog({ title: session ? "Tickets de la session" : "Tickets à vérifier", className: "wide-dialog", content: list, actions: [{ label: "Fermer", primary: true }] });
  await load();
  await shown;
  till.refreshStatus();
}


async function cashMovement(till) {
  if (needsNetwork(till)) return;
  const direction = h("select", { id: "movement-direction" }, h("option", { value: "out", text: "Sortie (retrait d'espèces)" }), h("option", { value: "in", text: "Entrée (apport d'espèces)" }));
  const amount = h("input", { id: "movement-amount", inputmode: "decimal", autocomplete: "off" });
  const reason = h("input", { id: "movement-reason", maxlength: "500", autocomplete: "off" });
  const error = h("p", { class: "field-error", role: "alert" });
  await openDialog({
    title: "Entrée / sortie d'espèces",
    content: h("div", { class: "stack" }, h("label", { for: "movement-direction", text: "Mouvement" }), direction, h("label", { for: "movement-amount", text: "Montant (€)" }), amount, h("label", { for: "movement-reason", text: "Motif" }), reason, error),
    actions: [
      { label: "Annuler", value: null },
      {
        label: "Enregistrer",
        primary: true,
        id: "movement-save",
        onClick: async () => {
          const cents = parseEuros(amount.value);
          if (!cents) {
            error.textContent = "Montant invalide : en euros, 2 décimales au plus.";
            return false;
          }
          if (!reason.value.trim()) {
            error.textContent = "Le motif est obligatoire.";
            return false;
          }
          try {
            const signed = direction.value === "out" ? -cents : cents;
            await till.api.post(`/cash-sessions/${till.context.session.id}/movements`, { amount: centsToJson(signed), reason: reason.value.trim() });
            till.toast(`${direction.value === "out" ? "Sortie" : "Entrée"} de ${formatEuros(cents)} enregistrée.`, "info");
            return true;
          } catch (problem) {
            error.textContent = problem.message;
            return false;
          }
        },
      },
    ],
  });
}

async function refund(till, sale) {
  if (needsNetwork(till)) return;
  const methods = ["cash", "card", "check", ...(till.context.settings.payment_methods || [])];
  const inputs = sale.items.filter((item) => item.quantity > 0).map((item) => ({
    item,
    input: h("input", { type: "number", min: "0", max: String(item.quantity), value: String(item.quantity), inputmode: "numeric", id: `refund-${item.id}`, class: "refund-quantity" }),
  }));
  const method = h("select", { id: "refund-method" }, methods.map((m) => h("option", { value: m, text: METHOD_LABELS[m] || m, selected: m === sale.payments[0]?.method })));
  const reason = h("input", { id: "refund-reason", minlength: "3", maxlength: "500", autocomplete: "off" });
  const error = h("p", { class: "field-error", role: "alert" });
  await openDialog({
    title: `Rembourser le ticket n° ${sale.number ?? ""}`,
    content: h(
      "div",
      { class: "stack" },
      inputs.map(({ item, input }) =>
        h(
          "div",
          { class: "refund-line" },
          h("span", { class: "refund-label", text: `${item.description || labelOf(till.context.categories, item.category)} — ${item.quantity} × ${formatEuros(jsonToCents(item.unit_price))} = ${formatEuros(jsonToCents(item.line_total))}` }),
          h("label", { for: input.id, class: "hint", text: `Quantité à rembourser (sur ${item.quantity})` }),
          input,
        ),
      ),
      h("label", { for: "refund-method", text: "Rembourser en" }),
      method,
      h("label", { for: "refund-reason", text: "Motif" }),
      reason,
      error,
    ),
    actions: [
      { label: "Annuler", value: null },
      {
        label: "Rembourser",
        danger: true,
        id: "refund-save",
        onClick: async () => {
          const items = inputs.map(({ item, input }) => ({ line_id: item.id, quantity: Number(input.value) })).filter((i) => i.quantity > 0);
          if (!items.length) {
            error.textContent = "Choisissez au moins une ligne à rembourser.";
            return false;
          }
          if (reason.value.trim().length < 3) {
            error.textContent = "Le motif est obligatoire (3 caractères au moins).";
            return false;
          }
          try {
            const made = await till.api.post(`/sales/${sale.id}/refund`, { session_id: till.context.session.id, items, reason: reason.value.trim(), method: method.value });
            till.toast(`Remboursement de ${formatEuros(-jsonToCents(made.total))} enregistré.`, "info");
            return true;
          } catch (problem) {
            error.textContent = problem.message;
            return false;
          }
        },
      },
    ],
  });
}

/** Pair this browser to a register (admins, on the tablet itself). */
export async function pairTablet(till, register) {
  if (needsNetwork(till)) return;
  const name = h("input", { id: "pair-name", maxlength: "100", value: `Tablette ${register.name}`, autocomplete: "off" });
  const error = h("p", { class: "field-error", role: "alert" });
  await openDialog({
    title: "Associer cette tablette",
    content: h("div", { class: "stack" }, h("p", { text: `Les caissiers pourront ouvrir la caisse « ${register.name} » sur cette tablette avec leur nom et leur code PIN.` }), h("label", { for: "pair-name", text: "Nom de la tablette" }), name, error),
    actions: [
      { label: "Annuler", value: null },
      {
        label: "Associer",
        primary: true,
        id: "pair-save",
        onClick: async () => {
          try {
            await till.api.post("/devices", { register_id: register.id, name: name.value.trim() });
            till.device = await till.api.get("/devices/current", { auth: false });
            till.show(till.screen);
            till.toast("Tablette associée.", "info");
            return true;
          } catch (problem) {
            error.textContent = problem.message;
            return false;
          }
        },
      },
    ],
  });
}

async function logout(till) {
  if ((await till.outbox.count()) > 0) {
    till.toast("Des tickets attendent d'être envoyés : gardez la session ouverte jusqu'à leur envoi.", "warn");
    return;
  }
  try {
    await till.api.logout();
  } catch {
    // Offline: the cookie stays, but the page forgets the token.
  }
  if (till.device) till.lock();
  else location.assign("/connexion");
}
