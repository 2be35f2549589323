// Metering groups usage; the two must agree or the list and the dashboard would disagree.
import { contentFamily } from '../../../services/metering/src/usage/file-interval.js';
import { describe, expect, it } from 'vitest';
import { fileFamily, fileTypeLabel, familyLabel } from './file-types.js';

describe('file type labels', () => {
  it('names a content type by its usage family, as the dashboard does', () => {
    expect(fileTypeLabel('application/json')).toBe('Text');
    expect(fileTypeLabel('text/plain; charset=utf-8')).toBe('Text');
    expect(fileTypeLabel('application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toBe('Document');
    expect(fileTypeLabel('application/pdf')).toBe('Document');
    expect(fileTypeLabel('image/png')).toBe('Image');
    expect(fileTypeLabel('application/octet-stream')).toBe('Other');
    expect(familyLabel('archive')).toBe('Archive');
  });

  it('agrees with metering on every family', () => {
    const samples = ['application/json', 'application/xml', 'application/pdf', 'application/msword', 'application/rtf', 'application/zip', 'application/gzip', 'application/x-tar',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.oasis.opendocument.text', 'application/vnd.ms-excel', 'image/png', 'video/mp4',
      'audio/mpeg', 'text/csv', 'font/woff2', 'model/gltf+json', 'application/octet-stream', 'TEXT/PLAIN; charset=utf-8'];
    for (const type of samples) expect(fileFamily(type), type).toBe(contentFamily(type));
  });
});
