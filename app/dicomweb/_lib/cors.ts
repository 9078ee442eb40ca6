// CORS for the public demo archive only, so a viewer served from another origin (OHIF) can read it. Reads only:
// storing from a foreign page is not offered (no POST in Allow-Methods).
export function corsHeaders(): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, HEAD, OPTIONS',
    'access-control-allow-headers': 'Accept, Content-Type, Authorization, Range',
    'access-control-expose-headers': 'Content-Type, Content-Length, Warning',
    'access-control-max-age': '600',
  };
}
