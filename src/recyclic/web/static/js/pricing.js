// The ticket arithmetic of services/cash/pricing.py, in integer cents and grams, so that the
// till shows offline exactly the totals the server will compute (tested against it). The
// server still computes every total itself and never trusts these.

export const MAX_LINE_CENTS = 100_000_00;
export const MAX_TICKET_CENTS = 1_000_000_00;
export const MAX_UNIT_PRICE_CENTS = 100_000_00;
export const MAX_QUANTITY = 10_000;
export const MAX_WEIGHT_G = 10_000_000;

export class PricingError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

/** numerator / denominator rounded to the nearest integer, halves away from zero. */
export function roundHalfUp(numerator, denominator) {
  const sign = (numerator < 0) !== (denominator < 0) ? -1 : 1;
  const n = Math.abs(numerator);
  const d = Math.abs(denominator);
  let quotient = Math.floor(n / d);
  const remainder = n - quotient * d;
  if (remainder * 2 >= d) quotient += 1;
  return sign * quotient;
}

/** A line as the till holds it: {unit: "piece"|"kg", quantity, unitPriceCents, weightG,
 * discountPercentBp, discountCents} → {grossCents, discountCents, totalCents}. */
export function priceLine(line) {
  let gross;
  if (line.unit === "kg") {
    if (!line.weightG) throw new PricingError("Une vente au poids demande le poids (weight_kg).", "weight_required");
    gross = roundHalfUp(line.unitPriceCents * line.weightG, 1000);
  } else {
    gross = line.unitPriceCents * line.quantity;
  }
  let discount;
  if (line.discountPercentBp !== null && line.discountPercentBp !== undefined) {
    discount = roundHalfUp(gross * line.discountPercentBp, 10_000);
  } else {
    discount = line.discountCents || 0;
  }
  if (discount > gross) throw new PricingError("La remise dépasse le montant de la ligne.", "discount_too_large");
  const total = gross - discount;
  if (total > MAX_LINE_CENTS) throw new PricingError("Une ligne ne peut pas dépasser 100 000 €.", "line_too_large");
  return { grossCents: gross, discountCents: discount, totalCents: total };
}

export function ticketTotal(lines) {
  const total = lines.reduce((sum, line) => sum + priceLine(line).totalCents, 0);
  if (total > MAX_TICKET_CENTS) throw new PricingError("Un ticket ne peut pas dépasser 1 000 000 €.", "ticket_too_large");
  return total;
}

/** What the payments leave: {paidCents, dueCents (≥ 0), changeCents}, and whether they settle
 * the total under the server's rules (non-cash never above what is due). */
export function settle(totalCents, payments) {
  const nonCash = payments.filter((p) => p.method !== "cash" && p.method !== "free").reduce((s, p) => s + p.amountCents, 0);
  const cash = payments.filter((p) => p.method === "cash").reduce((s, p) => s + p.amountCents, 0);
  const paid = nonCash + cash;
  return {
    paidCents: paid,
    dueCents: Math.max(0, totalCents - paid),
    changeCents: Math.max(0, paid - totalCents),
    nonCashTooHigh: nonCash > totalCents,
    settled: nonCash <= totalCents && paid >= totalCents,
  };
}
