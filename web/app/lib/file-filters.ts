// Shared by the files page (its filter form) and its loader (query validation).
export const SORTS = ['created', 'name', 'size'] as const;
export const TYPE_FILTERS = [
  ['', 'All types'],
  ['image', 'Images'],
  ['video', 'Video'],
  ['audio', 'Audio'],
  ['text', 'Text'],
  ['application/pdf', 'PDF'],
  ['application', 'Other documents'],
] as const;
// The API's limits on the name search and a tag; the form's inputs stop at the same lengths.
export const QUERY_MAX_LENGTH = 255;
export const TAG_MAX_LENGTH = 64;
