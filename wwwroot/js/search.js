// Search by photo: pick or take a photo, optionally draw a box on it, and list the stored photos most like it.
import { csrfHeaders, describeProblem, OFFLINE_MESSAGE, parseJson } from './lib/api.js';
import { formatPercent, h, setText, show } from './lib/dom.js';
import { fileUrl, photoPageUrl, thumbnailCaption } from './lib/photos.js';

const root = document.querySelector('[data-search-page]');
const canvas = root.querySelector('[data-search-canvas]');
const context = canvas.getContext('2d');
const clearBox = root.querySelector('[data-search-clear-box]');
const runButton = root.querySelector('[data-search-run]');

let file = null;
let image = null;
let imageUrl = null;
// The search box in fractions of the photo, or null for the whole photo.
let box = null;
let drag = null;

function choose(chosen) {
  if (!chosen) return;
  if (!chosen.type.startsWith('image/')) {
    setText(root.querySelector('[data-search-error]'), `"${chosen.name}" is not a photo. Choose a JPEG, PNG or similar picture.`);
    return;
  }
  file = chosen;
  box = null;
  if (imageUrl) URL.revokeObjectURL(imageUrl);
  imageUrl = URL.createObjectURL(chosen);
  const loaded = new Image();
  loaded.onload = () => {
    image = loaded;
    show(root.querySelector('[data-search-query]'), true);
    draw();
    search();
  };
  loaded.onerror = () => setText(root.querySelector('[data-search-error]'), 'This browser cannot show that photo; searching with it anyway.');
  loaded.src = imageUrl;
}

function draw() {
  if (!image) return;
  const width = canvas.clientWidth || canvas.parentElement.clientWidth;
  const height = Math.round(width * image.naturalHeight / image.naturalWidth);
  const ratio = window.devicePixelRatio || 1;
  canvas.style.height = `${height}px`;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.drawImage(image, 0, 0, width, height);
  if (box) {
    const [x, y, w, hgt] = [box.x * width, box.y * height, box.w * width, box.h * height];
    context.fillStyle = 'rgba(0, 0, 0, 0.45)';
    context.fillRect(0, 0, width, y);
    context.fillRect(0, y + hgt, width, height - y - hgt);
    context.fillRect(0, y, x, hgt);
    context.fillRect(x + w, y, width - x - w, hgt);
    context.strokeStyle = '#ffd400';
    context.lineWidth = 2;
    context.strokeRect(x, y, w, hgt);
  }
  show(clearBox, box !== null);
  setText(root.querySelector('[data-search-box-label]'), box ? 'Searching for the part inside the box.' : '');
}

function pointerFraction(event) {
  const rect = canvas.getBoundingClientRect();
  return {
    x: Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width)),
    y: Math.min(1, Math.max(0, (event.clientY - rect.top) / rect.height)),
  };
}

canvas.addEventListener('pointerdown', event => {
  if (!image) return;
  canvas.setPointerCapture(event.pointerId);
  drag = pointerFraction(event);
  event.preventDefault();
});

canvas.addEventListener('pointermove', event => {
  if (!drag) return;
  const at = pointerFraction(event);
  box = { x: Math.min(drag.x, at.x), y: Math.min(drag.y, at.y), w: Math.abs(at.x - drag.x), h: Math.abs(at.y - drag.y) };
  draw();
});

function endDrag() {
  if (!drag) return;
  drag = null;
  // A tap or a sliver is not a box: search the whole photo instead of refusing.
  if (box && (box.w < 0.05 || box.h < 0.05)) box = null;
  draw();
  if (box) search();
}
canvas.addEventListener('pointerup', endDrag);
canvas.addEventListener('pointercancel', endDrag);

clearBox.addEventListener('click', () => { box = null; draw(); search(); });
runButton.addEventListener('click', () => search());
window.addEventListener('resize', draw);

for (const input of root.querySelectorAll('[data-search-file]')) {
  input.addEventListener('change', () => { choose(input.files[0]); input.value = ''; });
}

const dropzone = root.querySelector('[data-search-dropzone]');
dropzone.addEventListener('dragover', event => { event.preventDefault(); dropzone.classList.add('is-dragging'); });
dropzone.addEventListener('dragleave', () => dropzone.classList.remove('is-dragging'));
dropzone.addEventListener('drop', event => {
  event.preventDefault();
  dropzone.classList.remove('is-dragging');
  choose(event.dataTransfer.files[0]);
});

let searching = 0;

async function search() {
  if (!file) return;
  const ticket = ++searching;
  const form = new FormData();
  form.append('file', file, file.name || 'photo.jpg');
  const projectId = root.querySelector('[data-search-project]').value;
  if (projectId) form.append('projectId', projectId);
  if (box) form.append('region', [box.x, box.y, box.w, box.h].map(v => v.toFixed(4)).join(','));
  const status = root.querySelector('[data-search-status]');
  const error = root.querySelector('[data-search-error]');
  setText(status, 'Comparing your photo with the stored ones…');
  setText(error, '');
  runButton.disabled = true;
  try {
    let response;
    try {
      response = await fetch('/api/search', { method: 'POST', body: form, headers: { Accept: 'application/json', ...csrfHeaders() } });
    } catch {
      throw new Error(OFFLINE_MESSAGE);
    }
    const body = parseJson(await response.text());
    if (!response.ok) throw new Error(describeProblem(response.status, body));
    if (ticket !== searching) return;
    renderResults(body);
    setText(status, body.results.length
      ? `${body.results.length} best ${body.results.length === 1 ? 'match' : 'matches'}${body.verificationAvailable ? '' : ' (keypoint check unavailable on this server)'}.`
      : 'No stored photo to compare with yet.');
  } catch (failure) {
    if (ticket !== searching) return;
    setText(status, '');
    setText(error, failure.message);
  } finally {
    if (ticket === searching) runButton.disabled = false;
  }
}

function renderResults(body) {
  const list = root.querySelector('[data-search-results]');
  list.replaceChildren(...body.results.map((result, index) => h('li', { class: 'search-result', dataset: { searchResult: result.photoId } },
    h('button', { type: 'button', class: 'search-result-button', onclick: () => compare(result), 'aria-label': `Compare with ${result.fileName}` },
      h('img', { class: 'thumb-image', src: result.thumbnailUrl, alt: result.fileName, loading: index < 4 ? 'eager' : 'lazy', width: 200, height: 150 })),
    h('div', { class: 'search-result-body' },
      h('p', null, h('strong', { dataset: { searchScore: result.score } }, formatPercent(result.score)), ' similar',
        result.verified ? h('span', { class: 'badge badge-success', title: `${result.inliers} keypoint matches agree` }, 'same spot') : null),
      h('p', { class: 'muted' }, result.projectName, ' · ', result.milestoneName ?? 'no milestone'),
      thumbnailCaption({ ...result, id: result.photoId }),
      h('a', { href: photoPageUrl(result.photoId) }, 'Open photo')))));
  show(root.querySelector('[data-search-results-section]'), true);
  show(root.querySelector('[data-search-compare]'), false);
}

function compare(result) {
  root.querySelector('[data-search-compare-query]').src = imageUrl;
  const match = root.querySelector('[data-search-compare-match]');
  match.src = fileUrl({ id: result.photoId });
  match.alt = result.fileName;
  root.querySelector('[data-search-compare-link]').href = photoPageUrl(result.photoId);
  root.querySelector('[data-search-compare-score]').replaceChildren(h('strong', null, formatPercent(result.score)), h('span', null, 'similar'));
  root.querySelector('[data-search-compare-caption]').replaceChildren(h('strong', null, result.fileName), h('br'),
    `${result.projectName} · ${result.milestoneName ?? 'no milestone'}`);
  const section = root.querySelector('[data-search-compare]');
  show(section, true);
  section.scrollIntoView({ behavior: 'smooth', block: 'start' });
}
