/** How long a browser may cache a preflight answer, in seconds. */
export const CORS_PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * The CORS headers for a request from `origin`. An origin not in `allowedOrigins` (and no `*`)
 * gets none, so the browser refuses to let the page read the answer. The header holds one
 * origin, so the allowed one is echoed.
 */
export function corsHeaders(
  origin: string | undefined,
  allowedOrigins: readonly string[],
  preflight: boolean,
): Record<string, string> {
  // Answers differ by Origin, so caches must key on it even when this one is refused.
  const headers: Record<string, string> = { vary: 'Origin' };
  if (origin === undefined || !(allowedOrigins.includes('*') || allowedOrigins.includes(origin))) {
    return headers;
  }
  headers['access-control-allow-origin'] = origin;
  if (preflight) {
    headers['access-control-allow-methods'] = 'POST, OPTIONS';
    headers['access-control-allow-headers'] = 'Content-Type, X-Request-Id';
    headers['access-control-max-age'] = String(CORS_PREFLIGHT_MAX_AGE_SECONDS);
  } else {
    headers['access-control-expose-headers'] = 'X-Request-Id';
  }
  return headers;
}
