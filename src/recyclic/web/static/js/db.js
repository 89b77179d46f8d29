// The till's storage in the browser (IndexedDB): the outbox of tickets not yet accepted by the
// server, the tickets it refused (kept for a person to look at), and the reference data that
// lets the till start offline.
import { openDB } from "../vendor/idb/index.js";

const NAME = "recyclic-till";

let opened = null;

export function database() {
  opened ??= openDB(NAME, 1, {
    upgrade(db) {
      db.createObjectStore("outbox", { keyPath: "id" }).createIndex("created_at", "created_at");
      db.createObjectStore("attention", { keyPath: "id" });
      db.createObjectStore("kv");
    },
  });
  return opened;
}

export async function kvGet(key) {
  return (await database()).get("kv", key);
}

export async function kvSet(key, value) {
  return (await database()).put("kv", value, key);
}

export async function kvDelete(key) {
  return (await database()).delete("kv", key);
}

/** Ask the browser not to evict our data under storage pressure. */
export async function persistStorage() {
  try {
    if (navigator.storage?.persist && !(await navigator.storage.persisted())) {
      return await navigator.storage.persist();
    }
    return true;
  } catch {
    return false;
  }
}
