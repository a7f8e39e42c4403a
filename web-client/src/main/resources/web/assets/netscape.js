// The Netscape bookmark file format: what every browser, and delicious, export and import.
// <!DOCTYPE NETSCAPE-Bookmark-file-1> ... <DL><p> <DT><A HREF="..." ADD_DATE="..." TAGS="a,b">title</A> <DD>notes

export const LIMITS = { url: 2048, title: 512, notes: 4096, tags: 32, tag: 64 };

/** Whether a string is an absolute http(s) URL: the only links the app makes clickable or imports. */
export function isWebUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Tags as the user typed them: split on commas and white space, trimmed, lower-cased, without repeats. */
export function parseTags(text) {
  const seen = new Set();
  for (const raw of String(text).split(/[\s,]+/)) {
    const tag = raw.trim().toLowerCase();
    if (tag) seen.add(tag);
  }
  return [...seen];
}

/**
 * The bookmarks of a Netscape bookmark file. Parsed by the browser's own HTML parser into an inert document
 * (DOMParser runs no script and loads nothing), read with textContent and getAttribute only.
 *
 * @returns {{items: {url: string, title: string, tags: string[], notes: string}[], skipped: number}} the entries
 *     the API can take (http(s) URLs within the limits; titles and notes clipped to their limits, tags to 32 of at
 *     most 64 characters), and how many were left out
 */
export function parse(text) {
  const doc = new DOMParser().parseFromString(text, 'text/html');
  const items = [];
  let skipped = 0;
  for (const a of doc.querySelectorAll('a')) {
    const url = (a.getAttribute('href') || '').trim();
    if (!url || url.length > LIMITS.url || !isWebUrl(url)) {
      skipped++;
      continue;
    }
    const title = (a.textContent || '').trim() || url;
    const tags = parseTags((a.getAttribute('tags') || '').replace(/,/g, ' '))
      .filter((t) => t.length <= LIMITS.tag).slice(0, LIMITS.tags);
    let notes = '';
    const dt = a.closest('dt');
    const next = dt ? dt.nextElementSibling : null;
    if (next && next.tagName === 'DD') {
      // A DD's own text, not that of a folder list the parser may have nested in it.
      notes = [...next.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim();
    }
    items.push({ url, title: title.slice(0, LIMITS.title), tags, notes: notes.slice(0, LIMITS.notes) });
  }
  return { items, skipped };
}

function escape(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function seconds(iso) {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : String(Math.floor(ms / 1000));
}

/** A Netscape bookmark file of these bookmarks (as the API returns them), every value escaped. */
export function serialize(bookmarks) {
  const lines = [
    '<!DOCTYPE NETSCAPE-Bookmark-file-1>',
    '<!-- This is an automatically generated file. It will be read and overwritten. Do Not Edit! -->',
    '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">',
    '<TITLE>Bookmarks</TITLE>',
    '<H1>Bookmarks</H1>',
    '<DL><p>',
  ];
  for (const b of bookmarks) {
    lines.push(`<DT><A HREF="${escape(b.url)}" ADD_DATE="${seconds(b.createdAt)}" LAST_MODIFIED="${seconds(b.updatedAt)}"`
      + ` TAGS="${escape((b.tags || []).join(','))}">${escape(b.title || b.url)}</A>`);
    if (b.notes) lines.push(`<DD>${escape(b.notes)}`);
  }
  lines.push('</DL><p>', '');
  return lines.join('\n');
}
