// One set of words for kinds of file, shared by the files list, its filter, the folder view, share
// pages and the dashboard. The families are the ones usage is grouped by (metering's
// contentFamily), so a JSON file is "Text" in the list and in the dashboard's chart alike.
const FAMILY_BY_TYPE: Record<string, string> = {
  'application/pdf': 'document',
  'application/msword': 'document',
  'application/rtf': 'document',
  'application/zip': 'archive',
  'application/gzip': 'archive',
  'application/x-tar': 'archive',
  'application/x-7z-compressed': 'archive',
  'application/json': 'text',
  'application/xml': 'text',
};
const TOP_LEVEL_FAMILIES = new Set(['image', 'video', 'audio', 'text', 'font', 'model']);

export const FAMILY_LABELS: Record<string, string> = {
  image: 'Image',
  video: 'Video',
  audio: 'Audio',
  text: 'Text',
  document: 'Document',
  archive: 'Archive',
  font: 'Font',
  model: '3D model',
  other: 'Other',
};

/** The usage family of a content type, by the same rules as metering. */
export function fileFamily(contentType: string): string {
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  const known = FAMILY_BY_TYPE[essence];
  if (known) return known;
  if (essence.startsWith('application/vnd.openxmlformats-officedocument') || essence.startsWith('application/vnd.oasis.opendocument')) {
    return 'document';
  }
  const topLevel = essence.split('/')[0] ?? '';
  return TOP_LEVEL_FAMILIES.has(topLevel) ? topLevel : 'other';
}

/** A family (as usage reports it) as people read it. */
export function familyLabel(family: string): string {
  return FAMILY_LABELS[family] ?? family.charAt(0).toUpperCase() + family.slice(1);
}

export function fileTypeLabel(contentType: string): string {
  return familyLabel(fileFamily(contentType));
}
