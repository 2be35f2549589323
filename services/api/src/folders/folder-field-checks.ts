// The codes a refused folder field has always had (`invalid_folder_name`), also when openapi.yaml's
// schema refuses it before the route runs: see platform/field-problems.ts.
import type { FieldCheck } from '#src/platform/field-problems.js';
import { validFolderName, validFolderPath } from './folder-paths.js';

export const folderFieldChecks: FieldCheck[] = [
  {
    method: 'POST',
    path: /^\/v1\/folders$/,
    field: '/body/path',
    check(value) {
      if (typeof value === 'string') validFolderPath(value, '');
    },
  },
  {
    method: 'PATCH',
    path: /^\/v1\/folders\/[^/]+$/,
    field: '/body/name',
    check(value) {
      if (typeof value === 'string') validFolderName(value);
    },
  },
];
