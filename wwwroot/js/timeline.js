// The live timeline of one project: milestones with their photos, plus the processing, review and failed lanes.
import { describeProblem, getJson, sendJson } from './lib/api.js';
import { formatDay, formatWhen, h, plural, setText, show } from './lib/dom.js';
import { followProject } from './lib/live.js';
import { byTimeTaken, isProcessing, PhotoTiles, photoPageUrl, statusLabel } from './lib/photos.js';

const root = document.querySelector('[data-timeline]');
const projectId = Number(root.dataset.projectId);
const timelineUrl = `/api/projects/${projectId}/timeline`;
const tiles = new PhotoTiles();

let timeline = null;
let loadsStarted = 0;
// Events that arrive while a timeline read is on its way are replayed on top of it: the snapshot may predate them.
let eventsDuringLoad = null;
let refreshTimer = 0;

async function loadTimeline() {
  const load = ++loadsStarted;
  eventsDuringLoad = [];
  try {
    const fresh = await getJson(timelineUrl);
    if (load !== loadsStarted) return;
    for (const photo of eventsDuringLoad) place(fresh, photo);
    timeline = fresh;
    eventsDuringLoad = null;
    setText(root.querySelector('[data-load-error]'), '');
    render();
  } catch (error) {
    if (load !== loadsStarted) return;
    eventsDuringLoad = null;
    setText(root.querySelector('[data-load-error]'), `The timeline could not be loaded. ${error.message}`);
  }
}

/**
 * Re-reads the timeline shortly, at most twice a second however many events arrive: the server decides when a
 * milestone is reached, the progress and the re-embedding count; the events already moved the photos.
 */
function refreshSoon() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = 0;
    loadTimeline();
  }, 500);
}

function allLanes(model) {
  return [model.pending, model.unmatched, model.failed, ...model.milestones.map(m => m.photos)];
}

/** Files a photo in the lane its status says, as the server's timeline does, taking it out of where it was. */
function place(model, photo) {
  for (const lane of allLanes(model)) {
    const index = lane.findIndex(p => p.id === photo.id);
    if (index >= 0) lane.splice(index, 1);
  }
  if (photo.deletedAt) return;
  if (photo.status === 'failed') model.failed.push(photo);
  else if (photo.status === 'unmatched') model.unmatched.push(photo);
  else if (photo.status !== 'matched') model.pending.push(photo);
  else {
    const milestone = model.milestones.find(m => m.id === photo.milestoneId);
    if (milestone) milestone.photos.push(photo);
    else model.pending.push(photo); // its milestone was added since the last read; the refresh brings it
  }
}

function onPhotoDeleted(photo) {
  if (photo?.projectId !== projectId) return;
  eventsDuringLoad?.push(photo);
  refreshSoon();
  if (!timeline) return;
  place(timeline, photo);
  render();
}

function onPhotoEvent(photo) {
  if (photo?.projectId !== projectId) return;
  eventsDuringLoad?.push(photo);
  refreshSoon();
  if (!timeline) return;
  place(timeline, photo);
  render();
  tiles.flash(photo.id);
}

function render() {
  const { project, progress, milestones } = timeline;
  document.title = `${project.name} · ImaginAI Tracker`;
  setText(root.querySelector('[data-project-name]'), project.name);
  setText(root.querySelector('[data-project-description]'), project.description);

  const progressBar = root.querySelector('[data-progress]');
  progressBar.max = Math.max(progress.total, 1);
  progressBar.value = progress.reached;
  const late = milestones.filter(m => m.late).length;
  root.querySelector('[data-progress-text]').textContent = progress.total
    ? `${progress.reached} of ${plural(progress.total, 'milestone')} reached${late ? `, ${late} late` : ''}`
    : 'No milestones yet';
  root.querySelector('[data-progress-percent]').textContent = progress.total ? `${Math.round(progress.percent)}%` : '';

  const remaining = timeline.reembedding?.remaining ?? 0;
  setText(root.querySelector('[data-reembedding]'), remaining > 0
    ? `Re-embedding ${plural(remaining, 'photo')} for the new model. Matches may change until it finishes.`
    : '');

  renderLane('pending', timeline.pending);
  renderLane('unmatched', timeline.unmatched);
  renderLane('failed', timeline.failed);

  const list = root.querySelector('[data-milestones]');
  const ordered = [...milestones].sort((a, b) => a.position - b.position || a.id - b.id);
  list.replaceChildren(...ordered.map(renderMilestone));
  show(root.querySelector('[data-milestones-empty]'), ordered.length === 0);
}

function renderLane(name, photos) {
  const lane = root.querySelector(`[data-lane="${name}"]`);
  const sorted = [...photos].sort(byTimeTaken);
  const items = name === 'failed' ? sorted.map(renderFailed) : sorted.map(photo => tiles.tile(photo));
  lane.querySelector('[data-photos]').replaceChildren(...items);
  lane.querySelector('[data-count]').textContent = sorted.length ? String(sorted.length) : '';
  const empty = lane.querySelector('[data-empty]');
  if (empty) {
    show(empty, sorted.length === 0);
    show(lane.querySelector('[data-hint]'), sorted.length > 0);
  } else {
    show(lane, sorted.length > 0);
  }
}

function renderFailed(photo) {
  return h('li', { class: 'failed-item', dataset: { photoId: photo.id } },
    h('a', { href: photoPageUrl(photo.id), class: 'break-anywhere' }, photo.fileName || `Photo ${photo.id}`),
    h('span', { class: 'muted' }, formatWhen(photo.uploadedAt)),
    h('p', { class: 'failed-reason' }, photo.error || 'The photo could not be processed.'));
}

/** What a milestone's badge says: reached (and whether late), overdue, or when it is due. */
function milestoneStatus(milestone) {
  if (milestone.reached) {
    return milestone.late
      ? { text: `Reached ${formatDay(milestone.reachedAt)}, late (due ${formatDay(milestone.dueDate)})`, tone: 'warning' }
      : { text: `Reached ${formatDay(milestone.reachedAt)}`, tone: 'success' };
  }
  if (milestone.late) return { text: `Late: was due ${formatDay(milestone.dueDate)}`, tone: 'danger' };
  return { text: milestone.dueDate ? `Not reached yet, due ${formatDay(milestone.dueDate)}` : 'Not reached yet', tone: 'muted' };
}

function renderMilestone(milestone, index) {
  const photos = [...milestone.photos].sort(byTimeTaken);
  const processing = photos.filter(isProcessing).length;
  const references = photos.filter(p => p.milestoneSource === 'reference').length;
  const status = milestoneStatus(milestone);
  const classes = ['milestone', milestone.reached ? 'is-reached' : 'is-open', milestone.late ? 'is-late' : ''].filter(Boolean).join(' ');
  return h('li', { class: classes, dataset: { milestoneId: milestone.id, late: String(Boolean(milestone.late)) } },
    h('span', { class: 'milestone-marker', 'aria-hidden': 'true' }, milestone.reached ? '✓' : String(index + 1)),
    h('div', { class: 'milestone-body' },
      h('div', { class: 'milestone-head' },
        h('h3', null, milestone.name),
        h('span', { class: `badge badge-${status.tone}`, dataset: { milestoneStatus: '' } }, status.text)),
      h('p', { class: 'milestone-meta muted' },
        [photos.length - references ? plural(photos.length - references, 'site photo') : null,
          references ? plural(references, 'reference photo') : null,
          processing ? `${processing} ${statusLabel('pending').toLowerCase()}` : null,
          milestone.dueDate && !milestone.late ? `due ${formatDay(milestone.dueDate)}` : null].filter(Boolean).join(' · ')),
      photos.length
        ? h('ul', { class: 'thumbs', dataset: { photos: '' } }, photos.map(photo => tiles.tile(photo)))
        : h('p', { class: 'lane-empty' }, 'No photos yet.')));
}

function wireAddMilestone() {
  const form = root.querySelector('[data-add-milestone]');
  const error = form.querySelector('[data-form-error]');
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const name = form.elements.name.value.trim();
    if (!name) {
      setText(error, 'Give the milestone a name, for example "Roof on".');
      form.elements.name.focus();
      return;
    }
    const body = { name };
    if (form.elements.dueDate.value) body.dueDate = form.elements.dueDate.value;
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      await sendJson('POST', `/api/projects/${projectId}/milestones`, body);
      form.reset();
      setText(error, '');
      await loadTimeline();
    } catch (failure) {
      setText(error, failure.message || describeProblem(0));
    } finally {
      button.disabled = false;
    }
  });
}

wireAddMilestone();
loadTimeline();
followProject(projectId, {
  onJoined: loadTimeline,
  handlers: {
    photoAdded: onPhotoEvent,
    photoUpdated: onPhotoEvent,
    milestoneReached: onPhotoEvent,
    photoDeleted: onPhotoDeleted,
    photoRestored: onPhotoEvent,
  },
});
