// What the till needs to know to sell, fetched from the API and kept in IndexedDB so that the
// till starts (and keeps selling) without the network.
import { ApiError } from "../js/api.js";
import { kvGet, kvSet } from "../js/db.js";

const KEY = "context";

/** The paired tablet's context (register, site, cashiers), or null when not paired. */
export async function pairedDevice(api) {
  try {
    return await api.get("/devices/current", { auth: false });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

async function orNull(promise, status = 404) {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ApiError && error.status === status) return null;
    throw error;
  }
}

/** Everything the till shows, fresh from the server (and saved for offline use). */
export async function fetchContext(api, device) {
  const user = api.user;
  const [categories, site, session] = await Promise.all([
    api.get("/categories"),
    api.get(`/sites/${user.site_id}`),
    orNull(api.get("/cash-sessions/current")),
  ]);
  let register = device ? device.cash_register : null;
  if (!register && session) register = await api.get(`/cash-registers/${session.register_id}`);
  let registers = [];
  if (!register) registers = (await api.get("/cash-registers")).filter((r) => r.is_active);
  // Someone else's session open on this tablet's register blocks opening a new one.
  let registerSession = null;
  if (register && !session) {
    const page = await api.get(`/cash-sessions?register_id=${register.id}&status=opened&limit=1`);
    registerSession = page.items[0] || null;
  }
  const context = {
    user,
    device: device ? device.device : null,
    cashiers: device ? device.cashiers : [],
    site: { id: site.id, name: site.name, timezone: site.timezone },
    settings: site.settings,
    categories: categories.filter((c) => c.active).sort((a, b) => a.display_order - b.display_order || a.code.localeCompare(b.code)),
    register,
    registers,
    session,
    registerSession,
    savedAt: new Date().toISOString(),
  };
  await kvSet(KEY, context);
  return context;
}

export async function savedContext() {
  return (await kvGet(KEY)) || null;
}

export async function saveContext(context) {
  await kvSet(KEY, context);
}
