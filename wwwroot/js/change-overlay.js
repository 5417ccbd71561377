// The photo page's "what changed" overlay: when the viewer turns it on, the server's change detection (after
// aligning the earlier photo onto this one) is laid over the before/after as a transparent picture.
import { getJson } from './lib/api.js';
import { h, plural, setText, show } from './lib/dom.js';

const root = document.querySelector('[data-photo-page]');
const control = root?.querySelector('[data-change-overlay-control]');
const toggle = control?.querySelector('[data-change-toggle]');
const summary = control?.querySelector('[data-change-summary]');
const photoId = Number(root?.dataset.photoId);

let otherId = null;
let changes = null;

// photo.js announces each before/after it shows; only an aligned pair can be compared spot by spot.
root?.addEventListener('comparison', event => {
  otherId = event.detail.otherId;
  changes = null;
  root.querySelector('[data-change-overlay]')?.remove();
  show(control, Boolean(event.detail.comparison?.aligned));
  if (toggle.checked) apply();
});

toggle?.addEventListener('change', apply);

async function apply() {
  const wipe = root.querySelector('[data-wipe]');
  wipe.querySelector('[data-change-overlay]')?.remove();
  if (!toggle.checked || otherId == null) return setText(summary, '');
  const asked = otherId;
  if (!changes) {
    setText(summary, 'Looking for changes…');
    try {
      changes = await getJson(`/api/photos/${photoId}/compare/${asked}/changes`);
    } catch (error) {
      return setText(summary, `The changes could not be found. ${error.message}`);
    }
    if (asked !== otherId || !toggle.checked) return;
  }
  if (!changes.aligned) return setText(summary, changes.reason);
  // The page may have asked twice (a live update re-shows the comparison): one overlay only.
  wipe.querySelector('[data-change-overlay]')?.remove();
  // Under the wipe's handle, so the handle stays on top and draggable.
  wipe.insertBefore(h('img', { class: 'change-overlay', alt: '', src: changes.overlayUrl, dataset: { changeOverlay: String(changes.regions.length) } }),
    wipe.querySelector('[data-wipe-handle]'));
  const percent = Math.max(1, Math.round(changes.changedShare * 100));
  setText(summary, changes.regions.length
    ? `${plural(changes.regions.length, 'region')} changed: about ${percent}% of what both photos show.`
    : 'Nothing changed enough to mark between the two photos.');
}
