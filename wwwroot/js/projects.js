// The projects list with their progress, and the form that starts a new project.
import { getJson, sendJson } from './lib/api.js';
import { formatDay, h, plural, setText } from './lib/dom.js';
import { retryDelay } from './lib/live.js';

const list = document.querySelector('[data-project-list]');
const status = document.querySelector('[data-projects-status]');
const form = document.querySelector('[data-create-project]');
const archivedSection = document.querySelector('[data-archived-projects]');
const archivedList = archivedSection.querySelector('[data-archived-list]');
// Only managers and admins get the form: field staff cannot create projects.
const formError = form?.querySelector('[data-form-error]');

let projectIds = [];

async function loadProjects() {
  try {
    const all = await getJson('/api/projects?includeArchived=true');
    projectIds = all.filter(p => !p.archivedAt).map(p => p.id);
    all.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    const projects = all.filter(p => !p.archivedAt);
    const archived = all.filter(p => p.archivedAt);
    list.replaceChildren(...projects.map(renderProject));
    archivedList.replaceChildren(...archived.map(renderProject));
    archivedSection.querySelector('[data-archived-count]').textContent = String(archived.length);
    archivedSection.hidden = archived.length === 0;
    setText(status, projects.length ? '' : form ? 'No projects yet. Create the first one with the form.' : 'You are not a member of any project yet. Ask a manager to add you.');
  } catch (error) {
    setText(status, `The projects could not be loaded. ${error.message}`);
  }
}

/** The project's state in a few words: late milestones first, then done, then what is due next. */
function projectStatus(project) {
  const total = project.milestoneCount ?? 0;
  const reached = project.milestonesReached ?? 0;
  const late = project.milestonesLate ?? 0;
  if (!total) return { text: 'No milestones yet', tone: 'muted' };
  if (reached === total) return late ? { text: 'All milestones reached, some late', tone: 'warning' } : { text: 'All milestones reached', tone: 'success' };
  if (late) return { text: `${plural(late, 'milestone')} late`, tone: 'danger' };
  return { text: project.nextDueDate ? `On track, next due ${formatDay(project.nextDueDate)}` : 'On track', tone: 'success' };
}

function renderProject(project) {
  const url = `/projects/${project.id}`;
  const total = project.milestoneCount ?? 0;
  const reached = project.milestonesReached ?? 0;
  const status = projectStatus(project);
  const inReview = project.inReview ?? 0;
  return h('li', { class: 'card project-card', dataset: { projectId: project.id } },
    h('div', { class: 'project-card-head' },
      h('h3', null, h('a', { href: url, class: 'stretched-link' }, project.name)),
      h('span', { class: 'badge badge-muted' }, plural(project.photoCount ?? 0, 'photo'))),
    project.description ? h('p', { class: 'muted project-description' }, project.description) : null,
    h('div', { class: 'project-card-status' },
      project.archivedAt ? h('span', { class: 'badge', dataset: { archived: '' } }, 'Archived, read-only') : null,
      h('span', { class: `badge badge-${status.tone}`, dataset: { projectStatus: '' } }, status.text),
      inReview
        ? h('a', { class: 'badge badge-warning above-stretched', href: `${url}#lane-review-title`, dataset: { inReview: inReview } },
          `${inReview} in review`)
        : null),
    h('div', { class: 'progress-text' },
      h('span', null, total ? `${reached} of ${plural(total, 'milestone')} reached` : 'No milestones yet'),
      total ? h('strong', null, `${Math.round((reached / total) * 100)}%`) : null),
    h('progress', { class: 'progress', max: Math.max(total, 1), value: reached, 'aria-label': `Progress of ${project.name}` }));
}

form?.addEventListener('submit', async event => {
  event.preventDefault();
  const name = form.elements.name.value.trim();
  if (!name) {
    setText(formError, 'Give the project a name, for example the site address.');
    form.elements.name.focus();
    return;
  }
  const description = form.elements.description.value.trim();
  const button = form.querySelector('button');
  button.disabled = true;
  try {
    const project = await sendJson('POST', '/api/projects', description ? { name, description } : { name });
    setText(formError, '');
    window.location.assign(`/projects/${project.id}`);
  } catch (error) {
    setText(formError, error.message);
    button.disabled = false;
  }
});

/**
 * Keeps the counts (photos, in review, progress) live: one hub connection joins every listed project, and any photo
 * event re-reads the list, at most twice a second.
 */
async function followProjects() {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/timeline')
    .withAutomaticReconnect()
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  let timer = 0;
  const reloadSoon = () => {
    if (!timer) timer = setTimeout(() => { timer = 0; loadProjects(); }, 500);
  };
  for (const name of ['photoAdded', 'photoUpdated', 'milestoneReached', 'photoDeleted', 'photoRestored']) connection.on(name, reloadSoon);
  // Read again once joined: a change made while not in the projects' groups sent no event here.
  const joinAllAndCatchUp = async () => {
    await Promise.allSettled(projectIds.map(id => connection.invoke('JoinProject', id)));
    loadProjects();
  };
  connection.onreconnected(joinAllAndCatchUp);
  const startLive = async (failedStarts) => {
    try {
      await connection.start();
      await joinAllAndCatchUp();
    } catch {
      // The list still works without live counts; try again a little later, less often each time.
      setTimeout(() => startLive(failedStarts + 1), retryDelay(failedStarts + 1));
    }
  };
  startLive(0);
}

await loadProjects();
followProjects();
