// The time-lapse of one spot: asks the server for it (it is made in the background), shows progress until the
// frames are ready, then plays them with a scrubber that names each frame's date.
import { getJson, sendJson } from './lib/api.js';
import { formatDay, formatWhen, plural, setText, show } from './lib/dom.js';

const root = document.querySelector('[data-timelapse-page]');
const photoId = Number(root.dataset.photoId);
const image = root.querySelector('[data-timelapse-image]');
const scrubber = root.querySelector('[data-timelapse-scrubber]');
const playButton = root.querySelector('[data-timelapse-play]');

const phases = {
  queued: 'Waiting for its turn…',
  checking: 'Checking which later photos line up with this one…',
  drawing: 'Turning each photo onto this one\'s frame…',
  video: 'Writing the video…',
};
// A frame shows this long while playing: long enough to see what changed.
const FRAME_MS = 900;

let frames = [];
let index = 0;
let timer = null;
let pollTimer = null;
let shownStamp = '';

async function load() {
  clearTimeout(pollTimer);
  let state;
  try {
    state = await getJson(`/api/photos/${photoId}/timelapse`);
  } catch (error) {
    showError(`The time-lapse could not be loaded. ${error.message}`, false);
    pollTimer = setTimeout(load, 5000);
    return;
  }
  render(state);
  if (state.status === 'building') pollTimer = setTimeout(load, 1000);
}

function render(state) {
  root.dataset.status = state.status;
  renderProgress(state);
  if (state.status === 'failed') showError(`The time-lapse could not be made: ${state.error}`, true);
  else if (state.status === 'unavailable') showError(state.error, false);
  else show(root.querySelector('[data-timelapse-error]'), false);

  const stamp = state.frames.map(f => f.url).join('|');
  if (stamp !== shownStamp) {
    shownStamp = stamp;
    frames = state.frames;
    index = Math.min(index, Math.max(0, frames.length - 1));
    renderFrames(state);
  }
  renderLeftOut(state);
}

function renderProgress(state) {
  const box = root.querySelector('[data-timelapse-status]');
  if (state.status !== 'building') return show(box, false);
  const progress = state.progress ?? { phase: 'queued', done: 0, total: 0 };
  setText(root.querySelector('[data-timelapse-phase]'), phases[progress.phase] ?? 'Making the time-lapse…');
  setText(root.querySelector('[data-timelapse-count]'), progress.total ? `${progress.done} of ${progress.total}` : '');
  const bar = root.querySelector('[data-timelapse-progress]');
  bar.max = Math.max(1, progress.total);
  bar.value = progress.done;
  show(box, true);
}

function showError(text, canRetry) {
  setText(root.querySelector('[data-timelapse-error-text]'), text);
  show(root.querySelector('[data-timelapse-retry]'), canRetry);
  show(root.querySelector('[data-timelapse-error]'), true);
}

function renderFrames(state) {
  const player = root.querySelector('[data-timelapse-player]');
  const empty = root.querySelector('[data-timelapse-empty]');
  if (!frames.length) {
    stop();
    show(player, false);
    return;
  }
  if (state.width && state.height) {
    image.width = state.width;
    image.height = state.height;
  }
  scrubber.max = String(frames.length - 1);
  setText(root.querySelector('[data-timelapse-first]'), formatDay(frames[0].takenAt));
  setText(root.querySelector('[data-timelapse-last]'), frames.length > 1 ? formatDay(frames[frames.length - 1].takenAt) : '');
  root.querySelector('[data-timelapse-video]').href = state.videoUrl ?? '#';
  show(root.querySelector('[data-timelapse-video]'), Boolean(state.videoUrl));
  root.querySelector('[data-timelapse-zip]').href = state.framesZipUrl ?? '#';
  // Every frame fetched once up front, so playing and scrubbing never wait on the network.
  for (const frame of frames) new Image().src = frame.url;
  showFrame(index);
  show(player, true);
  setText(empty, frames.length === 1 && state.status === 'ready'
    ? 'No later photo lines up with this one yet, so the time-lapse has only this photo. Photos taken later from the same spot join it as they are uploaded.'
    : '');
  show(empty, frames.length === 1 && state.status === 'ready');
  playButton.disabled = frames.length < 2;
}

function renderLeftOut(state) {
  const text = state.status === 'ready' || state.frames.length
    ? state.leftOut === 0
      ? `Every later photo of this project lines up with this one (at least ${state.minInliers} matching keypoints).`
      : `${plural(state.leftOut, 'later photo')} of this project ${state.leftOut === 1 ? 'was' : 'were'} left out because ${state.leftOut === 1 ? 'it does' : 'they do'} not line up with this one (fewer than ${state.minInliers} matching keypoints): another spot, or too different a view.`
    : '';
  const element = root.querySelector('[data-timelapse-left-out]');
  setText(element, text);
  element.dataset.leftOut = String(state.leftOut);
}

function showFrame(at) {
  index = at;
  const frame = frames[at];
  if (!frame) return;
  image.src = frame.url;
  image.alt = `${frame.fileName}, taken ${formatWhen(frame.takenAt)}, aligned onto the first photo`;
  image.dataset.frame = String(at);
  scrubber.value = String(at);
  scrubber.setAttribute('aria-valuetext', `${formatDay(frame.takenAt)}, frame ${at + 1} of ${frames.length}`);
  setText(root.querySelector('[data-timelapse-position]'), `${at + 1} of ${frames.length}: ${formatDay(frame.takenAt)}`);
  const details = [formatWhen(frame.takenAt), frame.fileName, frame.milestone,
    frame.inliers == null ? 'the photo the others are aligned to' : `aligned on ${frame.inliers} keypoints`];
  setText(root.querySelector('[data-timelapse-caption]'), details.filter(Boolean).join(' · '));
}

function play() {
  if (frames.length < 2) return;
  if (index >= frames.length - 1) showFrame(0);
  playButton.textContent = 'Pause';
  playButton.setAttribute('aria-pressed', 'true');
  timer = setInterval(() => {
    if (index >= frames.length - 1) return stop();
    showFrame(index + 1);
  }, FRAME_MS);
}

function stop() {
  clearInterval(timer);
  timer = null;
  playButton.textContent = 'Play';
  playButton.setAttribute('aria-pressed', 'false');
}

playButton.addEventListener('click', () => (timer ? stop() : play()));
scrubber.addEventListener('input', () => {
  stop();
  showFrame(Number(scrubber.value));
});
root.querySelector('[data-timelapse-retry]').addEventListener('click', async () => {
  try {
    render(await sendJson('POST', `/api/photos/${photoId}/timelapse`, {}));
  } catch (error) {
    showError(`The time-lapse could not be started again. ${error.message}`, true);
    return;
  }
  pollTimer = setTimeout(load, 1000);
});

load();
