// What the reception desk shows for the API's codes, in French, and small date helpers.

export const STATUS = { draft: "Brouillon", classified: "À valider", validated: "Validé", cancelled: "Annulé" };
export const DESTINATIONS = [
  ["reuse", "Réemploi"],
  ["recycling", "Recyclage"],
  ["disposal", "Déchets"],
];
export const DONORS = [
  ["individual", "Particulier"],
  ["business", "Professionnel"],
  ["public", "Collectivité"],
];
export const CHANNELS = [
  ["drop_off", "Apport sur place"],
  ["pickup", "Collecte à domicile"],
  ["collection_point", "Point de collecte"],
];
export const FLOW_DESTINATIONS = [
  ["eco_organism", "Éco-organisme"],
  ["recycler", "Recycleur"],
  ["dechetterie", "Déchèterie"],
  ["donation", "Don"],
];
export const PROVIDERS = { gemini: "Gemini", local: "IA locale" };

export const labelIn = (pairs, code) => pairs.find(([value]) => value === code)?.[1] || "";

/** "YYYY-MM-DD" of `date` in the time zone `zone` (the site's day). */
export function dayIn(zone, date) {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(date);
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

export function timeIn(zone, iso) {
  return new Intl.DateTimeFormat("fr-FR", { timeZone: zone, hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

export function dateTimeIn(zone, iso) {
  return new Intl.DateTimeFormat("fr-FR", { timeZone: zone, dateStyle: "short", timeStyle: "short" }).format(new Date(iso));
}

/** "2026-12-06" → "06/12/2026". */
export function frenchDay(day) {
  const [y, m, d] = day.split("-");
  return `${d}/${m}/${y}`;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
