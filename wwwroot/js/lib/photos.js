// How a photo is named and drawn wherever it appears: timeline lanes, the gallery, review mode, search results, the
// photo page's best earlier match. Every thumbnail's caption comes from thumbnailCaption below.
import { formatPercent, formatWhen, h } from './dom.js';

const STATUS_LABELS = {
  pending: 'Processing',
  embedded: 'Matching',
  matched: 'Matched',
  unmatched: 'Needs review',
  failed: 'Failed',
};

const SOURCE_LABELS = {
  reference: 'set by the uploader',
  manual: 'set by a manager',
  auto: 'matched automatically',
};

export const statusLabel = status => STATUS_LABELS[status] ?? status;

/**
 * What a photo is, in the order the gallery's status filter also uses (Photos/PhotoContextApi.cs, GalleryStatuses):
 * reference, set by a manager, processing, failed, matched automatically, in review.
 */
export function photoKind(photo) {
  if (photo.milestoneSource === 'reference') return 'reference';
  if (photo.milestoneSource === 'manual' && photo.milestoneId != null) return 'manual';
  if (isProcessing(photo)) return 'processing';
  if (photo.status === 'failed') return 'failed';
  if (photo.status === 'matched') return 'matched';
  return 'review';
}

/** The uploader as members see them. */
export const uploaderName = photo => photo.uploadedBy ? (photo.uploadedBy.email ?? 'a former member') : null;

/**
 * A thumbnail's caption: what the photo is, then who uploaded it. A match carries how alike the photo looks to its
 * milestone's reference photos (the milestone score), not its likeness to the best earlier photo, which may be of
 * another place.
 */
export function photoCaption(photo) {
  const kind = photoKind(photo);
  const what = {
    reference: 'Reference',
    manual: 'Set by a manager',
    processing: 'Processing',
    failed: 'Failed',
    matched: typeof photo.milestoneScore === 'number' ? `Matched, ${formatPercent(photo.milestoneScore)} alike` : 'Matched',
    review: 'In review',
  }[kind];
  const who = uploaderName(photo);
  return who ? `${what} · by ${who}` : what;
}

/** The caption under every thumbnail: when it was taken, then what it is and who uploaded it. */
export function thumbnailCaption(photo, attributes = {}) {
  return h('span', { class: 'thumb-caption', dataset: { kind: photoKind(photo) }, ...attributes },
    h('span', { class: 'thumb-when' }, formatWhen(photo.takenAt ?? photo.uploadedAt)), h('br'),
    h('span', { class: 'thumb-what break-anywhere', dataset: { caption: '' } }, photoCaption(photo)));
}
export const sourceLabel = source => SOURCE_LABELS[source] ?? '';
export const isProcessing = photo => photo.status === 'pending' || photo.status === 'embedded';

export const photoPageUrl = id => `/photos/${encodeURIComponent(id)}`;
export const thumbnailUrl = photo => photo.thumbnailUrl ?? `/api/photos/${encodeURIComponent(photo.id)}/thumbnail`;
export const fileUrl = photo => photo.fileUrl ?? `/api/photos/${encodeURIComponent(photo.id)}/file`;

/** Oldest first, as the photos were taken. */
export function byTimeTaken(a, b) {
  return (Date.parse(a.takenAt ?? a.uploadedAt) || 0) - (Date.parse(b.takenAt ?? b.uploadedAt) || 0) || a.id - b.id;
}

/** A thumbnail that says, where it cannot load, that the picture is still on its way rather than breaking. */
export function thumbnailImage(photo, className = 'thumb-image') {
  const image = h('img', { class: className, alt: photo.fileName ?? '', loading: 'lazy', decoding: 'async', width: 200, height: 150 });
  image.addEventListener('error', () => image.classList.add('is-missing'));
  image.src = thumbnailUrl(photo);
  return image;
}

/**
 * Thumbnail tiles keyed by photo id. A tile is reused when its photo moves lane, so its image is not fetched
 * again, and it flashes briefly when something about it changed.
 */
export class PhotoTiles {
  #tiles = new Map();

  tile(photo) {
    let entry = this.#tiles.get(photo.id);
    if (!entry) {
      entry = { element: h('li', { class: 'thumb', dataset: { photoId: photo.id } }), key: '' };
      this.#tiles.set(photo.id, entry);
    }
    const key = JSON.stringify([photo.status, photo.milestoneId, photo.milestoneSource, photo.milestoneScore, photo.takenAt, photo.fileName, photo.uploadedBy?.id]);
    if (entry.key !== key) {
      if (entry.key) this.#flash(entry.element);
      entry.key = key;
      entry.element.dataset.status = photo.status;
      entry.element.replaceChildren(this.#content(photo, entry.element.querySelector('img')));
    }
    return entry.element;
  }

  flash(photoId) {
    const entry = this.#tiles.get(photoId);
    if (entry) this.#flash(entry.element);
  }

  #content(photo, existingImage) {
    const image = existingImage ?? thumbnailImage(photo);
    return h('a', { href: photoPageUrl(photo.id), title: photo.fileName },
      image,
      h('span', { class: `thumb-status status-${photo.status}` }, statusLabel(photo.status)),
      thumbnailCaption(photo));
  }

  #flash(element) {
    element.classList.remove('is-new');
    // Reading layout restarts the CSS animation when the class is added again.
    void element.offsetWidth;
    element.classList.add('is-new');
  }
}
