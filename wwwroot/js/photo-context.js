// The photo page's context: who uploaded it, its note and tags (edited by the uploader and the project's managers),
// and its comments, which every member watching the project sees arrive and go at once.
import { getJson, sendJson } from './lib/api.js';
import { confirmAction } from './lib/confirm.js';
import { formatWhen, h, setText, show } from './lib/dom.js';
import { followProject } from './lib/live.js';
import { uploaderName } from './lib/photos.js';
import { loadTagSuggestions, suggestTag, tagInput } from './lib/tag-input.js';

const root = document.querySelector('[data-photo-context]');
const photoId = Number(root.dataset.photoId);
const projectId = Number(root.dataset.projectId);
const canManage = root.dataset.canManage === 'true';
const myId = Number(document.querySelector('meta[name="account-id"]')?.content || 0);
const contextForm = root.querySelector('[data-context-form]');
const noteInput = root.querySelector('[data-note-input]');
const suggestions = root.querySelector('[data-tag-suggestions]');
const tags = tagInput(root.querySelector('[data-tags-input]'), { datalistId: suggestions.id, label: 'Tags' });
const commentForm = root.querySelector('[data-comment-form]');
const commentList = root.querySelector('[data-comment-list]');

let photo = null;
let comments = [];
// While someone edits the note, a live update of the photo must not overwrite what they are typing.
let editing = false;

function renderContext() {
  const who = uploaderName(photo);
  setText(root.querySelector('[data-uploader]'), who
    ? `Uploaded by ${who}, ${formatWhen(photo.uploadedAt)}.`
    : `Uploaded ${formatWhen(photo.uploadedAt)} (who sent it was not recorded).`);
  root.querySelector('[data-uploader]').dataset.uploaderId = photo.uploadedBy?.id ?? '';
  setText(root.querySelector('[data-note-text]'), photo.note ?? '');
  const list = root.querySelector('[data-tag-list]');
  list.replaceChildren(...photo.tags.map(tag => h('li', { class: 'tag-chip', dataset: { tag } },
    h('a', { href: `/projects/${projectId}/gallery?tag=${encodeURIComponent(tag)}`, 'aria-label': `Photos tagged ${tag}` }, tag))));
  show(list, photo.tags.length > 0);
  const canEdit = canManage || (photo.uploadedBy && photo.uploadedBy.id === myId);
  show(contextForm, Boolean(canEdit) && !photo.deletedAt);
  if (!editing) {
    noteInput.value = photo.note ?? '';
    tags.set(photo.tags);
  }
}

function renderComments() {
  setText(root.querySelector('[data-comment-count]'), comments.length ? String(comments.length) : '');
  show(root.querySelector('[data-no-comments]'), comments.length === 0);
  commentList.replaceChildren(...comments.map(comment => {
    const mine = comment.author && comment.author.id === myId;
    return h('li', { class: 'comment', dataset: { commentId: comment.id } },
      h('p', { class: 'comment-head' },
        h('strong', null, comment.author ? (comment.author.email ?? 'a former member') : 'Someone'),
        ' ', h('time', { class: 'muted', datetime: comment.createdAt }, formatWhen(comment.createdAt))),
      // Text only: a comment is never markup, whatever it contains.
      h('p', { class: 'comment-body', dataset: { commentBody: '' } }, comment.body),
      mine || canManage
        ? h('button', { type: 'button', class: 'button button-small danger-outline', dataset: { deleteComment: comment.id },
          onclick: () => deleteComment(comment) }, 'Delete')
        : null);
  }));
}

async function loadAll() {
  try {
    [photo, comments] = await Promise.all([getJson(`/api/photos/${photoId}`), getJson(`/api/photos/${photoId}/comments`)]);
    renderContext();
    renderComments();
  } catch (error) {
    setText(root.querySelector('[data-comment-error]'), `The comments could not be loaded. ${error.message}`);
  }
}

function onCommentAdded(comment) {
  if (comment?.photoId !== photoId || comments.some(c => c.id === comment.id)) return;
  comments = [...comments, comment].sort((a, b) => a.id - b.id);
  renderComments();
}

function onCommentDeleted(comment) {
  if (comment?.photoId !== photoId) return;
  comments = comments.filter(c => c.id !== comment.id);
  renderComments();
}

function onPhotoUpdated(updated) {
  if (updated?.id !== photoId) return;
  photo = updated;
  renderContext();
}

async function deleteComment(comment) {
  const sure = await confirmAction({
    title: 'Delete this comment?',
    message: `The comment by ${comment.author?.email ?? 'a former member'} ("${comment.body.slice(0, 80)}${comment.body.length > 80 ? '…' : ''}") is removed for everyone. This cannot be undone.`,
    confirmLabel: 'Delete comment',
  });
  if (!sure) return;
  try {
    await sendJson('DELETE', `/api/photos/${photoId}/comments/${comment.id}`);
    onCommentDeleted(comment);
    commentForm.querySelector('[data-comment-input]').focus();
  } catch (failure) {
    setText(root.querySelector('[data-comment-error]'), failure.message);
  }
}

noteInput.addEventListener('input', () => { editing = true; });
tags.input.addEventListener('input', () => { editing = true; });

contextForm.addEventListener('submit', async event => {
  event.preventDefault();
  const button = contextForm.querySelector('button[type="submit"]');
  const ok = root.querySelector('[data-context-ok]');
  const error = root.querySelector('[data-context-error]');
  button.disabled = true;
  setText(ok, '');
  try {
    photo = await sendJson('PATCH', `/api/photos/${photoId}`, { note: noteInput.value, tags: tags.tags });
    editing = false;
    photo.tags.forEach(tag => suggestTag(suggestions, tag));
    setText(error, '');
    renderContext();
    setText(ok, 'Saved.');
  } catch (failure) {
    setText(error, failure.message);
  } finally {
    button.disabled = false;
    button.focus();
  }
});

commentForm.addEventListener('submit', async event => {
  event.preventDefault();
  const input = commentForm.querySelector('[data-comment-input]');
  const error = root.querySelector('[data-comment-error]');
  const button = commentForm.querySelector('button[type="submit"]');
  if (!input.value.trim()) {
    setText(error, 'Write something before posting the comment.');
    input.focus();
    return;
  }
  button.disabled = true;
  try {
    onCommentAdded(await sendJson('POST', `/api/photos/${photoId}/comments`, { body: input.value }));
    input.value = '';
    setText(error, '');
  } catch (failure) {
    setText(error, failure.message);
  } finally {
    button.disabled = false;
    input.focus();
  }
});

loadTagSuggestions(projectId, suggestions);
setText(root.querySelector('[data-comment-count]'), '');
await loadAll();
followProject(projectId, {
  onJoined: loadAll,
  handlers: { commentAdded: onCommentAdded, commentDeleted: onCommentDeleted, photoUpdated: onPhotoUpdated },
});
