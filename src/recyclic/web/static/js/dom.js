// Building the page from data, safely: text always goes through textContent, never
// innerHTML, so nothing a person typed (a label, a description) can run as code.

/** h("button", {class: "x", on: {click}}, "text", child…) → an element. */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "text") element.textContent = value;
    else if (name === "on") {
      for (const [event, handler] of Object.entries(value)) element.addEventListener(event, handler);
    } else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name in element && typeof value !== "string") element[name] = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace the content of `element` with `children`. */
export function render(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** A modal <dialog> with a title, content and buttons; resolves with the value of the button
 * pressed (or null when dismissed with Escape). */
export function openDialog({ title, content, actions, className = "" }) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: className, "aria-labelledby": "dialog-title" });
    const close = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      close(null);
    });
    render(
      dialog,
      h("h2", { id: "dialog-title", text: title }),
      content,
      h(
        "div",
        { class: "dialog-actions" },
        actions.map((action) =>
          h("button", {
            type: "button",
            class: `button button-large ${action.primary ? "button-primary" : ""} ${action.danger ? "button-danger" : ""}`,
            text: action.label,
            dataset: action.id ? { action: action.id } : undefined,
            on: {
              click: async () => {
                if (action.onClick) {
                  const keep = await action.onClick(dialog);
                  if (keep === false) return;
                }
                close(action.value ?? action.label);
              },
            },
          }),
        ),
      ),
    );
    document.body.append(dialog);
    dialog.showModal();
  });
}
