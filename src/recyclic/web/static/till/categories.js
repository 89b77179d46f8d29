// Category keys: a colour per family (the same everywhere, so that hands learn them) and an
// AZERTY keyboard shortcut in the site's order.

const SHORTCUTS = "AZERTYUIOPQSDFGHJKLMWXCVBN";
const FAMILY_COLOURS = new Set(["EEE", "MOB", "TLC", "JOU", "SPO", "BRI", "LIV", "VAI", "DEC", "DIV"]);

/** The categories with their shortcut letter and colour class, in the site's order. */
export function categoryKeys(categories) {
  return categories.map((category, index) => ({
    category,
    shortcut: SHORTCUTS[index] || null,
    colour: `family-${FAMILY_COLOURS.has(category.family) ? category.family.toLowerCase() : "other"}`,
  }));
}

export function categoryByShortcut(keys, letter) {
  return keys.find((key) => key.shortcut === letter.toUpperCase()) || null;
}

export function labelOf(categories, code) {
  return categories.find((c) => c.code === code)?.label || code;
}
