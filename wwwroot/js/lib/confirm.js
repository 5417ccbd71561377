// A confirmation that names what a destructive action will do, in a modal <dialog>. Cancel has the focus first, so
// Enter alone never destroys anything; Escape cancels; focus returns to the control that asked.
import { h } from './dom.js';

export function confirmAction({ title, message, confirmLabel, cancelLabel = 'Cancel' }) {
  const opener = document.activeElement;
  return new Promise(resolve => {
    const cancel = h('button', { type: 'button', class: 'button', dataset: { confirmCancel: '' } }, cancelLabel);
    const confirm = h('button', { type: 'button', class: 'button danger', dataset: { confirmOk: '' } }, confirmLabel);
    const titleId = `confirm-title-${Date.now()}`;
    const dialog = h('dialog', { class: 'confirm-dialog', 'aria-labelledby': titleId, dataset: { confirmDialog: '' } },
      h('h2', { id: titleId }, title),
      h('p', null, message),
      h('div', { class: 'confirm-actions' }, cancel, confirm));
    let answer = false;
    const finish = value => {
      answer = value;
      dialog.close();
    };
    cancel.addEventListener('click', () => finish(false));
    confirm.addEventListener('click', () => finish(true));
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
