// The paired tablet's lock screen: cashiers pick their name and type their PIN. Switching
// cashier is this screen, not a logout.
import { ApiError, NetworkError } from "../js/api.js";
import { h, render } from "../js/dom.js";
import { pairedDevice } from "./context.js";

const PIN_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "back", "0", "ok"];

export function renderLock(till) {
  const main = h("main", { class: "lock", "aria-labelledby": "lock-title" });
  const state = { cashier: null, pin: "", busy: false, device: till.device };

  const show = () => {
    const device = state.device;
    if (!device) {
      render(main, h("div", { class: "card lock-card" }, h("h1", { text: "Tablette non associée" }), h("p", { text: "Un administrateur doit associer cette tablette à une caisse (menu de la caisse, une fois connecté)." }), h("a", { class: "button button-primary button-large", href: "/connexion?suivant=/caisse", text: "Se connecter" })));
      return;
    }
    if (!state.cashier) {
      render(
        main,
        h("h1", { id: "lock-title", class: "lock-title", text: `${device.cash_register.name} — qui tient la caisse ?` }),
        device.cashiers.length
          ? h("div", { class: "cashier-grid" }, device.cashiers.map((cashier) => h("button", { type: "button", class: "button cashier", dataset: { cashier: cashier.id }, text: cashier.full_name, on: { click: () => { state.cashier = cashier; state.pin = ""; show(); } } })))
          : h("p", { class: "alert alert-warn", text: "Personne n'a encore de code PIN sur ce site : chacun en choisit un dans son profil (PUT /users/me/pin) ou un administrateur en fixe un." }),
        h("p", { class: "lock-footer" }, h("a", { href: "/connexion?suivant=/caisse", text: "Autre moyen de connexion" })),
      );
      return;
    }
    render(
      main,
      h("h1", { id: "lock-title", class: "lock-title", text: state.cashier.full_name }),
      h("p", { class: "lock-hint", text: "Tapez votre code PIN" }),
      h("div", { class: "pin-dots", "aria-label": `${state.pin.length} chiffre(s) tapé(s)`, role: "img" }, Array.from({ length: Math.max(4, state.pin.length) }, (_, i) => h("span", { class: i < state.pin.length ? "dot dot-on" : "dot" }))),
      h("p", { class: "field-error", id: "pin-error", role: "alert" }),
      h(
        "div",
        { class: "pin-pad" },
        PIN_KEYS.map((key) =>
          h("button", {
            type: "button",
            class: `key ${key === "ok" ? "key-ok" : ""}`,
            dataset: { key },
            "aria-label": key === "back" ? "Effacer" : key === "ok" ? "Valider le code" : key,
            text: key === "back" ? "⌫" : key === "ok" ? "OK" : key,
            disabled: state.busy,
            on: { click: () => press(key) },
          }),
        ),
      ),
      h("button", { type: "button", class: "button button-large", text: "← Changer de nom", on: { click: () => { state.cashier = null; show(); } } }),
    );
  };

  const fail = (message) => {
    state.pin = "";
    state.busy = false;
    show();
    const error = main.querySelector("#pin-error");
    if (error) error.textContent = message;
  };

  const press = async (key) => {
    if (state.busy) return;
    if (key === "back") state.pin = state.pin.slice(0, -1);
    else if (key !== "ok" && state.pin.length < 8) state.pin += key;
    if (key !== "ok") {
      show();
      return;
    }
    if (state.pin.length < 4) return fail("Le code PIN comporte de 4 à 8 chiffres.");
    state.busy = true;
    try {
      await till.api.login("/auth/pin", { user_id: state.cashier.id, pin: state.pin });
      await till.load();
      till.outbox.drain();
    } catch (error) {
      if (error instanceof NetworkError) fail("Le réseau est nécessaire pour déverrouiller la caisse.");
      else if (error instanceof ApiError) fail(error.message);
      else throw error;
    }
  };

  till.keydown = (event) => {
    if (!state.cashier) return;
    if (/^[0-9]$/.test(event.key)) press(event.key);
    else if (event.key === "Backspace") press("back");
    else if (event.key === "Enter") press("ok");
    else return;
    event.preventDefault();
  };

  // The list of cashiers may have changed since the tablet last saw it.
  pairedDevice(till.api).then((device) => {
    if (device) {
      till.device = device;
      state.device = device;
      if (!state.cashier) show();
    }
  }).catch(() => {});
  show();
  return main;
}
