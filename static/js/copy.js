// Copy buttons: <button data-copy="#input-id">; says "Copied" next to it. No library, no build step.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  if (!field) return;
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    document.execCommand("copy"); // pages served over plain http have no Clipboard API
  }
  const note = button.parentElement.querySelector(".copied");
  if (note) {
    note.hidden = false;
    setTimeout(() => { note.hidden = true; }, 2000);
  }
});
