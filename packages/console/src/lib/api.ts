/**
 * The console's one door to the server: same-origin fetch with the session cookie, the CSRF
 * header on every state-changing call, and the API's error shape turned into an ApiError.
 */

import type { ErrorBody, Issue } from '@omotenashi/protocol';

export type { Issue };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void { csrfToken = token; }
/** Called when any call answers 401 (the session ended): the app goes back to the login page. */
export function setUnauthorizedHandler(handler: (() => void) | null): void { onUnauthorized = handler; }

type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function parseError(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `request failed (${res.status})`;
  let issues: Issue[] = [];
  try {
    const body = (await res.json()) as Partial<ErrorBody>;
    if (body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      issues = Array.isArray(body.error.issues) ? body.error.issues : [];
    }
  } catch {
    // Not JSON (a proxy page, an empty body): the status line is all we know.
  }
  return new ApiError(res.status, code, message, issues);
}

export async function request<T>(method: string, path: string, body?: unknown, init?: { raw?: BodyInit; contentType?: string; quiet401?: boolean }): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let payload: BodyInit | undefined;
  if (init?.raw !== undefined) {
    payload = init.raw;
    headers['content-type'] = init.contentType ?? 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  if (!res.ok) {
    const err = await parseError(res);
    if (res.status === 401 && !init?.quiet401) onUnauthorized?.();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
  upload: <T>(path: string, file: Blob, contentType: string) => request<T>('POST', path, undefined, { raw: file, contentType }),
};

/** A readable sentence for any thrown value. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
