// Talks to the tracker's JSON API and turns its problem+json answers into sentences a person can act on.
export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

export const OFFLINE_MESSAGE = 'Could not reach the server. Check your connection and try again.';

export async function getJson(url) {
  return readResponse(await request(url, { headers: { Accept: 'application/json' } }));
}

export async function sendJson(method, url, body) {
  return readResponse(await request(url, {
    method,
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  }));
}

/** The page's antiforgery token: the server refuses cookie-authenticated changes without it. */
export function csrfHeaders() {
  const token = document.querySelector('meta[name="csrf-token"]')?.content;
  return token ? { 'X-CSRF-TOKEN': token } : {};
}

async function request(url, init) {
  try {
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = method === 'GET' || method === 'HEAD' ? init.headers : { ...init.headers, ...csrfHeaders() };
    return await fetch(url, { ...init, headers });
  } catch {
    throw new ApiError(OFFLINE_MESSAGE, 0);
  }
}

async function readResponse(response) {
  const text = await response.text();
  const body = parseJson(text);
  if (response.ok) return body;
  throw new ApiError(describeProblem(response.status, body), response.status);
}

export function parseJson(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The plain-words message of a failed request: the server's own words first, then a sensible default. */
export function describeProblem(status, problem) {
  const fieldErrors = problem?.errors && typeof problem.errors === 'object'
    ? Object.values(problem.errors).flat().filter(Boolean)
    : [];
  if (fieldErrors.length) return fieldErrors.join(' ');
  if (problem?.detail) return problem.detail;
  if (problem?.title && !/^(One or more validation errors occurred\.|Bad Request|Not Found)$/.test(problem.title)) return problem.title;
  if (status === 0) return OFFLINE_MESSAGE;
  if (status === 404) return 'This was not found. It may have been deleted.';
  if (status === 413) return 'This file is too big to upload.';
  if (status === 415) return 'This kind of file cannot be uploaded.';
  if (status >= 500) return 'The server ran into a problem. Please try again in a moment.';
  return `The server refused the request (error ${status}).`;
}
