// Builds DOM nodes without innerHTML, so names and file names typed by users can never become markup.
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') element.className = value;
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  element.append(...children.flat(Infinity).filter(child => child !== null && child !== undefined && child !== false));
  return element;
}

export function show(element, visible) {
  if (element) element.hidden = !visible;
}

export function setText(element, text) {
  if (!element) return;
  element.textContent = text ?? '';
  element.hidden = !text;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatWhen(iso) {
  if (!iso) return '';
  const when = new Date(iso);
  return Number.isNaN(when.getTime()) ? '' : dateTime.format(when);
}

export function formatDay(iso) {
  if (!iso) return '';
  // A due date has no time of day; read it as a calendar day, not as UTC midnight.
  const day = /^\d{4}-\d{2}-\d{2}/.exec(iso)?.[0];
  const when = day ? new Date(`${day}T00:00:00`) : new Date(iso);
  return Number.isNaN(when.getTime()) ? '' : dateOnly.format(when);
}

export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

export function formatPercent(fraction) {
  return `${Math.round(fraction * 100)}%`;
}

export function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}
