// What a DICOMweb request can get wrong, as an HTTP status and words for the person (PS3.18 8.5: the origin
// server answers with a status code and may explain in the payload). Answered as JSON `{ error }`.
export class DicomWebError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 406 | 409 | 413 | 415 | 501 | 503,
    message: string,
  ) {
    super(message);
    this.name = 'DicomWebError';
  }
}

export function errorJson(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: message }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}
