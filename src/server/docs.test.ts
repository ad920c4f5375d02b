import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../core/index.js';
import { HTTP_STATUS } from './errors.js';

describe('docs/api.md', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'api.md'), 'utf8');
  it('lists every error code with the status the server answers', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      expect(doc, code).toContain(`| \`${code}\` | ${HTTP_STATUS[code]} |`);
    }
  });
});
