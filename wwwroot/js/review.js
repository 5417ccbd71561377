// Review mode: the project's photos in "Needs review", filed many at a time under a milestone, by mouse or keyboard.
import { getJson, sendJson } from './lib/api.js';
import { formatWhen, h, plural, setText, show } from './lib/dom.js';
import { followProject } from './lib/live.js';
import { byTimeTaken, fileUrl, photoCaption, thumbnailCaption, thumbnailImage } from './lib/photos.js';

const root = document.querySelector('[data-review]');
const projectId = Number(root.dataset.projectId);
const grid = root.querySelector('[data-review-grid]');

let photos = [];
let milestones = [];
const selected = new Set();
let currentId = null;

async function load() {
  try {
    const timeline = await getJson(`/api/projects/${projectId}/timeline`);
    milestones = [...timeline.milestones].sort((a, b) => a.position - b.position || a.id - b.id);
    photos = [...timeline.unmatched].sort(byTimeTaken);
    for (const id of [...selected]) if (!photos.some(p => p.id === id)) selected.delete(id);
    if (!photos.some(p => p.id === currentId)) currentId = photos[0]?.id ?? null;
    setText(root.querySelector('[data-review-error]'), '');
    render();
  } catch (error) {
    setText(root.querySelector('[data-review-error]'), `The photos to review could not be loaded. ${error.message}`);
  }
}

function render() {
  const hadFocus = grid.contains(document.activeElement);
  root.querySelector('[data-review-count]').textContent = photos.length ? String(photos.length) : '';
  root.querySelector('[data-review-milestones]').replaceChildren(...milestones.map((m, index) =>
    h('button', { type: 'button', class: 'button button-small', dataset: { fileUnder: m.id }, 'aria-keyshortcuts': index < 9 ? String(index + 1) : null },
      index < 9 ? h('kbd', null, String(index + 1)) : null, ` ${m.name}`)));
  setText(root.querySelector('[data-selection-text]'), selected.size
    ? `${plural(selected.size, 'photo')} selected: choose the milestone they show.`
    : 'Nothing selected: a milestone files the current photo.');
  grid.replaceChildren(...photos.map(photo => {
    const isSelected = selected.has(photo.id);
    // The option is named by its own content (the picture's file name, then the caption a sighted user reads), so
    // what a screen reader announces is the visible caption and never a second wording of it.
    return h('li', {
      class: `review-tile${isSelected ? ' is-selected' : ''}${photo.id === currentId ? ' is-current' : ''}`,
      role: 'option', 'aria-selected': String(isSelected), tabindex: photo.id === currentId ? '0' : '-1',
      dataset: { photoId: photo.id },
    }, thumbnailImage(photo), h('span', { class: 'review-check', 'aria-hidden': 'true' }, isSelected ? '✓' : ''),
    thumbnailCaption(photo));
  }));
  if (!photos.length) {
    setText(root.querySelector('[data-review-status]'), root.querySelector('[data-review-status]').textContent || 'Nothing left to review.');
  }
  if (hadFocus || document.activeElement === document.body) grid.querySelector('[tabindex="0"]')?.focus();
  renderPreview();
}

function renderPreview() {
  const photo = photos.find(p => p.id === currentId);
  const preview = root.querySelector('[data-review-preview]');
  show(preview, Boolean(photo));
  if (!photo) return;
  const image = root.querySelector('[data-preview-image]');
  if (image.dataset.photoId !== String(photo.id)) {
    image.dataset.photoId = photo.id;
    image.src = fileUrl(photo);
    image.alt = photo.fileName;
  }
  root.querySelector('[data-preview-caption]').replaceChildren(
    h('a', { href: `/photos/${photo.id}` }, photo.fileName), h('br'), `Taken ${formatWhen(photo.takenAt)}`, h('br'), photoCaption(photo));
}

function focusCurrent() {
  grid.querySelector(`[data-photo-id="${currentId}"]`)?.focus();
}

function move(delta) {
  const index = photos.findIndex(p => p.id === currentId);
  const next = Math.min(photos.length - 1, Math.max(0, index + delta));
  if (photos[next]) currentId = photos[next].id;
  render();
  focusCurrent();
}

function columns() {
  const tiles = [...grid.children];
  if (!tiles.length) return 1;
  const top = tiles[0].offsetTop;
  return Math.max(1, tiles.filter(tile => tile.offsetTop === top).length);
}

function toggle(id) {
  if (selected.has(id)) selected.delete(id);
  else selected.add(id);
  render();
}

/** Files the selected photos (or the current one) under the milestone, then goes on to the next photo left. */
async function fileUnder(milestoneId) {
  const ids = selected.size ? [...selected] : currentId != null ? [currentId] : [];
  if (!ids.length) return;
  const milestone = milestones.find(m => m.id === milestoneId);
  const lastIndex = Math.max(...ids.map(id => photos.findIndex(p => p.id === id)));
  const next = photos.slice(lastIndex + 1).find(p => !ids.includes(p.id)) ?? photos.find(p => !ids.includes(p.id));
  try {
    await sendJson('POST', `/api/projects/${projectId}/photos/milestone`, { photoIds: ids, milestoneId });
    photos = photos.filter(p => !ids.includes(p.id));
    selected.clear();
    currentId = next?.id ?? null;
    setText(root.querySelector('[data-review-error]'), '');
    setText(root.querySelector('[data-review-status]'),
      `Filed ${plural(ids.length, 'photo')} under "${milestone?.name}".${photos.length ? '' : ' Nothing left to review.'}`);
    render();
    if (currentId != null) focusCurrent();
    else root.querySelector('[data-review-status]').focus();
  } catch (failure) {
    setText(root.querySelector('[data-review-error]'), failure.message);
  }
}

grid.addEventListener('click', event => {
  const tile = event.target.closest('[data-photo-id]');
  if (!tile) return;
  currentId = Number(tile.dataset.photoId);
  toggle(currentId);
  focusCurrent();
});

grid.addEventListener('keydown', event => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const keys = {
    ArrowRight: () => move(1), ArrowLeft: () => move(-1), ArrowDown: () => move(columns()), ArrowUp: () => move(-columns()),
    Home: () => move(-photos.length), End: () => move(photos.length),
    ' ': () => { if (currentId != null) toggle(currentId); focusCurrent(); },
  };
  if (keys[event.key]) {
    event.preventDefault();
    keys[event.key]();
    return;
  }
  if (/^[1-9]$/.test(event.key) && milestones[Number(event.key) - 1]) {
    event.preventDefault();
    fileUnder(milestones[Number(event.key) - 1].id);
  }
});

root.querySelector('[data-review-milestones]').addEventListener('click', event => {
  const button = event.target.closest('[data-file-under]');
  if (button) fileUnder(Number(button.dataset.fileUnder));
});

root.querySelector('[data-select-all]').addEventListener('click', () => {
  const all = photos.length > 0 && selected.size === photos.length;
  selected.clear();
  if (!all) photos.forEach(p => selected.add(p.id));
  render();
});

// Another manager's decisions, new photos left for review, deletions: the list follows them.
function onPhotoEvent(photo) {
  if (photo?.projectId !== projectId) return;
  const inReview = photo.status === 'unmatched' && !photo.deletedAt;
  const index = photos.findIndex(p => p.id === photo.id);
  if (inReview && index < 0) photos = [...photos, photo].sort(byTimeTaken);
  else if (inReview) photos[index] = photo;
  else if (index >= 0) {
    if (currentId === photo.id) currentId = photos[index + 1]?.id ?? photos[index - 1]?.id ?? null;
    photos.splice(index, 1);
    selected.delete(photo.id);
  } else return;
  render();
}

load();
followProject(projectId, {
  onJoined: load,
  handlers: {
    photoAdded: onPhotoEvent, photoUpdated: onPhotoEvent, photoDeleted: onPhotoEvent, photoRestored: onPhotoEvent,
    milestonesChanged: load,
  },
});
