// <button data-copy="#field">: copies the field's text (a new API token) and says so, for people on phones too.
document.addEventListener('click', async event => {
  const button = event.target.closest?.('button[data-copy]');
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  const status = button.closest('section')?.querySelector('[data-copy-status]');
  if (!field) return;
  let copied = false;
  try {
    await navigator.clipboard.writeText(field.value);
    copied = true;
  } catch {
    field.select();
    copied = document.execCommand?.('copy') ?? false;
  }
  if (status) status.textContent = copied ? 'Copied. Paste it where your script or phone asks for a token.' : 'Select the token and copy it yourself: this browser did not allow copying.';
  button.focus();
});
