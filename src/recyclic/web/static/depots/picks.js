// Quick picks: a row of toggle buttons for one choice (destination, donor type, channel…).
import { h } from "../js/dom.js";

let groups = 0;

/** A labelled group of buttons; `get()` is the chosen value, `set(value)` changes it (null
 * when the chosen button is pressed again, unless `required`). */
export function quickPicks({ label, name, pairs, get, set, required = false, disabled = false }) {
  const id = `picks-${name}-${++groups}`;
  const buttons = pairs.map(([value, text]) =>
    h("button", {
      type: "button",
      class: "button pick",
      dataset: { pick: name, value },
      "aria-pressed": String(get() === value),
      disabled,
      text,
      on: {
        click: () => {
          set(get() === value && !required ? null : value);
          refresh();
        },
      },
    }),
  );
  const refresh = () => {
    for (const button of buttons) button.setAttribute("aria-pressed", String(get() === button.dataset.value));
  };
  const group = h("div", { class: "picks", role: "group", "aria-labelledby": id }, h("span", { id, class: "picks-label", text: label }), h("div", { class: "picks-row" }, buttons));
  group.refresh = refresh;
  return group;
}
