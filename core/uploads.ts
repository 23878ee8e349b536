/**
 * The built-in upload target (issue #12): a GetLog / GetDiagnostics request gets a one-time URL
 * `<base>/uploads/<token>` on the API port, so a station can upload its file without any other
 * server. The token is 256 random bits (unguessable); only its SHA-256 is stored.
 */
import { createHash, randomBytes } from 'node:crypto';

export function newUploadToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A token as the API receives it: 43 base64url characters. */
export function isUploadToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export function hashUploadToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function uploadUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/uploads/${token}`;
}

/** A file name safe to keep on disk and to send back: the station's name without any path, or `fallback`. */
export function safeFileName(name: string | undefined, fallback: string): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '').slice(0, 128);
  return cleaned.length > 0 ? cleaned : fallback;
}

/**
 * The first file of a multipart/form-data body (stations often POST their log as a form): its
 * bytes and file name; undefined when the body has no file part.
 */
export function multipartFile(body: Buffer, contentType: string): { data: Buffer; fileName: string | undefined } | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary.trim()}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const headerStart = start + delimiter.length + 2; // CRLF after the delimiter
    const headerEnd = body.indexOf('\r\n\r\n', headerStart);
    if (headerEnd === -1) return undefined;
    const headers = body.subarray(headerStart, headerEnd).toString('latin1');
    const next = body.indexOf(delimiter, headerEnd + 4);
    if (next === -1) return undefined;
    const fileName = /filename="([^"]*)"/i.exec(headers)?.[1];
    if (fileName !== undefined || /name="file"/i.test(headers)) {
      return { data: body.subarray(headerEnd + 4, next - 2), fileName }; // CRLF before the next delimiter
    }
    start = next;
  }
  return undefined;
}
