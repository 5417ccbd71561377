// A project's matching settings: thresholds, a histogram of the job's scores, suggestions from the manager's
// own confirmations and corrections (shown before anything changes), and re-deciding the photos in review.
import { getJson, sendJson } from './lib/api.js';
import { formatPercent, h, setText, show } from './lib/dom.js';

const root = document.querySelector('[data-settings-page]');
const projectId = Number(root.dataset.projectId);
const form = root.querySelector('[data-settings-form]');
const thresholdInput = root.querySelector('[data-threshold]');
const inliersInput = root.querySelector('[data-min-inliers]');
let calibration = null;

async function load() {
  try {
    calibration = await getJson(`/api/projects/${projectId}/calibration`);
    thresholdInput.value = calibration.matchThreshold.toFixed(3);
    inliersInput.value = String(calibration.minInliers);
    setText(root.querySelector('[data-verification-note]'), calibration.verificationAvailable ? '' : calibration.verificationUnavailableReason);
    setText(root.querySelector('[data-examples-text]'), calibration.examples
      ? `${calibration.examples} of your confirmations and corrections are kept as examples.`
      : 'Confirm or correct a few automatic decisions on the photo pages first: each one becomes an example.');
    drawHistogram(calibration.matchedScores, calibration.unmatchedScores, calibration.matchThreshold);
  } catch (error) {
    setText(root.querySelector('[data-settings-error]'), `The settings could not be loaded. ${error.message}`);
  }
}

// Plain SVG: 20 bins of 0.05 from 0 to 1, matched above the axis in one colour, unmatched stacked on it.
function drawHistogram(matched, unmatched, threshold) {
  const bins = 20;
  const count = scores => {
    const counts = new Array(bins).fill(0);
    for (const score of scores) counts[Math.min(bins - 1, Math.max(0, Math.floor(score * bins)))]++;
    return counts;
  };
  const [m, u] = [count(matched), count(unmatched)];
  const tallest = Math.max(1, ...m.map((value, i) => value + u[i]));
  const [width, height, bottom] = [400, 160, 20];
  const svgNs = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height + bottom}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${matched.length} matched and ${unmatched.length} unmatched photos by similarity score`);
  const add = (tag, attributes) => {
    const element = document.createElementNS(svgNs, tag);
    Object.entries(attributes).forEach(([key, value]) => element.setAttribute(key, String(value)));
    svg.append(element);
    return element;
  };
  const barWidth = width / bins;
  for (let i = 0; i < bins; i++) {
    const unmatchedHeight = (u[i] / tallest) * height;
    const matchedHeight = (m[i] / tallest) * height;
    if (u[i]) add('rect', { class: 'bar-unmatched', x: i * barWidth + 1, y: height - unmatchedHeight, width: barWidth - 2, height: unmatchedHeight });
    if (m[i]) add('rect', { class: 'bar-matched', x: i * barWidth + 1, y: height - unmatchedHeight - matchedHeight, width: barWidth - 2, height: matchedHeight });
  }
  add('line', { class: 'axis', x1: 0, y1: height, x2: width, y2: height });
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    add('text', { x: Math.min(width - 24, Math.max(0, tick * width - 8)), y: height + 15, class: 'tick' }).textContent = tick.toFixed(2);
  }
  add('line', { class: 'threshold', x1: threshold * width, y1: 0, x2: threshold * width, y2: height });
  root.querySelector('[data-histogram]').replaceChildren(svg);
}

function describe(label, suggestion, current, format, name) {
  if (!suggestion) return [[label, 'Needs examples of both kinds (a confirmed match and a rejected one).']];
  const unchanged = suggestion.value === current;
  return [[label, [h('strong', { dataset: { suggested: suggestion.value, suggestion: name } }, format(suggestion.value)), unchanged ? ' (keep)' : '']],
    ['Expected accuracy', `${formatPercent(suggestion.accuracy)} of ${suggestion.examples} right (now ${formatPercent(suggestion.currentAccuracy)})`]];
}

root.querySelector('[data-suggest]').addEventListener('click', async () => {
  await load();
  if (!calibration) return;
  const facts = [
    ...describe('Minimum keypoints', calibration.suggestedMinInliers, calibration.minInliers, String, 'minInliers'),
    ...describe('Similarity threshold', calibration.suggestedThreshold, calibration.matchThreshold, value => value.toFixed(3), 'threshold'),
  ];
  root.querySelector('[data-suggestion-facts]').replaceChildren(...facts.flatMap(([term, value]) => [h('dt', null, term), h('dd', null, value)]));
  show(root.querySelector('[data-apply-suggestion]'), Boolean(calibration.suggestedThreshold || calibration.suggestedMinInliers));
  show(root.querySelector('[data-suggestion]'), true);
});

root.querySelector('[data-apply-suggestion]').addEventListener('click', async () => {
  if (calibration.suggestedThreshold) thresholdInput.value = String(calibration.suggestedThreshold.value);
  if (calibration.suggestedMinInliers) inliersInput.value = String(calibration.suggestedMinInliers.value);
  form.requestSubmit();
});

form.addEventListener('submit', async event => {
  event.preventDefault();
  const error = form.querySelector('[data-form-error]');
  const ok = form.querySelector('[data-form-ok]');
  setText(ok, '');
  try {
    await sendJson('PATCH', `/api/projects/${projectId}`, { matchThreshold: Number(thresholdInput.value), minInliers: Number(inliersInput.value) });
    setText(error, '');
    setText(ok, 'Saved. Photos decided from now on use these settings.');
    await load();
  } catch (failure) {
    setText(error, failure.message);
  }
});

root.querySelector('[data-redecide]').addEventListener('click', async () => {
  const result = root.querySelector('[data-redecide-result]');
  try {
    const { reopened } = await sendJson('POST', `/api/projects/${projectId}/redecide`, {});
    setText(result, reopened ? `${reopened} photo${reopened === 1 ? '' : 's'} sent to be decided again; the timeline updates as they are.` : 'No photo is waiting in review.');
  } catch (failure) {
    setText(result, failure.message);
  }
});

load();
