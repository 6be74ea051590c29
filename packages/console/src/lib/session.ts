import { ApiError, request, setCsrfToken } from './api';
import type { OperatorInfo } from './types';

interface SessionAnswer { operator: OperatorInfo; csrfToken: string }

/** The signed-in operator, or null when the cookie is missing or expired. */
export async function loadSession(): Promise<OperatorInfo | null> {
  try {
    const s = await request<SessionAnswer>('GET', '/console/api/session', undefined, { quiet401: true });
    setCsrfToken(s.csrfToken);
    return s.operator;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 404)) return null;
    throw err;
  }
}

export async function login(email: string, password: string): Promise<OperatorInfo> {
  const s = await request<SessionAnswer>('POST', '/console/api/login', { email, password }, { quiet401: true });
  setCsrfToken(s.csrfToken);
  return s.operator;
}

export async function logout(): Promise<void> {
  try {
    await request<unknown>('POST', '/console/api/logout', {}, { quiet401: true });
  } finally {
    setCsrfToken(null);
  }
}
