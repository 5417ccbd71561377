// When keypoints could not check a photo (too little detail in it or in the reference, or all of them on something in
// front of the spot), say so in plain words and what the tracker did instead. The markup is ImaginAI.Tracker/Matching/Views/_EvidenceNote.cshtml.
import { formatPercent, setText, show } from './lib/dom.js';

export function renderEvidenceNote(root, why) {
  const note = root.querySelector('[data-evidence-note]');
  if (!note) return;
  const silent = why?.evidence === 'none';
  if (silent) {
    setText(note.querySelector('[data-evidence-counts]'),
      `${why.photoKeypoints ?? 0} points were found in this photo and ${why.referenceKeypoints ?? 0} in the reference photo`);
    setText(note.querySelector('[data-evidence-outcome]'), outcomeWithoutPoints(why));
  }
  show(note, silent);

  const filledNote = root.querySelector('[data-filled-note]');
  if (!filledNote) return;
  const filled = why?.basis === 'filled-cnn-score';
  if (filled) {
    setText(filledNote.querySelector('[data-filled-outcome]'),
      `it looks ${formatPercent(why.bestScore)} alike this milestone, ${Math.round(why.margin * 100)} points more than any other, so the tracker matched it.`);
  }
  show(filledNote, filled);
}

function outcomeWithoutPoints(why) {
  switch (why.basis) {
    case 'no-evidence-cnn-score':
      return 'The photo looked so much like this milestone, and so much less like any other, and its light and dark parts sit where they do in the reference photo, so the tracker matched it on likeness alone.';
    case 'layout-differs':
      return `The photo looks ${formatPercent(why.bestScore)} alike a milestone's reference photo, but its light and dark parts sit elsewhere: it may be another place that looks alike, such as another sky or bare wall, so it waits for a manager to choose its milestone.`;
    default:
      return 'Likeness alone was not clear enough to be sure, so the photo waits for a manager to choose its milestone.';
  }
}
