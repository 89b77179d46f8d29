// Recording a deposit: describe it (typed or dictated), take the AI's proposal or another
// category, check weight and quantity, pick destination and origin, "Valider" — and the form
// is ready for the next item. The donor's origin stays until "Nouveau donneur": people
// usually bring several items.
import { ApiError } from "../js/api.js";
import { $, h, render } from "../js/dom.js";
import { formatKg, gramsToJson, parseKg } from "../js/money.js";
import { CHANNELS, DESTINATIONS, DONORS, STATUS, dayIn, timeIn } from "./labels.js";
import { quickPicks } from "./picks.js";
import { Recording, canRecord, classifyRecording } from "./recorder.js";

const RECENT_CODES_KEY = "recyclic-depots-codes-postaux";
const MAX_QUANTITY = 10_000;

const newOrigin = () => ({ donor_type: null, postal_code: "", channel: "drop_off" });

function freshState(origin) {
  return {
    deposit: null,
    mode: "new",
    description: "",
    category: null,
    proposal: null,
    weight: "",
    quantity: "",
    aiFilled: { weight: false, quantity: false },
    destination: null,
    origin: origin || newOrigin(),
  };
}

/** Grams → "12,5" (what a person types; exact, from integers). */
export function kgText(grams) {
  if (grams === null || grams === undefined) return "";
  const whole = Math.trunc(grams / 1000);
  const fraction = String(grams % 1000).padStart(3, "0").replace(/0+$/, "");
  return fraction ? `${whole},${fraction}` : String(whole);
}

/** The AI's proposal kept on a deposit (null when a person chose the category). */
function proposalOf(deposit) {
  if (!deposit.ai_category) return null;
  return { category: deposit.ai_category, confidence: deposit.ai_confidence, alternatives: deposit.ai_alternatives || [], provider: deposit.ai_provider };
}

/** Load a deposit into the form: to validate an open one, or (admins) correct a validated one. */
export function stateFor(deposit) {
  const state = freshState({ donor_type: deposit.donor_type, postal_code: deposit.postal_code || "", channel: deposit.channel });
  Object.assign(state, {
    deposit,
    mode: deposit.status === "validated" ? "correct" : "open",
    description: deposit.description || "",
    category: deposit.category,
    proposal: proposalOf(deposit),
    weight: deposit.weight_kg === null ? "" : kgText(Math.round(deposit.weight_kg * 1000)),
    quantity: deposit.quantity === null ? "" : String(deposit.quantity),
    destination: deposit.destination,
  });
  return state;
}

export async function renderEntry(desk, main) {
  if (!desk.can("operator")) return;
  const state = desk.pendingEntry || desk.entryState || freshState();
  desk.pendingEntry = null;
  desk.entryState = state;
  new EntryForm(desk, main, state).mount();
}

class EntryForm {
  constructor(desk, main, state) {
    this.desk = desk;
    this.api = desk.api;
    this.main = main;
    this.state = state;
    this.recording = null;
    this.busy = false;
  }

  get editable() {
    // Origin and description of someone else's deposit are theirs to change (the API says
    // 403 not_owner); validating it is open to every volunteer of the site.
    return !this.state.deposit || this.desk.owns(this.state.deposit);
  }

  mount() {
    const state = this.state;
    const correcting = state.mode === "correct";
    const title = correcting ? "Corriger un dépôt validé" : state.deposit ? `Dépôt de ${timeIn(this.desk.zone, state.deposit.created_at)} à valider` : "Nouveau dépôt";
    this.description = h("textarea", {
      id: "dep-description",
      name: "description",
      rows: 2,
      maxlength: 4000,
      placeholder: "Ex. : deux chaises en bois, environ 12 kilos",
      disabled: !this.editable,
      on: {
        keydown: (event) => {
          if (event.key === "Enter" && !event.shiftKey) {
            event.preventDefault();
            this.propose();
          }
        },
        input: () => (state.description = this.description.value),
      },
    });
    this.description.value = state.description;
    this.dictate = h("button", { type: "button", id: "dep-dictate", class: "button button-large", "aria-pressed": "false", text: "● Dicter", disabled: correcting || !this.editable || !canRecord(), on: { click: () => this.toggleDictation() } });
    this.proposeButton = h("button", { type: "button", id: "dep-propose", class: "button button-large", text: "Proposer une catégorie", disabled: correcting || !this.editable, on: { click: () => this.propose() } });
    this.voice = h("p", { id: "dep-voice-status", class: "hint", "aria-live": "polite", text: canRecord() ? "" : "La dictée n'est pas disponible sur cet appareil : tapez la description." });
    this.error = h("div", { id: "dep-error", class: "alert alert-error", role: "alert", hidden: true });
    this.proposal = h("div", { id: "dep-proposal", class: "proposal" });
    this.allCategories = h("div", { id: "dep-all-categories", class: "category-choices", hidden: true });
    this.weight = h("input", { id: "dep-weight", name: "weight", inputmode: "decimal", autocomplete: "off", placeholder: "ex. 3,5", on: { input: () => this.#typed("weight"), keydown: (e) => this.#enterValidates(e) } });
    this.weight.value = state.weight;
    this.quantity = h("input", { id: "dep-quantity", name: "quantity", inputmode: "numeric", autocomplete: "off", placeholder: "1", on: { input: () => this.#typed("quantity"), keydown: (e) => this.#enterValidates(e) } });
    this.quantity.value = state.quantity;
    this.postal = h("input", { id: "dep-postal", name: "postal_code", inputmode: "numeric", autocomplete: "off", maxlength: 7, placeholder: "ex. 14000", disabled: !this.editable, on: { input: () => (state.origin.postal_code = this.postal.value) } });
    this.postal.value = state.origin.postal_code;
    this.validateButton = h("button", { type: "button", id: "dep-validate", class: "button button-primary button-large", text: correcting ? "Enregistrer la correction" : "Valider", on: { click: () => this.validate() } });
    this.recent = h("section", { id: "dep-recent", class: "recent card", "aria-labelledby": "recent-title" });

    render(
      this.main,
      h(
        "section",
        { class: "entry card", "aria-labelledby": "entry-title" },
        h("h1", { id: "entry-title", text: title }),
        this.error,
        h("label", { for: "dep-description", text: "Description de l'objet" }),
        h("div", { class: "describe" }, this.description, h("div", { class: "describe-actions" }, this.dictate, this.proposeButton)),
        this.voice,
        h("h2", { class: "field-title", id: "category-title", text: "Catégorie" }),
        this.proposal,
        this.allCategories,
        h(
          "div",
          { class: "figures" },
          h("div", { class: "field" }, h("label", { for: "dep-weight", text: "Poids du lot (kg)" }), this.weight),
          h(
            "div",
            { class: "field" },
            h("label", { for: "dep-quantity", text: "Quantité" }),
            h("div", { class: "stepper" }, h("button", { type: "button", class: "button", "aria-label": "Un de moins", text: "−", on: { click: () => this.step(-1) } }), this.quantity, h("button", { type: "button", class: "button", "aria-label": "Un de plus", text: "+", on: { click: () => this.step(1) } })),
          ),
        ),
      ),
      h(
        "section",
        { class: "side card", "aria-label": "Destination et provenance" },
        quickPicks({ label: "Destination prévue", name: "destination", pairs: DESTINATIONS, get: () => state.destination, set: (v) => (state.destination = v) }),
        h("h2", { class: "field-title", text: "Provenance" }),
        (this.donorPicks = quickPicks({ label: "Donneur", name: "donor", pairs: DONORS, get: () => state.origin.donor_type, set: (v) => (state.origin.donor_type = v), disabled: !this.editable })),
        (this.channelPicks = quickPicks({ label: "Canal", name: "channel", pairs: CHANNELS, get: () => state.origin.channel, set: (v) => (state.origin.channel = v), required: true, disabled: !this.editable })),
        h("div", { class: "field" }, h("label", { for: "dep-postal", text: "Code postal de provenance" }), this.postal, this.#recentCodes()),
        h("button", { type: "button", id: "dep-new-donor", class: "button", text: "Nouveau donneur", disabled: !this.editable, on: { click: () => this.newDonor() } }),
        h("div", { class: "entry-actions" }, h("button", { type: "button", id: "dep-clear", class: "button button-large", text: this.#clearLabel(), on: { click: () => this.discard() } }), this.validateButton),
      ),
      this.recent,
    );
    this.renderProposal();
    this.refreshRecent();
    if (this.editable && !correcting) this.description.focus();
  }

  #typed(field) {
    this.state[field] = this[field].value;
    this.state.aiFilled[field] = false;
    this[field].removeAttribute("aria-invalid");
  }

  #enterValidates(event) {
    if (event.key === "Enter") {
      event.preventDefault();
      this.validate();
    }
  }

  step(delta) {
    const current = Number.parseInt(this.quantity.value, 10) || 0;
    const next = Math.min(MAX_QUANTITY, Math.max(1, current + delta));
    this.quantity.value = String(next);
    this.#typed("quantity");
  }

  showError(message) {
    this.error.textContent = message || "";
    this.error.hidden = !message;
  }

  setBusy(busy) {
    this.busy = busy;
    for (const button of [this.validateButton, this.proposeButton]) button.toggleAttribute("aria-busy", busy);
    this.main.classList.toggle("is-busy", busy);
  }

  // --- Category ---------------------------------------------------------------------------

  renderProposal() {
    const { proposal, category } = this.state;
    const choices = [];
    if (proposal) {
      choices.push({ code: proposal.category, confidence: proposal.confidence, first: true });
      for (const alternative of proposal.alternatives) choices.push({ code: alternative.category, confidence: alternative.confidence });
    }
    if (category && !choices.some((c) => c.code === category)) choices.push({ code: category, confidence: null });
    const button = (choice) =>
      h(
        "button",
        {
          type: "button",
          class: `button choice ${choice.first ? "choice-first" : ""}`,
          dataset: { category: choice.code },
          "aria-pressed": String(choice.code === category),
          on: { click: () => this.choose(choice.code) },
        },
        h("span", { class: "choice-code", text: choice.code }),
        h("span", { class: "choice-label", text: this.desk.category(choice.code)?.label || "" }),
        choice.confidence === null || choice.confidence === undefined ? null : h("span", { class: "choice-confidence", text: `${choice.confidence} %` }),
      );
    render(
      this.proposal,
      proposal ? h("p", { class: "hint", id: "dep-proposal-source", text: `Proposition de l'${proposal.provider === "gemini" ? "IA (Gemini)" : "IA locale"} — touchez une autre catégorie pour corriger.` }) : h("p", { class: "hint", text: "Décrivez l'objet puis « Proposer », ou choisissez la catégorie." }),
      h("div", { class: "choices", role: "group", "aria-labelledby": "category-title" }, choices.map(button), h("button", { type: "button", id: "dep-other", class: "button choice-other", "aria-expanded": String(!this.allCategories.hidden), "aria-controls": "dep-all-categories", text: "Autre catégorie…", on: { click: () => this.toggleAllCategories() } })),
    );
  }

  toggleAllCategories() {
    const hidden = !this.allCategories.hidden;
    if (!hidden && !this.allCategories.childElementCount) {
      render(
        this.allCategories,
        this.desk.categories.map((c) => h("button", { type: "button", class: "button category-choice", dataset: { category: c.code }, on: { click: () => this.choose(c.code) } }, h("span", { class: "choice-code", text: c.code }), h("span", { class: "choice-label", text: c.label }))),
      );
    }
    this.allCategories.hidden = hidden;
    $("#dep-other", this.main)?.setAttribute("aria-expanded", String(!hidden));
  }

  choose(code) {
    this.state.category = code;
    this.allCategories.hidden = true;
    this.showError("");
    this.renderProposal();
  }

  /** The AI's figures fill the fields a person has not typed in. */
  #fill(grams, quantity) {
    const state = this.state;
    if (grams !== null && grams !== undefined && (!state.weight || state.aiFilled.weight)) {
      state.weight = kgText(grams);
      state.aiFilled.weight = true;
      this.weight.value = state.weight;
    }
    if (quantity && (!state.quantity || state.aiFilled.quantity)) {
      state.quantity = String(quantity);
      state.aiFilled.quantity = true;
      this.quantity.value = state.quantity;
    }
  }

  #originBody() {
    const origin = this.state.origin;
    return { donor_type: origin.donor_type, postal_code: origin.postal_code.trim() || null, channel: origin.channel };
  }

  async propose() {
    if (this.busy || this.recording) return;
    const text = this.description.value.trim();
    if (!text) {
      this.showError("Décrivez l'objet (ou dictez-le) avant de demander une proposition.");
      this.description.focus();
      return;
    }
    this.showError("");
    this.setBusy(true);
    try {
      const state = this.state;
      if (!state.deposit) {
        // Created and classified at once (the AI runs in the request).
        const deposit = await this.api.post("/deposits", { description: text, ...this.#originBody() });
        state.deposit = deposit;
        state.proposal = proposalOf(deposit);
        state.category = deposit.category;
        this.#fill(deposit.weight_kg === null ? null : Math.round(deposit.weight_kg * 1000), deposit.quantity);
      } else {
        this.#classified(await this.api.post(`/deposits/${state.deposit.id}/classify`, { description: text }));
      }
      state.description = text;
      this.renderProposal();
      this.#afterChange();
    } catch (error) {
      this.showError(error.message);
    } finally {
      this.setBusy(false);
    }
  }

  #classified(result) {
    const state = this.state;
    state.deposit = result.deposit;
    state.proposal = { category: result.category, confidence: result.confidence, alternatives: result.alternatives, provider: result.provider };
    state.category = result.category;
    this.#fill(result.weight_kg === null ? null : Math.round(result.weight_kg * 1000), result.quantity);
  }

  #afterChange() {
    const title = $("#entry-title", this.main);
    if (this.state.deposit && title && this.state.mode === "new") title.textContent = "Nouveau dépôt — à valider";
    $("#dep-clear", this.main).textContent = this.#clearLabel();
  }

  /** "Effacer" an empty form, "Abandonner" the deposit started here, "Fermer" one taken up
   * from a list (it stays as it was: cancelling it is done from the list). */
  #clearLabel() {
    if (this.state.mode !== "new") return "Fermer";
    return this.state.deposit ? "Abandonner" : "Effacer";
  }

  // --- Dictation --------------------------------------------------------------------------

  async toggleDictation() {
    if (this.busy) return;
    if (this.recording) return this.finishDictation();
    this.showError("");
    const recording = new Recording({ onAutoStop: () => this.finishDictation() });
    try {
      await recording.start();
    } catch (error) {
      this.voice.textContent = error.message;
      return;
    }
    this.recording = recording;
    this.dictate.textContent = "■ Terminer la dictée";
    this.dictate.setAttribute("aria-pressed", "true");
    this.dictate.classList.add("recording");
    this.voice.textContent = "Enregistrement… parlez, puis touchez « Terminer la dictée ».";
  }

  async finishDictation() {
    const recording = this.recording;
    if (!recording) return;
    this.recording = null;
    this.dictate.textContent = "● Dicter";
    this.dictate.setAttribute("aria-pressed", "false");
    this.dictate.classList.remove("recording");
    this.voice.textContent = "Envoi de l'enregistrement…";
    this.setBusy(true);
    try {
      const blob = await recording.stop();
      const state = this.state;
      if (!state.deposit) state.deposit = await this.api.post("/deposits", this.#originBody());
      const result = await classifyRecording(this.api, state.deposit.id, blob);
      this.#classified(result);
      state.description = result.transcription || result.deposit.description || "";
      this.description.value = state.description;
      this.voice.textContent = "Dictée transcrite : vérifiez la description et la proposition.";
      this.renderProposal();
      this.#afterChange();
    } catch (error) {
      if (error instanceof ApiError && error.status === 503) {
        // The recording is kept with the deposit; the words must be typed.
        this.voice.textContent = error.message;
        this.voice.dataset.state = "type";
        this.#afterChange();
        this.description.focus();
      } else {
        this.voice.textContent = "";
        this.showError(error.message);
      }
    } finally {
      this.setBusy(false);
    }
  }

  // --- Origin -----------------------------------------------------------------------------

  #recentCodes() {
    const codes = recentCodes();
    if (!codes.length) return null;
    return h(
      "div",
      { class: "picks-row recent-codes", role: "group", "aria-label": "Codes postaux récents" },
      codes.map((code) => h("button", { type: "button", class: "button pick", dataset: { postal: code }, disabled: !this.editable, text: code, on: { click: () => ((this.postal.value = code), (this.state.origin.postal_code = code)) } })),
    );
  }

  newDonor() {
    this.state.origin = newOrigin();
    this.postal.value = "";
    this.donorPicks.refresh();
    this.channelPicks.refresh();
  }

  // --- Saving -----------------------------------------------------------------------------

  /** The figures typed, checked here for a clear message (the API checks them again). */
  #figures() {
    const state = this.state;
    if (!state.category) return { error: "Choisissez une catégorie (touchez la proposition ou « Autre catégorie… »).", field: null };
    const grams = parseKg(this.weight.value);
    if (grams === null || grams <= 0 || grams > 10_000_000) return { error: "Poids invalide : en kilos, par exemple 12 ou 3,5 (10 000 kg au plus).", field: this.weight };
    const quantity = /^\d{1,5}$/.test(this.quantity.value.trim()) ? Number(this.quantity.value.trim()) : null;
    if (!quantity || quantity > MAX_QUANTITY) return { error: "Quantité : un nombre entier de 1 à 10 000.", field: this.quantity };
    const postal = state.origin.postal_code.replace(/\s/g, "");
    if (postal && !/^\d{5}$/.test(postal)) return { error: "Code postal : 5 chiffres (laissez vide pour une provenance étrangère).", field: this.postal };
    return { grams, quantity };
  }

  async validate() {
    if (this.busy || this.recording) return;
    const started = performance.now();
    const figures = this.#figures();
    if (figures.error) {
      this.showError(figures.error);
      figures.field?.setAttribute("aria-invalid", "true");
      figures.field?.focus();
      return;
    }
    this.showError("");
    this.setBusy(true);
    const state = this.state;
    const description = this.description.value.trim() || null;
    const values = { category: state.category, quantity: figures.quantity, weight_kg: gramsToJson(figures.grams), destination: state.destination };
    try {
      let saved;
      if (state.mode === "correct") {
        saved = await this.api.request("PATCH", `/deposits/${state.deposit.id}`, { json: { ...values, description, ...this.#originBody() } });
      } else {
        if (!state.deposit) {
          state.deposit = await this.api.post("/deposits", { description, ...values, ...this.#originBody() });
        } else if (this.editable) {
          const changes = this.#originChanges(description);
          if (Object.keys(changes).length) state.deposit = await this.api.request("PATCH", `/deposits/${state.deposit.id}`, { json: changes });
        }
        saved = await this.api.post(`/deposits/${state.deposit.id}/validate`, values);
      }
      rememberCode(saved.postal_code);
      this.desk.metrics.validate.push(performance.now() - started);
      this.desk.metrics.recorded += 1;
      this.desk.toast(`${state.mode === "correct" ? "Correction enregistrée" : "Dépôt validé"} : ${saved.category} · ${formatKg(Math.round(saved.weight_kg * 1000))} · ${saved.quantity}`, "ok");
      const keepOrigin = state.mode === "new" ? state.origin : null;
      this.desk.entryState = freshState(keepOrigin);
      this.state = this.desk.entryState;
      this.mount();
    } catch (error) {
      this.showError(error.message);
    } finally {
      this.setBusy(false);
    }
  }

  #originChanges(description) {
    const deposit = this.state.deposit;
    const origin = this.#originBody();
    const changes = {};
    for (const [key, value] of Object.entries(origin)) if ((deposit[key] ?? null) !== value) changes[key] = value;
    if (description !== (deposit.description ?? null) && description !== null) changes.description = description;
    return changes;
  }

  /** Abandon the deposit started in this form: a draft is deleted, a classified one
   * cancelled (so it does not wait in the review list). One taken up from a list stays. */
  async discard() {
    if (this.busy) return;
    this.recording?.cancel();
    this.recording = null;
    const state = this.state;
    const deposit = state.deposit;
    try {
      if (deposit && state.mode === "new" && this.desk.owns(deposit) && ["draft", "classified"].includes(deposit.status)) {
        if (deposit.status === "draft") await this.api.request("DELETE", `/deposits/${deposit.id}`);
        else await this.api.request("PATCH", `/deposits/${deposit.id}`, { json: { status: "cancelled" } });
        this.desk.toast(deposit.status === "draft" ? "Brouillon supprimé." : "Dépôt annulé.", "info");
      }
    } catch (error) {
      if (!(error instanceof ApiError && [404, 409].includes(error.status))) {
        this.showError(error.message);
        return;
      }
    }
    this.desk.entryState = freshState(state.mode === "new" ? state.origin : null);
    this.state = this.desk.entryState;
    this.mount();
  }

  // --- Today's deposits of this volunteer ---------------------------------------------------

  async refreshRecent() {
    const today = dayIn(this.desk.zone, this.api.now());
    try {
      const page = await this.api.get(`/deposits?from=${today}&to=${today}&created_by=${this.desk.user.id}&limit=5${this.desk.scope}`);
      render(
        this.recent,
        h("h2", { id: "recent-title", text: "Mes derniers dépôts aujourd'hui" }),
        page.items.length
          ? h(
              "ul",
              { class: "recent-list" },
              page.items.map((d) =>
                h(
                  "li",
                  { dataset: { deposit: d.id, status: d.status } },
                  h("span", { class: "recent-time", text: timeIn(this.desk.zone, d.created_at) }),
                  h("span", { class: "recent-category", text: d.category || "—" }),
                  h("span", { class: "recent-description", text: d.description || "(sans description)" }),
                  h("span", { class: "amount", text: d.weight_kg === null ? "" : formatKg(Math.round(d.weight_kg * 1000)) }),
                  h("span", { class: `status status-${d.status}`, text: STATUS[d.status] }),
                ),
              ),
            )
          : h("p", { class: "hint", text: "Aucun dépôt enregistré par vous aujourd'hui." }),
        h("a", { href: "/depots#jour", text: "Tous les dépôts du jour" }),
      );
    } catch (error) {
      render(this.recent, h("p", { class: "hint", text: error.message }));
    }
  }
}

function recentCodes() {
  try {
    return JSON.parse(localStorage.getItem(RECENT_CODES_KEY) || "[]").filter((c) => /^\d{5}$/.test(c)).slice(0, 4);
  } catch {
    return [];
  }
}

function rememberCode(code) {
  if (!code) return;
  const codes = [code, ...recentCodes().filter((c) => c !== code)].slice(0, 4);
  localStorage.setItem(RECENT_CODES_KEY, JSON.stringify(codes));
}

