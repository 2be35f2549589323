// `Content-Disposition` for downloads (RFC 6266). User file names can hold anything, so
// the header carries two forms: `filename="…"` with a plain-ASCII stand-in for old clients
// (quotes, backslashes, `%` and controls replaced, since some browsers unescape or choke on
// them), and `filename*=UTF-8''…` (RFC 8187) with the exact name, which modern browsers
// prefer. Percent-encoding makes the second form header-safe whatever the name contains.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0 and C1 controls and DEL: never meaningful in a saved file name.
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;

export function attachmentDisposition(fileName: string): string {
  const name = fileName.trim().replace(LONE_SURROGATE, '\uFFFD').replace(CONTROL, '_') || 'download';
  const fallback = name
    // Decompose so 'é' falls back to 'e' rather than '_'.
    .normalize('NFKD')
    .replace(/[\u0300-\u036F]/g, '')
    // `u`: one '_' per code point, not per UTF-16 unit.
    .replace(/[^\x20-\x7E]|["\\%]/gu, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc8187(name)}`;
}

// encodeURIComponent leaves `'()*` unescaped, but they are not RFC 8187 attr-chars.
function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
