// The release's version is one number: package.json, the OpenAPI document's info.version (app.ts VERSION)
// and the newest CHANGELOG.md entry agree, so an upgrade note is never missing for a released version.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/app.ts';

const read = (file: string) => fs.readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('release version', () => {
  it('package.json, the API version and the newest changelog entry agree', () => {
    const pkg = JSON.parse(read('package.json')) as { version: string };
    const newest = /^## (\d+\.\d+\.\d+)\b/m.exec(read('CHANGELOG.md'))?.[1];
    expect(VERSION).toBe(pkg.version);
    expect(newest).toBe(pkg.version);
  });
});
