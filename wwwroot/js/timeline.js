// The live timeline of one project: milestones with their photos, plus the processing, review and failed lanes.
import { describeProblem, getJson, sendJson } from './lib/api.js';
import { confirmAction } from './lib/confirm.js';
import { formatDay, formatWhen, h, plural, setText, show } from './lib/dom.js';
import { followProject } from './lib/live.js';
import { byTimeTaken, isProcessing, PhotoTiles, photoPageUrl, statusLabel } from './lib/photos.js';

const root = document.querySelector('[data-timeline]');
const projectId = Number(root.dataset.projectId);
const timelineUrl = `/api/projects/${projectId}/timeline`;
const tiles = new PhotoTiles();
const canManageProject = root.dataset.canManage === 'true';
// An archived project is read-only: its managers see it as any member does, with a way to unarchive it.
let canManage = canManageProject;
// The milestone whose rename form is open, with what has been typed so far (a live re-render keeps it).
let editing = null;

let timeline = null;
// The milestone being dragged. While it is set, renders leave the milestone list alone (a replaced element ends the
// drag without a drop) and the list is drawn once the drag ends.
let dragged = null;
let listStale = false;
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
  renderArchived(project);
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

  renderMilestoneList();
}

function renderMilestoneList() {
  if (dragged != null) {
    listStale = true;
    return;
  }
  listStale = false;
  const milestones = timeline.milestones;
  const list = root.querySelector('[data-milestones]');
  const ordered = [...milestones].sort((a, b) => a.position - b.position || a.id - b.id);
  // Re-rendering replaces the controls; the one that had the focus gets it back.
  const focusKey = list.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
  list.replaceChildren(...ordered.map(renderMilestone));
  if (focusKey) list.querySelector(`[data-focus-key="${focusKey}"]`)?.focus();
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
    show(lane.querySelector('[data-review-link]'), sorted.length > 0 && canManage);
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

function renderMilestone(milestone, index, milestones) {
  const photos = [...milestone.photos].sort(byTimeTaken);
  const processing = photos.filter(isProcessing).length;
  const references = photos.filter(p => p.milestoneSource === 'reference').length;
  const status = milestoneStatus(milestone);
  const classes = ['milestone', milestone.reached ? 'is-reached' : 'is-open', milestone.late ? 'is-late' : ''].filter(Boolean).join(' ');
  return h('li', { class: classes, dataset: { milestoneId: milestone.id, late: String(Boolean(milestone.late)) }, draggable: canManage ? 'true' : null },
    h('span', { class: 'milestone-marker', 'aria-hidden': 'true' }, milestone.reached ? '✓' : String(index + 1)),
    h('div', { class: 'milestone-body' },
      h('div', { class: 'milestone-head' },
        canManage ? h('span', { class: 'drag-handle', title: 'Drag to reorder', 'aria-hidden': 'true' }, '⠿') : null,
        h('h3', null, milestone.name),
        h('span', { class: `badge badge-sentence badge-${status.tone}`, dataset: { milestoneStatus: '' } }, status.text)),
      canManage && editing?.id === milestone.id ? renameForm(milestone) : null,
      canManage ? milestoneTools(milestone, index, milestones.length) : null,
      h('p', { class: 'milestone-meta muted' },
        [photos.length - references ? plural(photos.length - references, 'site photo') : null,
          references ? plural(references, 'reference photo') : null,
          processing ? `${processing} ${statusLabel('pending').toLowerCase()}` : null,
          milestone.dueDate && !milestone.late ? `due ${formatDay(milestone.dueDate)}` : null].filter(Boolean).join(' · ')),
      photos.length
        ? h('ul', { class: 'thumbs', dataset: { photos: '' } }, photos.map(photo => tiles.tile(photo)))
        : h('p', { class: 'lane-empty' }, 'No photos yet.')));
}

function milestoneTools(milestone, index, count) {
  const button = (label, key, props = {}) => h('button', {
    type: 'button', class: `button button-small ${props.class ?? ''}`.trim(), dataset: { focusKey: `${key}-${milestone.id}`, action: key, id: milestone.id },
    'aria-label': props.ariaLabel ?? null, 'aria-disabled': props.disabled ? 'true' : null,
  }, label);
  return h('div', { class: 'milestone-tools' },
    button('Rename', 'rename', { ariaLabel: `Rename or change the due date of ${milestone.name}` }),
    button('Up', 'up', { ariaLabel: `Move ${milestone.name} up`, disabled: index === 0 }),
    button('Down', 'down', { ariaLabel: `Move ${milestone.name} down`, disabled: index === count - 1 }),
    button('Delete', 'delete', { class: 'danger-outline', ariaLabel: `Delete ${milestone.name}` }));
}

function renameForm(milestone) {
  const form = h('form', { class: 'form rename-milestone', dataset: { renameForm: milestone.id }, novalidate: true },
    h('div', { class: 'form-row' },
      h('label', { class: 'field grow' }, h('span', null, 'Name'),
        h('input', { name: 'name', value: editing.name, maxlength: 200, required: true, autocomplete: 'off', dataset: { focusKey: `rename-name-${milestone.id}` } })),
      h('label', { class: 'field' }, h('span', null, 'Due'),
        h('input', { name: 'dueDate', type: 'date', value: editing.dueDate ?? '', dataset: { focusKey: `rename-due-${milestone.id}` } }))),
    h('p', { class: 'form-error', role: 'alert', hidden: !editing.error }, editing.error ?? ''),
    h('div', { class: 'confirm-actions' },
      h('button', { type: 'button', class: 'button', dataset: { action: 'cancel-rename', focusKey: `rename-cancel-${milestone.id}` } }, 'Cancel'),
      h('button', { type: 'submit', class: 'button primary', dataset: { focusKey: `rename-save-${milestone.id}` } }, 'Save')));
  form.addEventListener('input', () => {
    editing.name = form.elements.name.value;
    editing.dueDate = form.elements.dueDate.value;
  });
  form.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      await sendJson('PATCH', `/api/projects/${projectId}/milestones/${milestone.id}`, { name: editing.name, dueDate: editing.dueDate ?? '' });
      editing = null;
      announce(`Saved "${form.elements.name.value.trim()}".`);
      await loadTimeline();
      focusAction('rename', milestone.id);
    } catch (failure) {
      editing.error = failure.message;
      render();
      root.querySelector(`[data-rename-form="${milestone.id}"] input[name=name]`)?.focus();
    }
  });
  return form;
}

function announce(text) {
  setText(root.querySelector('[data-milestone-announcer]'), text);
}

function focusAction(action, id) {
  root.querySelector(`[data-action="${action}"][data-id="${id}"]`)?.focus();
}

function orderedIds() {
  return [...timeline.milestones].sort((a, b) => a.position - b.position || a.id - b.id).map(m => m.id);
}

async function saveOrder(ids, movedId, action) {
  // Shown at once; the server's answer (and every other watcher's page) follows.
  ids.forEach((id, index) => { timeline.milestones.find(m => m.id === id).position = index + 1; });
  render();
  if (action) focusAction(action, movedId);
  try {
    await sendJson('PUT', `/api/projects/${projectId}/milestones/order`, { milestoneIds: ids });
    const moved = timeline.milestones.find(m => m.id === movedId);
    announce(`Moved "${moved?.name}" to position ${ids.indexOf(movedId) + 1} of ${ids.length}.`);
  } catch (failure) {
    announce(`The new order was not saved. ${failure.message}`);
  }
  await loadTimeline();
  if (action) focusAction(action, movedId);
}

async function deleteMilestone(id) {
  const milestone = timeline.milestones.find(m => m.id === id);
  if (!milestone) return;
  const references = milestone.photos.filter(p => p.milestoneSource === 'reference').length;
  const sitePhotos = milestone.photos.length - references;
  const consequence = milestone.photos.length
    ? `Its ${plural(milestone.photos.length, 'photo')} (${plural(sitePhotos, 'site photo')}, ${plural(references, 'reference photo')}) move to "Needs review", with no milestone.`
    : 'It has no photos.';
  const sure = await confirmAction({
    title: `Delete the milestone "${milestone.name}"?`,
    message: `${consequence} Progress is counted again without it. This cannot be undone.`,
    confirmLabel: 'Delete milestone',
  });
  if (!sure) return;
  try {
    const result = await sendJson('DELETE', `/api/projects/${projectId}/milestones/${id}`);
    announce(`Deleted "${milestone.name}". ${result.photosMovedToReview ? `${plural(result.photosMovedToReview, 'photo')} moved to "Needs review".` : ''}`.trim());
    await loadTimeline();
    root.querySelector('#milestones-title').focus();
  } catch (failure) {
    announce(`The milestone was not deleted. ${failure.message}`);
  }
}

function wireMilestoneTools() {
  if (!canManage) return;
  const list = root.querySelector('[data-milestones]');
  list.addEventListener('click', event => {
    const button = event.target.closest('button[data-action]');
    if (!button || button.getAttribute('aria-disabled') === 'true') return;
    const id = Number(button.dataset.id);
    const ids = orderedIds();
    const index = ids.indexOf(id);
    switch (button.dataset.action) {
      case 'rename': {
        const milestone = timeline.milestones.find(m => m.id === id);
        editing = { id, name: milestone.name, dueDate: milestone.dueDate ?? '' };
        render();
        list.querySelector(`[data-rename-form="${id}"] input[name=name]`)?.focus();
        break;
      }
      case 'cancel-rename': {
        const editedId = editing?.id;
        editing = null;
        render();
        focusAction('rename', editedId);
        break;
      }
      case 'up':
      case 'down': {
        const target = button.dataset.action === 'up' ? index - 1 : index + 1;
        [ids[index], ids[target]] = [ids[target], ids[index]];
        saveOrder(ids, id, button.dataset.action);
        break;
      }
      case 'delete':
        deleteMilestone(id);
        break;
    }
  });

  list.addEventListener('dragstart', event => {
    const item = event.target.closest?.('[data-milestone-id]');
    if (!item) return;
    dragged = Number(item.dataset.milestoneId);
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/plain', String(dragged));
    item.classList.add('is-dragging');
  });
  list.addEventListener('dragover', event => {
    if (dragged != null && event.target.closest('[data-milestone-id]')) event.preventDefault();
  });
  list.addEventListener('drop', event => {
    const target = event.target.closest('[data-milestone-id]');
    if (dragged == null || !target) return;
    event.preventDefault();
    const ids = orderedIds().filter(id => id !== dragged);
    const box = target.getBoundingClientRect();
    const targetIndex = ids.indexOf(Number(target.dataset.milestoneId));
    const after = event.clientY > box.top + box.height / 2;
    if (targetIndex < 0) ids.push(dragged);
    else ids.splice(after ? targetIndex + 1 : targetIndex, 0, dragged);
    const moved = dragged;
    dragged = null;
    saveOrder(ids, moved, null);
  });
  list.addEventListener('dragend', () => {
    dragged = null;
    list.querySelector('.is-dragging')?.classList.remove('is-dragging');
    if (listStale) renderMilestoneList();
  });
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

function renderArchived(project) {
  const archived = Boolean(project.archivedAt);
  canManage = canManageProject && !archived;
  setText(root.querySelector('[data-archived-text]'), archived
    ? `This project was archived ${formatWhen(project.archivedAt)}. It is read-only: no uploads and no changes to its milestones or photos.`
    : '');
  show(root.querySelector('[data-archived-banner]'), archived);
  show(root.querySelector('[data-upload-link]'), !archived);
  show(root.querySelector('[data-add-milestone]'), canManage);
  show(root.querySelector('[data-reorder-hint]'), canManage);
  show(root.querySelector('[data-project-form]'), canManage);
  const archiveButton = root.querySelector('[data-archive-project]');
  if (archiveButton) {
    archiveButton.textContent = archived ? 'Unarchive project' : 'Archive project';
    archiveButton.className = archived ? 'button' : 'button danger-outline';
    // Enabled once the project is read: until then the button cannot tell archiving from unarchiving.
    archiveButton.disabled = false;
  }
  const form = root.querySelector('[data-project-form]');
  if (form && !form.contains(document.activeElement)) {
    form.elements.name.value = project.name;
    form.elements.description.value = project.description ?? '';
  }
}

function wireProjectEdit() {
  const form = root.querySelector('[data-project-form]');
  if (!form) return;
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const error = form.querySelector('[data-form-error]');
    const ok = form.querySelector('[data-form-ok]');
    setText(ok, '');
    try {
      await sendJson('PATCH', `/api/projects/${projectId}`, { name: form.elements.name.value, description: form.elements.description.value });
      setText(error, '');
      setText(ok, 'Saved.');
      await loadTimeline();
    } catch (failure) {
      setText(error, failure.message);
      form.elements.name.focus();
    }
  });
  const archiveButton = root.querySelector('[data-archive-project]');
  archiveButton.addEventListener('click', async () => {
    const archived = Boolean(timeline?.project.archivedAt);
    if (!archived) {
      const sure = await confirmAction({
        title: `Archive "${timeline.project.name}"?`,
        message: 'It becomes read-only: nobody can upload to it or change its milestones or photos. It leaves the projects list (it stays under "Archived projects"). You can unarchive it at any time.',
        confirmLabel: 'Archive project',
      });
      if (!sure) return;
    }
    try {
      await sendJson('POST', `/api/projects/${projectId}/${archived ? 'unarchive' : 'archive'}`);
      await loadTimeline();
      archiveButton.focus();
    } catch (failure) {
      setText(form.querySelector('[data-form-error]'), failure.message);
    }
  });
}

wireAddMilestone();
wireMilestoneTools();
wireProjectEdit();
loadTimeline();
followProject(projectId, {
  onJoined: loadTimeline,
  handlers: {
    photoAdded: onPhotoEvent,
    photoUpdated: onPhotoEvent,
    milestoneReached: onPhotoEvent,
    photoDeleted: onPhotoEvent,
    photoRestored: onPhotoEvent,
    milestonesChanged: refreshSoon,
  },
});
