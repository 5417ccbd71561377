// One photo: the picture, what the tracker made of it (in plain words, the raw figures behind "details"), the
// history of its decisions, its best earlier match of the same place, and the manager's milestone choice.
import { getJson, sendJson } from './lib/api.js';
import { confirmAction } from './lib/confirm.js';
import { factList, plainFacts, plainReason, rawFacts } from './lib/decisions.js';
import { formatDay, formatPercent, formatWhen, h, setText, show } from './lib/dom.js';
import { followProject } from './lib/live.js';
import { renderEvidenceNote } from './evidence-note.js';
import { fileUrl, photoPageUrl, sourceLabel, statusLabel, thumbnailCaption, thumbnailUrl } from './lib/photos.js';

const root = document.querySelector('[data-photo-page]');
const photoId = Number(root.dataset.photoId);
const form = root.querySelector('[data-milestone-form]');
const select = root.querySelector('[data-milestone-select]');

let photo = null;
let milestones = [];
let history = [];
let following = false;
// While the manager is choosing, live updates must not snap the picker back under their finger.
let pickerTouched = false;

async function load() {
  try {
    photo = await getJson(`/api/photos/${photoId}`);
    if (!milestones.length) milestones = await getJson(`/api/projects/${photo.projectId}/milestones`);
    setText(root.querySelector('[data-load-error]'), '');
    await loadHistory();
    render();
    await renderMatch();
    if (!following) {
      following = true;
      followProject(photo.projectId, { onJoined: reload, handlers: { photoUpdated: onPhotoEvent, milestoneReached: onPhotoEvent, photoDeleted: onPhotoEvent, photoRestored: onPhotoEvent } });
    }
  } catch (error) {
    setText(root.querySelector('[data-load-error]'), `This photo could not be loaded. ${error.message}`);
  }
}

async function reload() {
  milestones = await getJson(`/api/projects/${photo.projectId}/milestones`);
  await load();
}

async function onPhotoEvent(updated) {
  if (updated?.id !== photoId) return;
  const matchChanged = updated.matchedPhotoId !== photo.matchedPhotoId || updated.matchScore !== photo.matchScore;
  photo = updated;
  await loadHistory();
  render();
  if (matchChanged) renderMatch();
}

async function loadHistory() {
  history = await getJson(`/api/photos/${photoId}/decisions`).catch(() => history);
}

function milestoneName(id) {
  return milestones.find(m => m.id === id)?.name ?? (photo?.milestone?.id === id ? photo.milestone.name : `Milestone ${id}`);
}

function render() {
  document.title = `${photo.fileName} · ImaginAI Tracker`;
  setText(root.querySelector('[data-file-name]'), photo.fileName);

  const image = root.querySelector('[data-photo-image]');
  if (image.dataset.photoId !== String(photo.id)) {
    image.dataset.photoId = photo.id;
    if (photo.width && photo.height) {
      image.width = photo.width;
      image.height = photo.height;
    }
    image.alt = photo.fileName;
    image.src = fileUrl(photo);
  }
  root.querySelector('[data-original-link]').href = fileUrl(photo);
  setText(root.querySelector('[data-photo-caption]'), photo.width ? `${photo.width} × ${photo.height} pixels. Tap to open the original.` : '');

  const facts = [
    ['Status', h('span', { class: `badge status-${photo.status}`, dataset: { photoStatus: photo.status } }, statusLabel(photo.status))],
    ['Milestone', photo.milestoneId != null
      ? [h('strong', { dataset: { photoMilestone: photo.milestoneId } }, milestoneName(photo.milestoneId)), photo.milestoneSource ? `, ${sourceLabel(photo.milestoneSource)}` : '']
      : h('span', { class: 'muted', dataset: { photoMilestone: '' } }, 'None yet')],
    ['Taken', formatWhen(photo.takenAt)],
    ['Uploaded', formatWhen(photo.uploadedAt)],
  ];
  root.querySelector('[data-facts]').replaceChildren(...factList(facts));
  setText(root.querySelector('[data-photo-error]'), photo.status === 'failed' ? (photo.error || 'This photo could not be processed.') : '');
  renderExplanation();
  renderHistory();
  renderDeleted();

  if (!pickerTouched) {
    select.replaceChildren(h('option', { value: '' }, 'No milestone (needs review)'),
      ...[...milestones].sort((a, b) => a.position - b.position || a.id - b.id).map(m => h('option', { value: m.id }, m.name)));
    select.value = photo.milestoneId == null ? '' : String(photo.milestoneId);
  }
}

// The job's latest automatic decision: kept, with its reasons, after a manager's correction.
function latestAutomatic() {
  const entry = [...history].reverse().find(d => d.source === 'auto' && d.explanation);
  if (entry) return entry;
  return photo.explanation ? { explanation: photo.explanation, milestoneId: photo.milestoneSource === 'auto' ? photo.milestoneId : null } : null;
}

function decisionMilestoneName(entry) {
  return entry.milestoneName ?? (entry.milestoneId != null ? milestoneName(entry.milestoneId) : null);
}

function renderExplanation() {
  const section = root.querySelector('[data-explanation]');
  const automatic = latestAutomatic();
  if (!automatic) return show(section, false);
  const why = automatic.explanation;
  setText(root.querySelector('[data-explanation-text]'), plainReason(why, decisionMilestoneName(automatic)));
  // A manager's later choice does not hide the job's reasons; it is said beside them.
  const manual = history.length && history[history.length - 1].source === 'manual' ? history[history.length - 1] : null;
  setText(root.querySelector('[data-explanation-since]'), manual
    ? `Since then ${manual.decidedBy ?? 'a manager'} ${manual.milestoneId == null ? 'sent it back to review' : `set it to "${decisionMilestoneName(manual)}"`} (${formatWhen(manual.decidedAt)}).`
    : '');
  root.querySelector('[data-explanation-facts]').replaceChildren(...factList(plainFacts(why)));
  root.querySelector('[data-explanation-raw]').replaceChildren(...factList(rawFacts(why)));
  renderEvidenceNote(root, why);
  show(section, true);
}

// Every decision, oldest first; an automatic one keeps its reason, with the raw figures behind its own toggle.
function renderHistory() {
  const section = root.querySelector('[data-history]');
  const items = history.map(entry => {
    const milestone = entry.milestoneId == null ? null : decisionMilestoneName(entry) ?? 'a deleted milestone';
    const what = entry.source === 'auto'
      ? (milestone ? `Matched automatically to "${milestone}"` : 'Left for review by the tracker')
      : `${entry.decidedBy ?? 'A manager'} ${milestone ? `set it to "${milestone}"` : 'sent it back to review'}`;
    const body = [h('p', { class: 'history-what' }, h('strong', null, what), h('span', { class: 'muted' }, ` · ${formatWhen(entry.decidedAt)}`))];
    if (entry.explanation) {
      body.push(h('p', null, plainReason(entry.explanation, milestone)));
      body.push(h('details', { class: 'raw-figures' }, h('summary', null, 'Details'), h('dl', { class: 'facts' }, factList(rawFacts(entry.explanation)))));
    }
    return h('li', { dataset: { decisionSource: entry.source } }, body);
  });
  root.querySelector('[data-history-list]').replaceChildren(...items);
  show(section, items.length > 0);
}

// The best earlier match, only where it plausibly shows the same place: the server checks the pair with the rule
// that decides matches (points that line up, or without keypoint checks how alike they look).
async function renderMatch() {
  const section = root.querySelector('[data-compare]');
  comparison = photo.matchedPhotoId == null ? null
    : await getJson(`/api/photos/${photoId}/compare/${photo.matchedPhotoId}`).catch(() => null);
  const samePlace = Boolean(comparison?.samePlace);
  show(root.querySelector('[data-compare-none]'), !samePlace);
  show(root.querySelector('[data-compare-found]'), samePlace);
  show(section, true);
  if (!samePlace) return;
  const that = await getJson(`/api/photos/${photo.matchedPhotoId}`).catch(() => null);
  root.querySelector('[data-compare-this]').src = thumbnailUrl(photo);
  const thatImage = root.querySelector('[data-compare-that]');
  thatImage.src = thumbnailUrl({ id: photo.matchedPhotoId, thumbnailUrl: that?.thumbnailUrl });
  thatImage.alt = that?.fileName ?? 'The best earlier match';
  root.querySelector('[data-compare-link]').href = photoPageUrl(photo.matchedPhotoId);
  const score = typeof photo.matchScore === 'number' ? formatPercent(photo.matchScore) : '–';
  root.querySelector('[data-compare-score]').replaceChildren(h('strong', null, score), h('span', null, 'alike'));
  root.querySelector('[data-compare-caption]').replaceChildren(
    h('strong', null, that?.fileName ?? `Photo ${photo.matchedPhotoId}`),
    ...(that?.milestoneId != null ? [h('br'), milestoneName(that.milestoneId)] : []),
    ...(that ? [thumbnailCaption(that)] : []));
  renderBeforeAfter(that);
}

// The earlier photo over this one: aligned by the server when points line up on a viewpoint, wiped by dragging.
let comparison = null;

function renderBeforeAfter(that) {
  const wipeSection = root.querySelector('[data-wipe-section]');
  root.querySelector('[data-wipe-after]').src = fileUrl(photo);
  root.querySelector('[data-wipe-before]').src = comparison.alignedUrl;
  const name = that?.fileName ?? 'the earlier photo';
  setText(root.querySelector('[data-wipe-caption]'), comparison.aligned
    ? `Aligned on ${comparison.inliers} points that line up with ${name}, so the same spot lies in the same place.`
    : comparison.verificationAvailable
      ? 'Not aligned: no shared viewpoint was found between the two photos.'
      : `Not aligned: ${comparison.unavailableReason}`);
  root.querySelector('[data-wipe-caption]').dataset.compareInliers = String(comparison.inliers);
  setWipe(wipePosition);
  show(wipeSection, true);
  show(root.querySelector('[data-keypoints-toggle-label]'), comparison.lines.length > 0);
  drawKeypointLines();
  root.dispatchEvent(new CustomEvent('comparison', { detail: { otherId: comparison.otherId, comparison } }));
}

// How much of the width shows "before", in percent; moved by dragging on the photo (mouse, pen or touch) or by
// the keyboard on the handle.
let wipePosition = 50;

function setWipe(value) {
  wipePosition = Math.round(Math.min(100, Math.max(0, value)));
  root.querySelector('[data-wipe-before]').style.clipPath = `inset(0 ${100 - wipePosition}% 0 0)`;
  const handle = root.querySelector('[data-wipe-handle]');
  handle.style.left = `${wipePosition}%`;
  handle.setAttribute('aria-valuenow', String(wipePosition));
  handle.setAttribute('aria-valuetext', `${wipePosition}% before, ${100 - wipePosition}% after`);
}

const wipe = root.querySelector('[data-wipe]');
const wipeTo = event => {
  const box = wipe.getBoundingClientRect();
  setWipe(((event.clientX - box.left) / box.width) * 100);
};
wipe.addEventListener('pointerdown', event => {
  if (event.button !== 0) return;
  // Captured, so the drag goes on when the pointer leaves the photo; touch-action lets a vertical swipe scroll.
  wipe.setPointerCapture(event.pointerId);
  wipe.classList.add('is-dragging');
  wipeTo(event);
});
wipe.addEventListener('pointermove', event => {
  if (wipe.hasPointerCapture(event.pointerId)) wipeTo(event);
});
for (const type of ['pointerup', 'pointercancel']) wipe.addEventListener(type, () => wipe.classList.remove('is-dragging'));
root.querySelector('[data-wipe-handle]').addEventListener('keydown', event => {
  const steps = { ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -25, PageUp: 25 };
  if (event.key in steps) setWipe(wipePosition + steps[event.key]);
  else if (event.key === 'Home') setWipe(0);
  else if (event.key === 'End') setWipe(100);
  else return;
  event.preventDefault();
});

// Where a fraction of an image's picture lies on screen, allowing for letterboxing (object-fit: contain).
function pointOn(image, fx, fy, origin) {
  const box = image.getBoundingClientRect();
  const naturalWidth = image.naturalWidth || box.width;
  const naturalHeight = image.naturalHeight || box.height;
  const scale = Math.min(box.width / naturalWidth, box.height / naturalHeight);
  const [width, height] = [naturalWidth * scale, naturalHeight * scale];
  return [box.left - origin.left + (box.width - width) / 2 + fx * width, box.top - origin.top + (box.height - height) / 2 + fy * height];
}

function drawKeypointLines() {
  const pair = root.querySelector('[data-compare-pair]');
  pair.querySelector('[data-keypoint-lines]')?.remove();
  const on = root.querySelector('[data-keypoints-toggle]').checked && comparison?.lines.length;
  pair.classList.toggle('show-keypoints', Boolean(on));
  if (!on) return;
  const svgNs = 'http://www.w3.org/2000/svg';
  const origin = pair.getBoundingClientRect();
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('class', 'keypoint-lines');
  svg.setAttribute('aria-hidden', 'true');
  svg.dataset.keypointLines = String(comparison.lines.length);
  svg.setAttribute('viewBox', `0 0 ${origin.width} ${origin.height}`);
  const after = root.querySelector('[data-compare-this]');
  const before = root.querySelector('[data-compare-that]');
  // Hundreds of lines hide the photos; an even sample of them shows the agreement as well.
  const step = Math.max(1, Math.ceil(comparison.lines.length / 60));
  for (const line of comparison.lines.filter((_, index) => index % step === 0)) {
    const [x1, y1] = pointOn(after, line.afterX, line.afterY, origin);
    const [x2, y2] = pointOn(before, line.beforeX, line.beforeY, origin);
    const element = document.createElementNS(svgNs, 'line');
    Object.entries({ x1, y1, x2, y2 }).forEach(([key, value]) => element.setAttribute(key, value.toFixed(1)));
    svg.append(element);
  }
  pair.append(svg);
}

root.querySelector('[data-keypoints-toggle]').addEventListener('change', drawKeypointLines);
window.addEventListener('resize', drawKeypointLines);
for (const image of root.querySelectorAll('[data-compare-this], [data-compare-that]')) image.addEventListener('load', drawKeypointLines);

select.addEventListener('change', () => { pickerTouched = true; });

form.addEventListener('submit', async event => {
  event.preventDefault();
  const error = form.querySelector('[data-form-error]');
  const ok = form.querySelector('[data-form-ok]');
  const button = form.querySelector('button');
  const milestoneId = select.value === '' ? null : Number(select.value);
  button.disabled = true;
  setText(ok, '');
  try {
    const updated = await sendJson('PUT', `/api/photos/${photoId}/milestone`, { milestoneId });
    pickerTouched = false;
    photo = updated && updated.id === photoId ? updated : await getJson(`/api/photos/${photoId}`);
    setText(error, '');
    render();
    setText(ok, milestoneId == null ? 'Milestone cleared: the photo is back in "Needs review".' : `Saved: this photo shows "${milestoneName(milestoneId)}".`);
  } catch (failure) {
    setText(error, failure.message);
  } finally {
    button.disabled = false;
    // A disabled button drops the focus to the page; give it back so the keyboard carries on from here.
    button.focus();
  }
});

// A deleted photo stays viewable (so it can be restored) but says so plainly, and offers nothing else to do to it.
function renderDeleted() {
  const deleted = Boolean(photo.deletedAt);
  show(root.querySelector('[data-deleted-banner]'), deleted);
  setText(root.querySelector('[data-deleted-text]'), deleted
    ? `This photo was deleted ${formatWhen(photo.deletedAt)}. It is hidden from the timeline and search, and will be removed for good on ${formatDay(photo.purgeAfter)} unless it is restored.`
    : '');
  show(root.querySelector('[data-delete-section]'), !deleted);
  if (deleted) show(form, false);
  else if (root.querySelector('[data-delete-section]')) show(form, true);
}

root.querySelector('[data-delete-photo]')?.addEventListener('click', async event => {
  const button = event.currentTarget;
  const error = root.querySelector('[data-delete-error]');
  const sure = await confirmAction({
    title: `Delete ${photo.fileName}?`,
    message: 'The photo leaves the timeline, search and progress now. You can restore it from this page for 30 days; after that it is removed for good.',
    confirmLabel: 'Delete photo',
  });
  if (!sure) return;
  button.disabled = true;
  try {
    photo = await sendJson('DELETE', `/api/photos/${photoId}`);
    setText(error, '');
    setText(root.querySelector('[data-tidy-status]'), '');
    render();
    root.querySelector('[data-restore-photo]')?.focus();
  } catch (failure) {
    setText(error, failure.message);
  } finally {
    button.disabled = false;
  }
});

root.querySelector('[data-restore-photo]')?.addEventListener('click', async event => {
  const button = event.currentTarget;
  button.disabled = true;
  try {
    photo = await sendJson('POST', `/api/photos/${photoId}/restore`);
    render();
    const status = root.querySelector('[data-tidy-status]');
    setText(status, 'Restored: the photo is back on the timeline and in search.');
    root.querySelector('[data-delete-photo]')?.focus();
  } catch (failure) {
    setText(root.querySelector('[data-deleted-text]'), failure.message);
  } finally {
    button.disabled = false;
  }
});

load();
