// The projects list with their progress, and the form that starts a new project.
import { getJson, sendJson } from './lib/api.js';
import { h, plural, setText } from './lib/dom.js';

const list = document.querySelector('[data-project-list]');
const status = document.querySelector('[data-projects-status]');
const form = document.querySelector('[data-create-project]');
// Only managers and admins get the form: field staff cannot create projects.
const formError = form?.querySelector('[data-form-error]');

async function loadProjects() {
  try {
    const projects = await getJson('/api/projects');
    projects.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    list.replaceChildren(...projects.map(renderProject));
    setText(status, projects.length ? '' : form ? 'No projects yet. Create the first one with the form.' : 'You are not a member of any project yet. Ask a manager to add you.');
  } catch (error) {
    setText(status, `The projects could not be loaded. ${error.message}`);
  }
}

function renderProject(project) {
  const url = `/projects/${project.id}`;
  const total = project.milestoneCount ?? 0;
  const reached = project.milestonesReached ?? 0;
  return h('li', { class: 'card project-card', dataset: { projectId: project.id } },
    h('div', { class: 'project-card-head' },
      h('h3', null, h('a', { href: url, class: 'stretched-link' }, project.name)),
      h('span', { class: 'badge badge-muted' }, plural(project.photoCount ?? 0, 'photo'))),
    project.description ? h('p', { class: 'muted project-description' }, project.description) : null,
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

loadProjects();
