// The matching job's decisions in plain words, for the photo page and its history: what the numbers mean, with the
// raw figures kept for a "details" toggle.
import { formatPercent, h } from './dom.js';

const percent = value => (typeof value === 'number' ? formatPercent(value) : '–');
const points = count => `${count} ${count === 1 ? 'point' : 'points'}`;
// The lead in percentage points, as "how much more alike": 0.473 reads "47 points more alike".
const lead = value => `${Math.round(value * 100)} points`;

/** One sentence saying why, in the words of the rule that decided. */
export function plainReason(why, milestoneName) {
  const needed = why.minInliers != null ? ` (${why.minInliers} needed)` : '';
  switch (why.basis) {
    case 'verified':
      return `${points(why.inliers)} of this photo line up with a reference photo of "${milestoneName}"${needed}, so it shows the same place.`;
    case 'no-geometric-support':
      return why.inliers
        ? `It looks ${percent(why.bestScore)} alike a milestone's reference photo, but only ${points(why.inliers)} line up${needed}: it may show somewhere else, so it waits for review.`
        : `It looks ${percent(why.bestScore)} alike a milestone's reference photo, but no points line up${needed}: it may show somewhere else, so it waits for review.`;
    case 'cnn-score':
      return `It looks ${percent(why.bestScore)} alike a reference photo of "${milestoneName}"` +
        (why.threshold != null ? ` (${percent(why.threshold)} needed)` : '') +
        (why.secondScore != null ? `, ${lead(why.margin)} more than the next milestone.` : '.');
    case 'below-threshold':
      return `The most alike milestone looks only ${percent(why.bestScore)} alike` +
        (why.threshold != null ? ` (${percent(why.threshold)} needed)` : '') + ', so it waits for review.';
    case 'ambiguous':
      return `Two milestones look almost as alike (${percent(why.bestScore)} and ${percent(why.secondScore)}), so the tracker could not choose: it waits for review.`;
    case 'partial':
      return `${points(why.inliers)} of this photo line up with a reference photo of "${milestoneName}" in one part of the frame, and it looks ${lead(why.margin)} more alike that milestone than any other: the same place, partly hidden.`;
    case 'no-evidence-cnn-score':
      return `There is too little detail for points to line up, and it looks ${percent(why.bestScore)} alike a reference photo of "${milestoneName}", ${lead(why.margin)} more than the next milestone: that likeness decided.`;
    case 'filled-cnn-score':
      return `Most points in this photo sit on something in front of the spot, so they could not show the place; with that part painted over, it looks ${percent(why.bestScore)} alike a reference photo of "${milestoneName}", ${lead(why.margin)} more than the next milestone: that likeness decided.`;
    case 'no-evidence':
      return `There is too little detail for points to line up, and it looks only ${percent(why.bestScore)} alike the nearest milestone: not clear enough, so it waits for review.`;
    case 'layout-differs':
      return `There is too little detail for points to line up. It looks ${percent(why.bestScore)} alike a milestone's reference photo, but its light and dark parts sit elsewhere: it may be another place that looks alike (another sky or wall), so it waits for review.`;
    case 'none':
      return 'No milestone had a reference photo yet, so there was nothing to compare it with.';
    default:
      return why.text ?? '';
  }
}

/** The numbers in plain words: how alike, how much better than the next milestone, points that line up. */
export function plainFacts(why) {
  const facts = [];
  if (why.bestScore != null) facts.push(['How alike the photos look', percent(why.bestScore)]);
  if (why.bestScore != null) facts.push(['How much better than the next milestone', why.secondScore == null ? 'No other milestone to compare' : `${lead(why.margin)} more alike`]);
  facts.push(['Points that line up', why.inliers == null
    ? (why.verificationAvailable ? 'Not checked: no milestone looked alike enough' : 'Not checked: keypoint checks are unavailable')
    : h('span', null, h('strong', { dataset: { explanationInliers: why.inliers } }, String(why.inliers)), why.minInliers != null ? ` (${why.minInliers} needed)` : '')]);
  return facts;
}

/** The raw figures, as the job recorded them. */
export function rawFacts(why) {
  const number = value => (typeof value === 'number' ? value.toFixed(3) : '–');
  const facts = [
    ['Rule', h('code', { dataset: { explanationBasis: why.basis } }, why.basis)],
    ['CNN score (best milestone)', number(why.bestScore)],
    ['CNN score (next milestone)', number(why.secondScore)],
    ['Lead', number(why.margin)],
    ['Keypoint inliers', why.inliers == null ? '–' : String(why.inliers)],
  ];
  if (why.minInliers != null) facts.push(['Minimum inliers', String(why.minInliers)]);
  if (why.threshold != null) facts.push(['Threshold, margin', `${number(why.threshold)}, ${number(why.minMargin)}`]);
  if (why.referencePhotoId != null) facts.push(['Reference photo', h('a', { href: `/photos/${why.referencePhotoId}` }, `Photo ${why.referencePhotoId}`)]);
  facts.push(['Recorded', why.text]);
  return facts;
}

export const factList = facts => facts.flatMap(([term, value]) => [h('dt', null, term), h('dd', null, value)]);
