// Opening the till with a float (the server proposes the float kept at the last close; another
// amount needs a comment), and the screen shown when someone else's session holds the register.
import { NetworkError } from "../js/api.js";
import { h, render } from "../js/dom.js";
import { centsToJson, formatEuros, jsonToCents, parseEuros } from "../js/money.js";
import { saveContext } from "./context.js";
import { pairTablet } from "./session.js";

const isAdmin = (user) => user && (user.role === "admin" || user.role === "super_admin");

export function renderOpen(till) {
  const main = h("main", { class: "open card", "aria-labelledby": "open-title" });
  const context = till.context;
  const state = { register: context.register, proposed: null };

  const chooseRegister = () => {
    const registers = context.registers || [];
    render(
      main,
      h("h1", { id: "open-title", text: "Quelle caisse ouvrir ?" }),
      registers.length
        ? h("div", { class: "register-grid" }, registers.map((register) => h("button", { type: "button", class: "button button-large", dataset: { register: register.id }, text: register.name, on: { click: () => pick(register) } })))
        : h("p", { class: "alert alert-warn", text: "Aucune caisse active sur ce site : un administrateur doit en créer une." }),
    );
  };

  const pick = async (register) => {
    try {
      const detail = await till.api.get(`/cash-registers/${register.id}`);
      state.register = detail;
      context.register = detail;
      form();
    } catch (error) {
      till.toast(error.message, "error");
    }
  };

  const form = () => {
    const proposed = state.register.proposed_float ?? null;
    const proposedCents = proposed === null ? null : jsonToCents(proposed);
    const amount = h("input", { id: "open-amount", inputmode: "decimal", autocomplete: "off", value: proposedCents === null ? "" : (proposedCents / 100).toFixed(2).replace(".", ","), "aria-describedby": "open-hint" });
    const comment = h("textarea", { id: "open-comment", rows: "2", maxlength: "1000" });
    const commentField = h("div", { class: "field", hidden: true }, h("label", { for: "open-comment", text: "Pourquoi un autre montant ? (obligatoire)" }), comment);
    const error = h("p", { class: "field-error", role: "alert" });
    const sync = () => {
      const cents = parseEuros(amount.value);
      commentField.hidden = proposedCents === null || cents === null || cents === proposedCents;
    };
    amount.addEventListener("input", sync);
    const submit = async (event) => {
      event.preventDefault();
      const cents = parseEuros(amount.value);
      if (cents === null) {
        error.textContent = "Montant invalide : en euros, 2 décimales au plus.";
        amount.setAttribute("aria-invalid", "true");
        return;
      }
      if (!commentField.hidden && !comment.value.trim()) {
        error.textContent = "Un commentaire est obligatoire quand le fond diffère de celui proposé.";
        return;
      }
      try {
        const session = await till.api.post("/cash-sessions", { register_id: state.register.id, opening_amount: centsToJson(cents), opening_comment: comment.value.trim() || null });
        context.session = session;
        context.registerSession = null;
        await saveContext(context);
        till.show("sell");
      } catch (problem) {
        error.textContent = problem instanceof NetworkError ? "Le réseau est nécessaire pour ouvrir la caisse." : problem.message;
      }
    };
    render(
      main,
      h("h1", { id: "open-title", text: `Ouvrir la caisse : ${state.register.name}` }),
      h(
        "form",
        { class: "stack", on: { submit } },
        h("label", { for: "open-amount", text: "Fond de caisse (€)" }),
        amount,
        h("p", { class: "hint", id: "open-hint", text: proposedCents === null ? "Premier fond de cette caisse : comptez les espèces du tiroir." : `Fond gardé à la dernière clôture : ${formatEuros(proposedCents)}.` }),
        commentField,
        error,
        h("button", { type: "submit", class: "button button-primary button-large", id: "open-submit", text: "Ouvrir la caisse" }),
      ),
      isAdmin(till.api.user) && !till.device
        ? h("p", { class: "hint" }, "Tablette de la boutique ? ", h("button", { type: "button", class: "button", text: "Associer cette tablette à cette caisse", on: { click: () => pairTablet(till, state.register) } }))
        : null,
    );
    sync();
    setTimeout(() => amount.focus(), 0);
  };

  if (till.offline) {
    render(main, h("h1", { id: "open-title", text: "Ouvrir la caisse" }), h("p", { class: "alert alert-warn", text: "Le réseau est nécessaire pour ouvrir la caisse." }));
  } else if (state.register) {
    if (state.register.proposed_float === undefined) pick(state.register);
    else form();
  } else {
    chooseRegister();
  }
  return main;
}

export function renderBusy(till) {
  const context = till.context;
  const busy = context.registerSession;
  const holder = (context.cashiers || []).find((c) => c.id === busy.cashier_id)?.full_name || "un autre caissier";
  const admin = isAdmin(till.api.user);
  return h(
    "main",
    { class: "open card", "aria-labelledby": "busy-title" },
    h("h1", { id: "busy-title", text: `${context.register.name} est ouverte par ${holder}` }),
    h("p", { text: "Une seule session par caisse : seul ce caissier ou un administrateur peut y encaisser ou la clôturer." }),
    admin
      ? h(
          "div",
          { class: "row" },
          h("button", { type: "button", class: "button button-primary button-large", text: "Encaisser dans cette session", on: { click: () => { context.session = busy; till.show("sell"); } } }),
          h("button", { type: "button", class: "button button-large", text: "Clôturer cette session", on: { click: () => { context.session = busy; till.show("close"); } } }),
        )
      : till.device
        ? h("button", { type: "button", class: "button button-primary button-large", text: "Verrouiller pour que ce caissier reprenne la main", on: { click: () => till.lock() } })
        : null,
  );
}
