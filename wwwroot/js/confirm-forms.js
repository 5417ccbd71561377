// Server-rendered forms that destroy something (delete a user, remove a member, revoke a token) carry
// data-confirm="what will happen"; they are sent only after the person confirms in a dialog that says so.
import { confirmAction } from './lib/confirm.js';

document.addEventListener('submit', async event => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm || form.dataset.confirmed) return;
  event.preventDefault();
  const button = event.submitter ?? form.querySelector('button[type=submit], button:not([type])');
  const ok = await confirmAction({
    title: form.dataset.confirmTitle ?? 'Are you sure?',
    message: form.dataset.confirm,
    confirmLabel: button?.textContent.trim() || 'Confirm',
  });
  if (!ok) return;
  form.dataset.confirmed = 'true';
  form.requestSubmit(button ?? undefined);
});
