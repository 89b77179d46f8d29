// Money and weights as integers: cents and grams, exactly like the server. The only floats
// are the JSON numbers sent to the API (euros, kilograms), written from integers.

const EUROS = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
const KILOS = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 3 });

/** "12", "12,5", "12.50" → integer of minor units (10^decimals), or null when invalid. */
export function parseDecimal(text, decimals) {
  const value = String(text ?? "").trim().replace(/\s/g, "").replace(",", ".");
  const match = /^(\d{1,9})(?:\.(\d*))?$/.exec(value);
  if (!match) return null;
  const fraction = match[2] ?? "";
  if (fraction.length > decimals) return null;
  return Number(match[1]) * 10 ** decimals + Number(fraction.padEnd(decimals, "0") || "0");
}

export const parseEuros = (text) => parseDecimal(text, 2);
export const parseKg = (text) => parseDecimal(text, 3);

export const formatEuros = (cents) => EUROS.format(cents / 100);
export const formatKg = (grams) => `${KILOS.format(grams / 1000)} kg`;

/** Integer cents → the JSON number the API expects (at most 2 decimals). */
export const centsToJson = (cents) => Number((cents / 100).toFixed(2));
export const gramsToJson = (grams) => Number((grams / 1000).toFixed(3));
/** The API's euros (JSON number) → integer cents. */
export const jsonToCents = (euros) => Math.round(Number(euros) * 100);
