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
