/**
 * Control characters (C0, DEL, C1) and the Unicode line and paragraph separators: never part of a
 * name or label a person gives, and NUL cannot even be stored in PostgreSQL text.
 */
export const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/u;
