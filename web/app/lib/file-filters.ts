// Shared by the files page (its filter form) and its loader (query validation).
export const SORTS = ['created', 'name', 'size'] as const;
export const TYPE_FILTERS = [
  ['', 'All types'],
  // The words of the list's Type column (file-types.ts) where a content-type prefix selects the
  // same files; the API filters by prefix, so families spanning several prefixes are not offered.
  ['image', 'Image'],
  ['video', 'Video'],
  ['audio', 'Audio'],
  ['text', 'Text (text/*)'],
  ['application/pdf', 'Document: PDF'],
  ['application', 'Application (application/*)'],
] as const;
// The API's limits on the name search and a tag; the form's inputs stop at the same lengths.
export const QUERY_MAX_LENGTH = 255;
export const TAG_MAX_LENGTH = 64;
