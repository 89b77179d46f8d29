// The ticket being built, and the keypad entry that feeds it — like a shop's till: type the
// price, then press the category key ("5" then "Vaisselle"); "3 × 2" then a category is a
// lot of three at 2 €; "1,250 kg 4" then "Textile" sells 1.25 kg at 4 €/kg.
import { centsToJson, formatEuros, formatKg, gramsToJson, parseEuros, parseKg } from "../js/money.js";
import { MAX_QUANTITY, MAX_UNIT_PRICE_CENTS, MAX_WEIGHT_G, PricingError, priceLine, ticketTotal } from "../js/pricing.js";

let nextKey = 1;

/** The keypad's pending entry: an optional quantity or weight, then the digits of a price. */
export class Entry {
  constructor() {
    this.clear();
  }

  clear() {
    this.quantity = null;
    this.weightG = null;
    this.digits = "";
  }

  get empty() {
    return !this.digits && this.quantity === null && this.weightG === null;
  }

  /** A keypad key: "0"-"9", "00", ",", "back", "clear", "times", "kg". Returns an error
   * message to show, or null. */
  press(key) {
    if (/^\d+$/.test(key)) {
      if (this.digits.replace(",", "").length >= 9) return "Montant trop long.";
      this.digits += key;
    } else if (key === ",") {
      if (!this.digits.includes(",")) this.digits = (this.digits || "0") + ",";
    } else if (key === "back") {
      if (this.digits) this.digits = this.digits.slice(0, -1);
      else if (this.weightG !== null) this.weightG = null;
      else this.quantity = null;
    } else if (key === "clear") {
      this.clear();
    } else if (key === "times") {
      const quantity = Number(this.digits);
      if (!/^\d+$/.test(this.digits) || quantity < 1 || quantity > MAX_QUANTITY) {
        return "Tapez d'abord une quantité (nombre entier de 1 à 10 000), puis ×.";
      }
      this.quantity = quantity;
      this.weightG = null;
      this.digits = "";
    } else if (key === "kg") {
      const grams = parseKg(this.digits);
      if (grams === null || grams <= 0 || grams > MAX_WEIGHT_G) {
        return "Tapez d'abord le poids en kg (3 décimales au plus), puis kg.";
      }
      this.weightG = grams;
      this.quantity = null;
      this.digits = "";
    }
    return null;
  }

  /** What the entry display shows. */
  describe() {
    const price = this.digits ? `${this.digits} €` : "…";
    if (this.weightG !== null) return `${formatKg(this.weightG)} × ${price}/kg`;
    if (this.quantity !== null) return `${this.quantity} × ${price}`;
    return this.digits ? `${this.digits} €` : "";
  }

  /** The line this entry makes with a category (throws PricingError when invalid). */
  toLine(category) {
    const price = parseEuros(this.digits);
    if (price === null) throw new PricingError("Prix invalide : 2 décimales au plus.", "invalid_price");
    return makeLine({
      category,
      unit: this.weightG !== null ? "kg" : "piece",
      quantity: this.weightG !== null ? 1 : this.quantity ?? 1,
      unitPriceCents: price,
      weightG: this.weightG,
    });
  }
}

/** A checked ticket line (PricingError when a limit is exceeded). */
export function makeLine({ category, description = null, unit = "piece", quantity = 1, unitPriceCents, weightG = null, discountPercentBp = null, discountCents = null }) {
  if (unitPriceCents > MAX_UNIT_PRICE_CENTS) throw new PricingError("Prix trop élevé (100 000 € au plus).", "price_too_large");
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) throw new PricingError("Quantité invalide (1 à 10 000).", "invalid_quantity");
  if (weightG !== null && (weightG <= 0 || weightG > MAX_WEIGHT_G)) throw new PricingError("Poids invalide (10 000 kg au plus).", "invalid_weight");
  const line = { key: nextKey++, category: category.code, description, unit, quantity, unitPriceCents, weightG, discountPercentBp, discountCents };
  priceLine(line); // throws when the line breaks a rule
  return line;
}

/** How a line reads on the ticket panel. */
export function lineDetail(line) {
  const price = formatEuros(line.unitPriceCents);
  if (line.unit === "kg") return `${formatKg(line.weightG)} × ${price}/kg`;
  return line.quantity > 1 ? `${line.quantity} × ${price}` : price;
}

export class Ticket {
  constructor() {
    this.lines = [];
  }

  get empty() {
    return this.lines.length === 0;
  }

  add(line) {
    ticketTotal([...this.lines, line]); // refuse a line that would break the ticket limit
    this.lines.push(line);
  }

  replace(key, line) {
    const lines = this.lines.map((l) => (l.key === key ? { ...line, key } : l));
    ticketTotal(lines);
    this.lines = lines;
  }

  remove(key) {
    this.lines = this.lines.filter((line) => line.key !== key);
  }

  total() {
    return ticketTotal(this.lines);
  }

  /** The POST /sales body (amounts as JSON numbers written from integers). */
  toSale({ id, sessionId, createdAt, payments }) {
    return {
      id,
      session_id: sessionId,
      created_at: createdAt,
      items: this.lines.map((line) => {
        const item = {
          category: line.category,
          quantity: line.quantity,
          unit: line.unit,
          unit_price: centsToJson(line.unitPriceCents),
        };
        if (line.description) item.description = line.description;
        if (line.weightG !== null) item.weight_kg = gramsToJson(line.weightG);
        if (line.discountPercentBp !== null) item.discount_percent = line.discountPercentBp / 100;
        else if (line.discountCents) item.discount_amount = centsToJson(line.discountCents);
        return item;
      }),
      payments: payments.map((p) => ({ method: p.method, amount: centsToJson(p.amountCents) })),
    };
  }
}
