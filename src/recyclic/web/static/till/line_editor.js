// Adding or changing one line in full: category, description, by piece or by weight,
// quantity, price, line weight, discount. Used when a category key is pressed with nothing
// typed, and when a line of the ticket is tapped.
import { h, openDialog } from "../js/dom.js";
import { formatKg, parseDecimal, parseEuros, parseKg } from "../js/money.js";
import { PricingError } from "../js/pricing.js";
import { makeLine } from "./ticket.js";

const euros = (cents) => (cents === null || cents === undefined ? "" : (cents / 100).toFixed(2).replace(".", ","));
const kilos = (grams) => (grams === null || grams === undefined ? "" : formatKg(grams).replace(" kg", ""));

function field(id, label, input, hint) {
  return h("div", { class: "field" }, h("label", { for: id, text: label }), input, hint ? h("p", { class: "hint", text: hint }) : null);
}

/** Open the editor; resolves once the ticket has been changed (or not). */
export async function editLine(till, { category = null, line = null }) {
  const categories = till.context.categories;
  const current = line || { unit: "piece", quantity: 1, unitPriceCents: null, weightG: null, description: null, discountCents: null, discountPercentBp: null };
  const code = line ? line.category : category.code;
  const select = h("select", { id: "line-category" }, categories.map((c) => h("option", { value: c.code, text: c.label, selected: c.code === code })));
  const byWeight = h("input", { type: "checkbox", id: "line-by-weight", checked: current.unit === "kg" });
  const description = h("input", { id: "line-description", maxlength: "500", value: current.description || "", autocomplete: "off" });
  const quantity = h("input", { id: "line-quantity", inputmode: "numeric", value: String(current.quantity || 1), autocomplete: "off" });
  const price = h("input", { id: "line-price", inputmode: "decimal", value: euros(current.unitPriceCents), autocomplete: "off" });
  const weight = h("input", { id: "line-weight", inputmode: "decimal", value: kilos(current.weightG), autocomplete: "off" });
  const discountKind = h("select", { id: "line-discount-kind" }, h("option", { value: "amount", text: "en euros", selected: current.discountPercentBp === null }), h("option", { value: "percent", text: "en %", selected: current.discountPercentBp !== null }));
  const discount = h("input", { id: "line-discount", inputmode: "decimal", autocomplete: "off", value: current.discountPercentBp !== null ? String(current.discountPercentBp / 100).replace(".", ",") : euros(current.discountCents || null) });
  const error = h("p", { class: "field-error", role: "alert", hidden: true });
  const priceLabel = h("span", { text: "" });
  const sync = () => {
    const kg = byWeight.checked;
    quantity.closest(".field").hidden = kg;
    priceLabel.textContent = kg ? "Prix au kilo (€)" : "Prix unitaire (€)";
  };
  byWeight.addEventListener("change", sync);
  const content = h(
    "div",
    { class: "line-editor" },
    field("line-category", "Catégorie", select),
    field("line-description", "Description (facultative)", description),
    h("div", { class: "field field-inline" }, byWeight, h("label", { for: "line-by-weight", text: "Vente au poids (prix au kilo)" })),
    field("line-quantity", "Quantité", quantity, "Un lot : la quantité et le prix d'une pièce."),
    h("div", { class: "field" }, h("label", { for: "line-price" }, priceLabel), price),
    field("line-weight", "Poids de la ligne (kg)", weight, "Obligatoire au poids ; sinon facultatif (poids total de la ligne)."),
    h("div", { class: "field" }, h("label", { for: "line-discount", text: "Remise (facultative)" }), h("div", { class: "row" }, discount, discountKind)),
    error,
  );
  queueMicrotask(sync);

  const read = () => {
    const chosen = categories.find((c) => c.code === select.value);
    const kg = byWeight.checked;
    const unitPrice = parseEuros(price.value);
    if (unitPrice === null) throw new PricingError("Prix invalide : un montant en euros, 2 décimales au plus.", "invalid_price");
    const grams = weight.value.trim() ? parseKg(weight.value) : null;
    if (weight.value.trim() && (grams === null || grams <= 0)) throw new PricingError("Poids invalide : en kg, 3 décimales au plus.", "invalid_weight");
    if (kg && grams === null) throw new PricingError("Une vente au poids demande le poids.", "weight_required");
    const count = kg ? 1 : Number(quantity.value);
    let discountCents = null;
    let discountPercentBp = null;
    if (discount.value.trim()) {
      if (discountKind.value === "percent") {
        discountPercentBp = parseDecimal(discount.value, 2);
        if (discountPercentBp === null || discountPercentBp > 10_000) throw new PricingError("Remise en % entre 0 et 100, 2 décimales au plus.", "invalid_discount");
      } else {
        discountCents = parseEuros(discount.value);
        if (discountCents === null) throw new PricingError("Remise invalide : 2 décimales au plus.", "invalid_discount");
      }
    }
    return makeLine({ category: chosen, description: description.value.trim() || null, unit: kg ? "kg" : "piece", quantity: count, unitPriceCents: unitPrice, weightG: grams, discountCents, discountPercentBp });
  };

  const validate = async () => {
    try {
      const built = read();
      if (line) till.ticket.replace(line.key, built);
      else till.ticket.add(built);
      till.lastSale = null;
      return true;
    } catch (problem) {
      if (!(problem instanceof PricingError)) throw problem;
      error.textContent = problem.message;
      error.hidden = false;
      return false;
    }
  };
  const actions = [{ label: "Annuler", value: null }];
  if (line) actions.push({ label: "Supprimer la ligne", danger: true, onClick: () => till.ticket.remove(line.key) });
  actions.push({ label: line ? "Enregistrer" : "Ajouter au ticket", primary: true, id: "line-save", onClick: validate });
  const closed = openDialog({ title: line ? "Modifier la ligne" : `Ajouter : ${category.label}`, content, actions });
  setTimeout(() => price.focus(), 0);
  await closed;
}
