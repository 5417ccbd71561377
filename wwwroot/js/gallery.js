// The project's photos, a page at a time, filtered by what the address says (the form above is a plain GET form, so
// a filtered view is a link another member can open). Thumbnails are the timeline's, with the same captions.
import { getJson } from './lib/api.js';
import { h, plural, setText, show } from './lib/dom.js';
import { PhotoTiles } from './lib/photos.js';

const root = document.querySelector('[data-gallery]');
const projectId = Number(root.dataset.projectId);
const grid = root.querySelector('[data-gallery-grid]');
const tiles = new PhotoTiles();
const FILTERS = ['from', 'to', 'uploader', 'milestone', 'status', 'tag'];

function pageUrl(page) {
  const params = new URLSearchParams(location.search);
  if (page > 1) params.set('page', page);
  else params.delete('page');
  const query = params.toString();
  return `${location.pathname}${query ? `?${query}` : ''}`;
}

async function load() {
  const params = new URLSearchParams(location.search);
  // Empty fields of a submitted form would only clutter the address.
  for (const name of FILTERS) if (params.get(name) === '') params.delete(name);
  if (params.toString() !== new URLSearchParams(location.search).toString()) {
    history.replaceState(null, '', `${location.pathname}${params.toString() ? `?${params}` : ''}`);
  }
  try {
    const result = await getJson(`/api/projects/${projectId}/photos?${params}`);
    setText(root.querySelector('[data-gallery-error]'), '');
    const filtered = FILTERS.some(name => params.has(name));
    const first = (result.page - 1) * result.pageSize + 1;
    const last = first + result.photos.length - 1;
    setText(root.querySelector('[data-gallery-summary]'), result.total === 0
      ? (filtered ? 'No photo matches these filters.' : 'No photos yet.')
      : `${plural(result.total, 'photo')}${filtered ? ' match' : ''}${result.pages > 1 ? `, showing ${first}–${last}` : ''}.`);
    root.querySelector('[data-gallery-summary]').dataset.total = result.total;
    grid.replaceChildren(...result.photos.map(photo => tiles.tile(photo)));
    renderPager(result);
  } catch (error) {
    setText(root.querySelector('[data-gallery-summary]'), '');
    setText(root.querySelector('[data-gallery-error]'), `The photos could not be loaded. ${error.message}`);
    grid.replaceChildren();
  }
}

function renderPager(result) {
  const pager = root.querySelector('[data-gallery-pager]');
  show(pager, result.pages > 1);
  const previous = root.querySelector('[data-page-previous]');
  const next = root.querySelector('[data-page-next]');
  setLink(previous, result.page > 1 ? pageUrl(result.page - 1) : null);
  setLink(next, result.page < result.pages ? pageUrl(result.page + 1) : null);
  root.querySelector('[data-page-text]').replaceChildren(h('span', null, `Page ${result.page} of ${result.pages}`));
}

function setLink(link, href) {
  if (href) {
    link.href = href;
    link.removeAttribute('aria-disabled');
  } else {
    link.removeAttribute('href');
    link.setAttribute('aria-disabled', 'true');
  }
}

load();
