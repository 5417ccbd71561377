// The project page's "Share progress" card: the PDF report (fetched with progress, then saved), the ZIP export
// (a plain download link the browser streams to disk) and the map link. Errors are shown in the server's words.
import { ApiError, describeProblem, getJson, parseJson, OFFLINE_MESSAGE } from './lib/api.js';
import { setText, show } from './lib/dom.js';

const root = document.querySelector('[data-share-progress]');
if (root) start(root);

function start(card) {
  const projectId = card.dataset.projectId;
  const from = card.querySelector('[data-report-from]');
  const to = card.querySelector('[data-report-to]');
  const milestone = card.querySelector('[data-export-milestone]');
  const status = card.querySelector('[data-export-status]');
  const reportButton = card.querySelector('[data-download-report]');
  const exportLink = card.querySelector('[data-download-export]');
  const progress = card.querySelector('[data-report-progress]');
  const statusText = card.querySelector('[data-report-status]');
  const errorText = card.querySelector('[data-report-error]');

  getJson(`/api/projects/${projectId}/milestones`).then(list => {
    for (const m of list) milestone.append(new Option(m.name, m.id));
  }).catch(() => { /* the filter stays at "All milestones"; the timeline shows the load error */ });

  function rangeError() {
    if (from.value && to.value && from.value > to.value) return 'The start date is after the end date.';
    return null;
  }

  function query(extra) {
    const params = new URLSearchParams();
    if (from.value) params.set('from', from.value);
    if (to.value) params.set('to', to.value);
    for (const [key, value] of Object.entries(extra)) if (value) params.set(key, value);
    const text = params.toString();
    return text ? `?${text}` : '';
  }

  function updateExportLink() {
    exportLink.href = `/api/projects/${projectId}/export.zip${query({ milestone: milestone.value, status: status.value })}`;
  }
  for (const input of [from, to, milestone, status]) input.addEventListener('change', () => {
    updateExportLink();
    setText(errorText, rangeError() ?? '');
  });
  updateExportLink();

  exportLink.addEventListener('click', event => {
    const problem = rangeError();
    if (problem) {
      event.preventDefault();
      setText(errorText, problem);
      return;
    }
    setText(errorText, '');
    setText(statusText, 'Your browser is downloading the ZIP; it shows the progress in its downloads.');
  });

  reportButton.addEventListener('click', async () => {
    const problem = rangeError();
    setText(errorText, problem ?? '');
    if (problem) return;
    reportButton.disabled = true;
    progress.removeAttribute('value');
    show(progress, true);
    setText(statusText, 'Writing the report…');
    try {
      const { blob, fileName } = await download(`/api/projects/${projectId}/report.pdf${query({})}`, fraction => {
        progress.value = Math.round(fraction * 100);
        setText(statusText, `Downloading the report… ${Math.round(fraction * 100)}%`);
      });
      save(blob, fileName);
      setText(statusText, `The report is saved as ${fileName}.`);
    } catch (error) {
      setText(statusText, '');
      setText(errorText, `The report could not be made. ${error.message}`);
    } finally {
      show(progress, false);
      reportButton.disabled = false;
    }
  });
}

/** Fetches a file, reporting the share received while it arrives; a refusal becomes an ApiError in plain words. */
async function download(url, onProgress) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/pdf, application/problem+json' } });
  } catch {
    throw new ApiError(OFFLINE_MESSAGE, 0);
  }
  if (!response.ok) throw new ApiError(describeProblem(response.status, parseJson(await response.text())), response.status);
  const total = Number(response.headers.get('Content-Length')) || 0;
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    if (total) onProgress(received / total);
  }
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const fileName = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? 'report.pdf';
  return { blob: new Blob(chunks, { type: 'application/pdf' }), fileName };
}

function save(blob, fileName) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}
