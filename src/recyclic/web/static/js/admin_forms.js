// Forms of the back office: a 422 in HTML is the form again with its errors (swapped); a 422
// in JSON is the API's domain error (the values were well-formed, a rule refused them, nothing
// was written). That one is not swapped into the page: it becomes an error answer, which
// admin.js shows in the form's [data-form-error] box.
document.addEventListener("htmx:beforeSwap", (event) => {
  const { xhr } = event.detail;
  const type = xhr.getResponseHeader("Content-Type") || "";
  if (xhr.status === 422 && type.includes("application/json")) {
    event.detail.shouldSwap = false;
    event.detail.isError = true;
  }
});
