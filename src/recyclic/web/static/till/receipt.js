// Receipts and reports on screen and on the thermal printer: the server's own 32/48-column
// text (with the site's legal mentions), printed through the browser's print dialog with a
// page sized to the roll.
import { NetworkError } from "../js/api.js";
import { $, h, openDialog, render } from "../js/dom.js";

const PAPER_KEY = "recyclic.paper";

/** "58" or "80" (mm): the tablet's printer roll, remembered on this tablet. */
export function paperWidth() {
  return localStorage.getItem(PAPER_KEY) === "80" ? "80" : "58";
}

export function setPaperWidth(width) {
  localStorage.setItem(PAPER_KEY, width === "80" ? "80" : "58");
}

const columns = () => (paperWidth() === "80" ? 48 : 32);

/** Print `text` on the roll (only what is in #print-area is printed). */
export function printText(text) {
  const area = $("#print-area");
  render(area, h("pre", { class: `roll roll-${paperWidth()}`, text }));
  document.body.dataset.paper = paperWidth();
  window.print();
}

async function showText(till, title, fetchText, idPrefix) {
  let text;
  try {
    text = await fetchText();
  } catch (error) {
    const message = error instanceof NetworkError ? "Le réseau est nécessaire pour afficher ce document." : error.message;
    till.toast(message, "error");
    return;
  }
  await openDialog({
    title,
    className: "receipt-dialog",
    content: h("pre", { class: "receipt-text", id: `${idPrefix}-text`, text }),
    actions: [
      { label: "Fermer", value: null },
      { label: "Imprimer", primary: true, id: `${idPrefix}-print`, onClick: () => { printText(text); return false; } },
    ],
  });
}

/** The customer's ticket (sent first when it still waits in the outbox). */
export async function showReceipt(till, saleId) {
  const waiting = (await till.outbox.pending()).some((entry) => entry.id === saleId);
  if (waiting) {
    await till.outbox.drain();
    if ((await till.outbox.pending()).some((entry) => entry.id === saleId)) {
      till.toast("Ce ticket n'est pas encore parvenu au serveur (hors ligne) : le reçu sera disponible à son envoi.", "warn");
      return;
    }
  }
  await showText(till, "Ticket de caisse", () => till.api.request("GET", `/sales/${saleId}/receipt?format=text&width=${columns()}`, { raw: true }).then((r) => r.text()), "receipt");
}

/** The X (open) or Z (closed) report of a session. */
export async function showReport(till, sessionId, title) {
  await showText(till, title, () => till.api.request("GET", `/cash-sessions/${sessionId}/report?format=text&width=${columns()}`, { raw: true }).then((r) => r.text()), "report");
}

