// One photo: the picture, what the tracker made of it, its best earlier match, and the manager's milestone choice.
import { getJson, sendJson } from './lib/api.js';
import { confirmAction } from './lib/confirm.js';
import { formatDay, formatPercent, formatWhen, h, setText, show } from './lib/dom.js';
import { followProject } from './lib/live.js';
import { fileUrl, photoPageUrl, sourceLabel, statusLabel, thumbnailUrl } from './lib/photos.js';

const root = document.querySelector('[data-photo-page]');
const photoId = Number(root.dataset.photoId);
const form = root.querySelector('[data-milestone-form]');
const select = root.querySelector('[data-milestone-select]');

let photo = null;
let milestones = [];
let following = false;
// While the manager is choosing, live updates must not snap the picker back under their finger.
let pickerTouched = false;

async function load() {
  try {
    photo = await getJson(`/api/photos/${photoId}`);
    if (!milestones.length) milestones = await getJson(`/api/projects/${photo.projectId}/milestones`);
    setText(root.querySelector('[data-load-error]'), '');
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

function onPhotoEvent(updated) {
  if (updated?.id !== photoId) return;
  const matchChanged = updated.matchedPhotoId !== photo.matchedPhotoId || updated.matchScore !== photo.matchScore;
  photo = updated;
  render();
  if (matchChanged) renderMatch();
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
  if (typeof photo.matchScore === 'number' && photo.milestoneSource === 'auto') facts.push(['Match score', formatPercent(photo.matchScore)]);
  root.querySelector('[data-facts]').replaceChildren(...facts.flatMap(([term, value]) => [h('dt', null, term), h('dd', null, value)]));
  setText(root.querySelector('[data-photo-error]'), photo.status === 'failed' ? (photo.error || 'This photo could not be processed.') : '');
  renderExplanation();
  renderDeleted();

  if (!pickerTouched) {
    select.replaceChildren(h('option', { value: '' }, 'No milestone (needs review)'),
      ...[...milestones].sort((a, b) => a.position - b.position || a.id - b.id).map(m => h('option', { value: m.id }, m.name)));
    select.value = photo.milestoneId == null ? '' : String(photo.milestoneId);
  }
}

const basisLabels = {
  verified: 'Keypoints confirm the same spot',
  'no-geometric-support': 'Looks alike, but keypoints do not confirm it',
  'cnn-score': 'Similarity score alone (no keypoint check)',
  'below-threshold': 'Similarity below the threshold',
  ambiguous: 'Two milestones look alike',
  none: 'No reference photos yet',
};

// The job's reasons for an automatic decision; a manager's own choice needs none.
function renderExplanation() {
  const section = root.querySelector('[data-explanation]');
  const why = photo.explanation;
  if (!why || photo.milestoneSource === 'manual' || photo.milestoneSource === 'reference') return show(section, false);
  setText(root.querySelector('[data-explanation-text]'), why.text);
  const number = value => (typeof value === 'number' ? value.toFixed(3) : '–');
  const facts = [
    ['Basis', h('span', { dataset: { explanationBasis: why.basis } }, basisLabels[why.basis] ?? why.basis)],
    ['Best score', number(why.bestScore)],
    ['Next milestone', number(why.secondScore)],
    ['Lead', number(why.margin)],
    ['Keypoint matches', why.inliers == null ? (why.verificationAvailable ? 'not checked' : 'check unavailable') : String(why.inliers)],
  ];
  root.querySelector('[data-explanation-facts]').replaceChildren(...facts.flatMap(([term, value]) => [h('dt', null, term), h('dd', null, value)]));
  show(section, true);
}

async function renderMatch() {
  const section = root.querySelector('[data-compare]');
  if (photo.matchedPhotoId == null) return show(section, false);
  const that = await getJson(`/api/photos/${photo.matchedPhotoId}`).catch(() => null);
  root.querySelector('[data-compare-this]').src = thumbnailUrl(photo);
  const thatImage = root.querySelector('[data-compare-that]');
  thatImage.src = thumbnailUrl({ id: photo.matchedPhotoId, thumbnailUrl: that?.thumbnailUrl });
  thatImage.alt = that?.fileName ?? 'The best earlier match';
  root.querySelector('[data-compare-link]').href = photoPageUrl(photo.matchedPhotoId);
  const score = typeof photo.matchScore === 'number' ? formatPercent(photo.matchScore) : '–';
  root.querySelector('[data-compare-score]').replaceChildren(h('strong', null, score), h('span', null, 'similar'));
  const details = [that ? formatWhen(that.takenAt) : null, that?.milestoneId != null ? milestoneName(that.milestoneId) : null];
  root.querySelector('[data-compare-caption]').replaceChildren(
    h('strong', null, that?.fileName ?? `Photo ${photo.matchedPhotoId}`), h('br'), details.filter(Boolean).join(' · '));
  show(section, true);
  await renderBeforeAfter(photo.matchedPhotoId);
}

// The earlier photo over this one: aligned by the server when keypoints agree on a viewpoint, wiped by a slider.
let comparison = null;

async function renderBeforeAfter(otherId) {
  comparison = await getJson(`/api/photos/${photoId}/compare/${otherId}`).catch(() => null);
  const wipeSection = root.querySelector('[data-wipe-section]');
  if (!comparison) return show(wipeSection, false);
  root.querySelector('[data-wipe-after]').src = fileUrl(photo);
  root.querySelector('[data-wipe-before]').src = comparison.alignedUrl;
  setText(root.querySelector('[data-wipe-caption]'), comparison.aligned
    ? `Aligned on ${comparison.inliers} matching keypoints, so the same spot lies in the same place.`
    : comparison.verificationAvailable
      ? 'Not aligned: no shared viewpoint was found between the two photos.'
      : `Not aligned: ${comparison.unavailableReason}`);
  applyWipe();
  show(wipeSection, true);
  show(root.querySelector('[data-keypoints-toggle-label]'), comparison.lines.length > 0);
  drawKeypointLines();
  root.dispatchEvent(new CustomEvent('comparison', { detail: { otherId, comparison } }));
}

function applyWipe() {
  const value = Number(root.querySelector('[data-wipe-slider]').value);
  root.querySelector('[data-wipe-before]').style.clipPath = `inset(0 ${100 - value}% 0 0)`;
}

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

root.querySelector('[data-wipe-slider]').addEventListener('input', applyWipe);
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
