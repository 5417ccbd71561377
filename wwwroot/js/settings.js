// A project's matching settings: thresholds, histograms of the numbers the deciding rule looked at, suggestions
// from the manager's own confirmations and corrections (only once there are enough, and with how sure they are;
// shown before anything changes), and re-deciding the photos in review.
import { getJson, sendJson } from './lib/api.js';
import { formatPercent, h, plural, setText, show } from './lib/dom.js';

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
    const rule = calibration.keypointChecks ? 'inliers' : 'cnn-score';
    for (const badge of root.querySelectorAll('[data-decides]')) show(badge, badge.dataset.decides === rule);
    setText(root.querySelector('[data-rule-in-use]'), calibration.keypointChecks
      ? 'Keypoint checks are on: points that line up decide. How alike the photos look only picks which milestones to check.'
      : `Keypoint checks are off: how alike the photos look decides, with a margin of ${calibration.minMargin.toFixed(2)} over the next milestone.`);
    describeExamples();
    drawHistograms();
  } catch (error) {
    setText(root.querySelector('[data-settings-error]'), `The settings could not be loaded. ${error.message}`);
  }
}

// The advice for the setting that decides: minimum inliers with keypoint checks on, else the threshold.
const advice = () => (calibration.keypointChecks ? calibration.minInliersAdvice : calibration.thresholdAdvice);

function describeExamples() {
  const { examples, shouldMatch, shouldNotMatch } = advice();
  setText(root.querySelector('[data-examples-text]'), calibration.examples
    ? `${plural(calibration.examples, 'of your decisions', 'of your decisions')} ${calibration.examples === 1 ? 'is' : 'are'} kept as examples` +
      ` (${examples} with the numbers this rule uses: ${shouldMatch} where the tracker was right to match, ${shouldNotMatch} where it was not).` +
      ' A photo you corrected and then put back counts once, as you left it.'
    : 'Confirm or correct automatic decisions on the photo pages first: each one becomes an example.');
}

function drawHistograms() {
  const decisions = calibration.decisions;
  const charts = [];
  if (calibration.keypointChecks) {
    const checked = decisions.filter(d => d.inliers != null);
    charts.push(histogram({
      rule: 'inliers',
      title: 'Points that line up with the best milestone\u2019s reference photo',
      bins: inlierBins(calibration.minInliers),
      values: checked,
      valueOf: d => d.inliers,
      marker: { value: calibration.minInliers, label: `minimum ${calibration.minInliers}`, name: 'min-inliers' },
    }));
    const unchecked = decisions.length - checked.length;
    if (unchecked) charts.push(h('p', { class: 'field-hint', dataset: { unchecked } }, `${plural(unchecked, 'photo')} had no milestone alike enough to check, so ${unchecked === 1 ? 'it was' : 'they were'} left for review.`));
  } else {
    charts.push(histogram({
      rule: 'cnn-score', title: 'How alike the photos look (the best milestone)', bins: fractionBins(), values: decisions.filter(d => d.score != null),
      valueOf: d => d.score, marker: { value: calibration.matchThreshold, label: `threshold ${calibration.matchThreshold.toFixed(2)}`, name: 'threshold' },
    }));
    charts.push(histogram({
      rule: 'margin', title: 'How much more alike than the next milestone', bins: fractionBins(), values: decisions.filter(d => d.margin != null),
      valueOf: d => d.margin, marker: { value: calibration.minMargin, label: `margin ${calibration.minMargin.toFixed(2)}`, name: 'margin' },
    }));
  }
  root.querySelector('[data-histograms]').replaceChildren(...charts);
}

// Bins of equal width on screen; their edges include the minimum, so its line falls between two bars.
function inlierBins(minimum) {
  const edges = [...new Set([0, 1, 5, 10, 20, 50, 100, 200, minimum])].sort((a, b) => a - b);
  return edges.map((from, i) => {
    const to = edges[i + 1];
    const label = to === undefined ? `${from}+` : to - from === 1 ? String(from) : `${from}\u2013${to - 1}`;
    return { from, to: to ?? Infinity, label };
  });
}

function fractionBins() {
  return Array.from({ length: 10 }, (_, i) => ({ from: i / 10, to: i === 9 ? Infinity : (i + 1) / 10, label: (i / 10).toFixed(1) }));
}

// Plain SVG: one bar per bin, matched stacked on left-for-review, its count above it, the deciding value marked.
function histogram({ rule, title, bins, values, valueOf, marker }) {
  const counts = bins.map(() => ({ matched: 0, review: 0 }));
  for (const decision of values) {
    const index = bins.findIndex(bin => valueOf(decision) >= bin.from && valueOf(decision) < bin.to);
    if (index >= 0) counts[index][decision.matched ? 'matched' : 'review']++;
  }
  const tallest = Math.max(1, ...counts.map(c => c.matched + c.review));
  const [width, height, top, bottom] = [400, 140, 34, 22];
  const barWidth = width / bins.length;
  const svgNs = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${top + height + bottom}`);
  svg.setAttribute('role', 'img');
  const matchedTotal = values.filter(v => v.matched).length;
  svg.setAttribute('aria-label', `${title}: ${matchedTotal} matched and ${values.length - matchedTotal} left for review; ${marker.label}.`);
  const add = (tag, attributes, text) => {
    const element = document.createElementNS(svgNs, tag);
    Object.entries(attributes).forEach(([key, value]) => element.setAttribute(key, String(value)));
    if (text !== undefined) element.textContent = text;
    svg.append(element);
    return element;
  };
  const base = top + height;
  counts.forEach((count, i) => {
    const reviewHeight = (count.review / tallest) * height;
    const matchedHeight = (count.matched / tallest) * height;
    if (count.review) add('rect', { class: 'bar-unmatched', x: i * barWidth + 2, y: base - reviewHeight, width: barWidth - 4, height: reviewHeight });
    if (count.matched) add('rect', { class: 'bar-matched', x: i * barWidth + 2, y: base - reviewHeight - matchedHeight, width: barWidth - 4, height: matchedHeight });
    const total = count.matched + count.review;
    if (total) add('text', { class: 'bar-count', x: i * barWidth + barWidth / 2, y: base - reviewHeight - matchedHeight - 4, 'text-anchor': 'middle', 'data-bar-count': total, 'data-bin': bins[i].label }, String(total));
    add('text', { class: 'tick', x: i * barWidth + barWidth / 2, y: base + 15, 'text-anchor': 'middle' }, bins[i].label);
  });
  add('line', { class: 'axis', x1: 0, y1: base, x2: width, y2: base });
  // Where the deciding value falls: at the start of its bin, plus its place within the bin for finite bins.
  const index = Math.max(0, bins.findIndex(bin => marker.value >= bin.from && marker.value < bin.to));
  const bin = bins[index];
  const within = Number.isFinite(bin.to) ? (marker.value - bin.from) / (bin.to - bin.from) : 0;
  const x = (index + within) * barWidth;
  add('line', { class: 'threshold', x1: x, y1: top - 12, x2: x, y2: base });
  add('text', { class: 'marker-label', x: Math.min(width - 4, Math.max(4, x)), y: top - 16, 'text-anchor': x > width - 60 ? 'end' : x < 60 ? 'start' : 'middle', 'data-marker': marker.name }, marker.label);
  return h('figure', { class: 'histogram', dataset: { histogramRule: rule } }, h('figcaption', null, title), svg);
}

root.querySelector('[data-suggest]').addEventListener('click', async () => {
  await load();
  if (!calibration) return;
  const { suggestion, moreNeeded, shouldMatch, shouldNotMatch } = advice();
  const wait = root.querySelector('[data-suggestion-wait]');
  const facts = root.querySelector('[data-suggestion-facts]');
  const apply = root.querySelector('[data-apply-suggestion]');
  if (!suggestion) {
    // Too few examples give a setting that fits them and nothing else (2 examples once proposed 827 keypoints).
    const need = calibration.minExamplesPerKind;
    setText(wait, `Not enough examples yet to suggest anything. A suggestion needs at least ${need} photos the tracker was right to match ` +
      `and ${need} it should not have matched; you have ${shouldMatch} and ${shouldNotMatch}. ` +
      `Confirm or correct ${plural(moreNeeded, 'more decision')} of the right kind on the photo pages.`);
    facts.replaceChildren();
    show(apply, false);
  } else {
    setText(wait, '');
    const isInliers = calibration.keypointChecks;
    const current = isInliers ? calibration.minInliers : calibration.matchThreshold;
    const format = value => (isInliers ? String(value) : value.toFixed(3));
    const unchanged = suggestion.value === current;
    const rows = [
      [isInliers ? 'Minimum points that line up' : 'How alike the photos must look',
        [h('strong', { dataset: { suggested: suggestion.value, suggestion: isInliers ? 'minInliers' : 'threshold' } }, format(suggestion.value)), unchanged ? ' (keep the current setting)' : ` (now ${format(current)})`]],
      ['Right on your examples', `${suggestion.correct} of ${suggestion.examples} (now ${suggestion.currentCorrect})`],
      ['How sure', h('span', { dataset: { leaveOneOut: suggestion.leaveOneOutAccuracy } },
        `${formatPercent(suggestion.leaveOneOutAccuracy)} right on examples it did not learn from ` +
        `(95% sure it lies between ${formatPercent(suggestion.intervalLow)} and ${formatPercent(suggestion.intervalHigh)})`)],
    ];
    facts.replaceChildren(...rows.flatMap(([term, value]) => [h('dt', null, term), h('dd', null, value)]));
    show(apply, !unchanged);
  }
  show(root.querySelector('[data-suggestion]'), true);
});

root.querySelector('[data-apply-suggestion]').addEventListener('click', async () => {
  const { suggestion } = advice();
  if (!suggestion) return;
  if (calibration.keypointChecks) inliersInput.value = String(suggestion.value);
  else thresholdInput.value = String(suggestion.value);
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
