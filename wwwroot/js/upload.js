// Uploads photos one request per file, a few at a time, each with its own progress bar, result and retry.
// Photos wait in an IndexedDB queue until the server has answered for them, so a reload or a dropped connection
// loses none; failed sends are retried with backoff. A photo sent twice (a retry racing a slow success) is
// recognised by the server by its hash and reported as already there, which counts as done.
import { csrfHeaders, describeProblem, getJson, OFFLINE_MESSAGE, parseJson, sendJson } from './lib/api.js';
import { formatBytes, h, plural, setText } from './lib/dom.js';
import { photoPageUrl } from './lib/photos.js';
import { loadTagSuggestions, suggestTag, tagInput } from './lib/tag-input.js';
import { dequeue, enqueue, pending, updateQueued } from './lib/upload-queue.js';

// Two at a time keeps a weak phone connection busy without starving every file of bandwidth.
const CONCURRENT_UPLOADS = 2;
// Waits between automatic retries: 2 s, 4 s, 8 s ... at most a minute, with jitter so phones do not retry in step.
const RETRY_BASE_MS = 2000;
const RETRY_MAX_MS = 60000;

const root = document.querySelector('[data-upload]');
const projectId = Number(root.dataset.projectId);
const maxBytes = Number(root.dataset.maxBytes);
const uploadUrl = `/api/projects/${projectId}/photos`;
const picker = root.querySelector('[data-milestone-picker]');
const list = root.querySelector('[data-upload-list]');
const summary = root.querySelector('[data-upload-summary]');
const batchNote = root.querySelector('[data-batch-note]');
const tagSuggestions = root.querySelector('[data-tag-suggestions]');
const batchTags = tagInput(root.querySelector('[data-batch-tags]'), { datalistId: tagSuggestions.id, label: 'Tags for these photos' });

const uploads = [];
let running = 0;

async function loadMilestones() {
  try {
    const milestones = await getJson(`/api/projects/${projectId}/milestones`);
    milestones.sort((a, b) => a.position - b.position || a.id - b.id);
    picker.append(...milestones.map(m => h('option', { value: m.id }, m.name)));
  } catch (error) {
    picker.closest('.field').after(h('p', { class: 'form-error' }, `The milestones could not be loaded. ${error.message}`));
  }
}

async function addFiles(files) {
  const milestoneId = picker.value;
  // Each photo takes the batch's note and tags as they are now; its own can then be changed in its row.
  const context = { note: batchNote.value.trim(), tags: batchTags.tags };
  for (const tag of context.tags) suggestTag(tagSuggestions, tag);
  for (const file of files) {
    const upload = track(file, milestoneId, null, context);
    if (file.size > maxBytes) finish(upload, 'error', `This file is ${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes)} per photo.`);
    else if (file.size === 0) finish(upload, 'error', 'This file is empty.');
    else upload.queueKey = await enqueue(projectId, file, milestoneId, context);
  }
  pump();
  updateSummary();
}

function track(file, milestoneId, queueKey, { note = '', tags = [] } = {}) {
  const upload = { file, milestoneId, queueKey, note, tags: [...tags], attempts: 0, retryTimer: null, state: 'queued', row: null, progress: null, message: null };
  upload.row = renderRow(upload);
  list.prepend(upload.row);
  uploads.push(upload);
  return upload;
}

/** Photos queued before a reload or a crash of the page: shown at once, then sent. */
async function resumeQueue() {
  const waiting = await pending(projectId);
  for (const item of waiting) {
    const upload = track(item.file, item.milestoneId ?? '', item.key, { note: item.note ?? '', tags: item.tags ?? [] });
    upload.resumed = true;
    upload.message.replaceChildren('Waiting from your last visit…');
  }
  if (waiting.length) {
    pump();
    updateSummary();
  }
}

function renderRow(upload) {
  upload.progress = h('progress', { class: 'progress', max: 100, value: 0, 'aria-label': `Upload of ${upload.file.name}` });
  upload.message = h('p', { class: 'upload-message' }, 'Waiting…');
  return h('li', { class: 'upload-item', dataset: { state: 'queued' } },
    h('div', { class: 'upload-item-head' },
      h('span', { class: 'upload-name break-anywhere' }, upload.file.name),
      h('span', { class: 'muted' }, formatBytes(upload.file.size))),
    upload.progress,
    upload.message,
    renderContext(upload));
}

/** The photo's own note and tags: sent with it when it has not left yet, saved on the photo once it has. */
function renderContext(upload) {
  const note = h('textarea', { rows: 2, maxlength: 2000, 'aria-label': `Note for ${upload.file.name}`, dataset: { fileNote: '' } });
  note.value = upload.note;
  const tagsBox = h('div', { dataset: { fileTags: '' } });
  const tags = tagInput(tagsBox, { datalistId: tagSuggestions.id, label: `Tags for ${upload.file.name}`, initial: upload.tags });
  const status = h('p', { class: 'form-ok', role: 'status', hidden: true });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const save = h('button', { type: 'button', class: 'button button-small', dataset: { saveContext: '' } }, 'Save note and tags');
  save.addEventListener('click', async () => {
    upload.note = note.value.trim();
    upload.tags = tags.tags;
    upload.tags.forEach(tag => suggestTag(tagSuggestions, tag));
    setText(error, '');
    try {
      if (upload.row.dataset.photoId) {
        await saveOnPhoto(upload);
        setText(status, 'Saved on the photo.');
      } else if (upload.state === 'sending') {
        // The request on its way carries the old ones: save these on the photo as soon as it is in.
        upload.saveAfterSend = true;
        setText(status, 'Saved: they will be put on the photo as soon as it is in.');
      } else {
        await updateQueued(upload.queueKey, { note: upload.note, tags: upload.tags });
        setText(status, 'Saved: they will be sent with the photo.');
      }
    } catch (failure) {
      setText(status, '');
      setText(error, failure.message);
    }
  });
  return h('details', { class: 'upload-context' },
    h('summary', null, 'Note and tags for this photo'),
    h('label', { class: 'field' }, h('span', null, 'Note'), note),
    h('div', { class: 'field' }, h('span', null, 'Tags'), tagsBox),
    save, status, error);
}

function saveOnPhoto(upload) {
  upload.saveAfterSend = false;
  return sendJson('PATCH', `/api/photos/${upload.row.dataset.photoId}`, { note: upload.note, tags: upload.tags });
}

function pump() {
  while (running < CONCURRENT_UPLOADS) {
    const next = uploads.find(u => u.state === 'queued');
    if (!next) break;
    running++;
    send(next).finally(() => {
      running--;
      pump();
      updateSummary();
    });
  }
}

function send(upload) {
  upload.state = 'sending';
  upload.row.dataset.state = 'sending';
  upload.message.replaceChildren('Uploading…');
  upload.progress.removeAttribute('value');
  const form = new FormData();
  form.append('files', upload.file, upload.file.name);
  if (upload.milestoneId) form.append('milestoneId', upload.milestoneId);
  if (upload.note) form.append('note', upload.note);
  if (upload.tags.length) form.append('tags', upload.tags.join(', '));

  upload.attempts++;
  return new Promise(resolve => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', uploadUrl);
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [name, value] of Object.entries(csrfHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', event => {
      if (!event.lengthComputable) return;
      upload.progress.value = Math.round((event.loaded / event.total) * 100);
      upload.message.replaceChildren(event.loaded < event.total
        ? `Uploading… ${formatBytes(event.loaded)} of ${formatBytes(event.total)}`
        : 'Checking the photo…');
    });
    xhr.addEventListener('load', () => {
      const body = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) showResult(upload, Array.isArray(body) ? body[0] : body);
      else if (xhr.status === 401) finish(upload, 'error', 'You were signed out. Sign in again: this photo waits here and is sent when you come back.', false, true);
      else finish(upload, 'error', describeProblem(xhr.status, body), xhr.status >= 500 || xhr.status === 408 || xhr.status === 429);
      resolve();
    });
    xhr.addEventListener('error', () => { finish(upload, 'error', OFFLINE_MESSAGE, true); resolve(); });
    xhr.addEventListener('timeout', () => { finish(upload, 'error', OFFLINE_MESSAGE, true); resolve(); });
    xhr.addEventListener('abort', () => { finish(upload, 'error', 'The upload was cancelled.', true); resolve(); });
    xhr.send(form);
  });
}

function showResult(upload, result) {
  if (!result) return finish(upload, 'error', 'The server did not say what happened to this photo. Check the timeline before sending it again.');
  if (result.error) return finish(upload, 'error', result.error);
  if (result.retryUrl) {
    // The same file was sent before and could not be processed: offer to try it again rather than call it a duplicate.
    upload.row.dataset.photoId = result.id;
    return finish(upload, 'error', [
      `This photo was sent before but could not be processed${result.failedReason ? `: ${result.failedReason}` : '.'} `,
      h('button', { class: 'button button-small', type: 'button', 'data-retry-processing': '', onclick: () => retryProcessing(upload, result.retryUrl) }, 'Try processing it again'),
    ]);
  }
  if (result.duplicateOf != null) {
    // After a retry or a reload this is usually our own earlier attempt that did arrive: the photo is safely there.
    if (upload.attempts > 1 || upload.resumed) {
      upload.row.dataset.photoId = result.duplicateOf;
      return finish(upload, 'accepted', ['Uploaded. ', h('a', { href: photoPageUrl(result.duplicateOf) }, 'View photo'), '.']);
    }
    return finish(upload, 'duplicate', ['Already uploaded: ', h('a', { href: photoPageUrl(result.duplicateOf) }, 'see the first copy'), '.']);
  }
  upload.row.dataset.photoId = result.id;
  if (upload.saveAfterSend) saveOnPhoto(upload).catch(failure => upload.message.append(` Its note and tags were not saved: ${failure.message}`));
  return finish(upload, 'accepted', ['Uploaded. ', h('a', { href: photoPageUrl(result.id) }, 'View photo'), '.']);
}

async function retryProcessing(upload, retryUrl) {
  try {
    await sendJson('POST', retryUrl, {});
    finish(upload, 'accepted', ['Queued again. ', h('a', { href: photoPageUrl(upload.row.dataset.photoId) }, 'View photo'), '.']);
  } catch (error) {
    finish(upload, 'error', error.message);
  }
}

/**
 * Settles one photo. A photo the server answered for leaves the queue; one that failed for a passing reason
 * (no connection, server busy) stays queued and is retried automatically after a growing wait, or at once with
 * "Try now" or when the phone comes back online. keepQueued: not sent, but not to be forgotten either (signed out).
 */
function finish(upload, state, message, canRetry = false, keepQueued = false) {
  upload.state = state;
  upload.row.dataset.state = state;
  upload.progress.value = state === 'error' ? 0 : 100;
  upload.message.replaceChildren(...[message].flat());
  if (canRetry) {
    const wait = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (upload.attempts - 1)) * (0.75 + Math.random() * 0.5);
    upload.state = 'retrying';
    upload.row.dataset.state = 'retrying';
    upload.message.append(` Trying again in ${Math.round(wait / 1000)} s. `, h('button', {
      class: 'button button-small', type: 'button', onclick: () => retry(upload),
    }, 'Try now'), ' ', h('button', {
      class: 'button button-small', type: 'button', onclick: () => discard(upload),
    }, 'Remove'));
    upload.retryTimer = setTimeout(() => retry(upload), wait);
  } else if (!keepQueued) {
    dequeue(upload.queueKey);
    upload.queueKey = null;
  }
}

/** Gives up on a photo the person no longer wants sent: it leaves the queue and the list. */
function discard(upload) {
  clearTimeout(upload.retryTimer);
  dequeue(upload.queueKey);
  upload.queueKey = null;
  upload.row.remove();
  uploads.splice(uploads.indexOf(upload), 1);
  updateSummary();
}

function retry(upload) {
  if (upload.state !== 'retrying') return;
  clearTimeout(upload.retryTimer);
  upload.state = 'queued';
  upload.row.dataset.state = 'queued';
  upload.message.replaceChildren('Waiting…');
  pump();
  updateSummary();
}

function updateSummary() {
  const count = state => uploads.filter(u => u.state === state).length;
  const left = count('queued') + count('sending') + count('retrying');
  const parts = [`${count('accepted')} of ${plural(uploads.length, 'photo')} uploaded`];
  if (count('duplicate')) parts.push(`${count('duplicate')} already there`);
  if (count('error')) parts.push(`${count('error')} failed`);
  if (left) parts.push(`${left} to go`);
  setText(summary, uploads.length ? parts.join(', ') + '.' : '');
  if (uploads.length && !left) {
    summary.append(' ', h('a', { href: `/projects/${projectId}` }, 'See them on the timeline'), '.');
  }
}

function wireInputs() {
  for (const input of root.querySelectorAll('[data-file-input]')) {
    input.addEventListener('change', () => {
      addFiles([...input.files]);
      input.value = '';
    });
  }
  const zone = root.querySelector('[data-dropzone]');
  const hasFiles = event => [...(event.dataTransfer?.types ?? [])].includes('Files');
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, event => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      zone.classList.add('is-dragging');
    });
  }
  zone.addEventListener('dragleave', event => {
    if (!zone.contains(event.relatedTarget)) zone.classList.remove('is-dragging');
  });
  zone.addEventListener('drop', event => {
    event.preventDefault();
    zone.classList.remove('is-dragging');
    addFiles([...event.dataTransfer.files]);
  });
  // A photo dropped just beside the zone would otherwise make the browser navigate away to the file.
  window.addEventListener('dragover', event => event.preventDefault());
  window.addEventListener('drop', event => event.preventDefault());
  window.addEventListener('beforeunload', event => {
    // Queued photos survive a reload; only a photo that is not in the queue (storage unavailable) would be lost.
    if (uploads.some(u => (u.state === 'queued' || u.state === 'sending' || u.state === 'retrying') && u.queueKey == null)) event.preventDefault();
  });
  window.addEventListener('online', () => uploads.filter(u => u.state === 'retrying').forEach(retry));
}

root.querySelector('[data-max-size]').textContent = formatBytes(maxBytes);
wireInputs();
loadMilestones();
loadTagSuggestions(projectId, tagSuggestions);
resumeQueue();
