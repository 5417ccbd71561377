// Tags typed one at a time, shown as chips that can be removed, suggested from the project's existing tags through a
// <datalist> (the browser's own autocomplete, which works with a keyboard, a screen reader and on phones).
import { getJson } from './api.js';
import { h } from './dom.js';

const MAX_LENGTH = 40;
const suggestions = new Map();

/** The same rule as the server's (Photos/PhotoTags.cs), so a chip shows the tag as it will be stored. */
export function normalizeTag(text) {
  return String(text ?? '').trim().replace(/^#+/, '').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Fills the page's datalist of the project's tags once (most used first); every tag input on the page shares it. */
export function loadTagSuggestions(projectId, datalist) {
  if (!suggestions.has(projectId)) {
    suggestions.set(projectId, getJson(`/api/projects/${projectId}/tags?limit=200`).catch(() => []));
  }
  return suggestions.get(projectId).then(tags => {
    datalist.replaceChildren(...tags.map(t => h('option', { value: t.tag }, `${t.tag} (${t.photos})`)));
    return tags;
  });
}

/** Remembers tags just added on this page, so the next photo is offered them before the server's list is re-read. */
export function suggestTag(datalist, tag) {
  if (![...datalist.options].some(option => option.value === tag)) datalist.prepend(h('option', { value: tag }));
}

/**
 * Turns an empty element into a tag editor. Enter, a comma or leaving the field adds what was typed.
 * @returns {{ tags: string[], set(tags: string[]): void, commit(): void }}
 */
export function tagInput(container, { datalistId, label, initial = [], onChange = () => {} }) {
  let tags = [...initial];
  const chips = h('ul', { class: 'tag-chips', 'aria-label': `${label}: chosen tags` });
  const input = h('input', {
    type: 'text', list: datalistId, maxlength: MAX_LENGTH * 2, autocomplete: 'off', enterkeyhint: 'done',
    'aria-label': label, placeholder: 'Add a tag', dataset: { tagEntry: '' },
  });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  container.classList.add('tag-input');
  container.replaceChildren(chips, input, error);

  function render() {
    chips.replaceChildren(...tags.map(tag => h('li', { class: 'tag-chip', dataset: { tag } },
      h('span', null, tag),
      h('button', { type: 'button', class: 'tag-remove', 'aria-label': `Remove tag ${tag}`, onclick: () => remove(tag) }, '×'))));
  }

  function remove(tag) {
    tags = tags.filter(t => t !== tag);
    render();
    onChange(tags);
    input.focus();
  }

  function commit() {
    const parts = input.value.split(',').map(normalizeTag).filter(Boolean);
    input.value = '';
    const tooLong = parts.find(tag => tag.length > MAX_LENGTH);
    error.hidden = !tooLong;
    error.textContent = tooLong ? `"${tooLong.slice(0, MAX_LENGTH)}…" is too long: keep each tag under ${MAX_LENGTH} characters.` : '';
    const added = parts.filter(tag => tag.length <= MAX_LENGTH && !tags.includes(tag));
    if (!added.length) return;
    tags = [...tags, ...added].sort();
    render();
    onChange(tags);
  }

  input.addEventListener('keydown', event => {
    if (event.key === 'Enter' || event.key === ',') {
      if (!input.value.trim()) return;
      event.preventDefault();
      commit();
    } else if (event.key === 'Backspace' && !input.value && tags.length) {
      remove(tags[tags.length - 1]);
    }
  });
  // Picking a suggestion from the datalist fires input without a key: take it at once.
  input.addEventListener('input', event => {
    if (event.inputType === 'insertReplacementText') commit();
    else if (input.value.includes(',')) commit();
  });
  input.addEventListener('blur', commit);
  render();

  return {
    get tags() { commit(); return [...tags]; },
    set(next) { tags = [...next]; render(); },
    commit,
    input,
  };
}
