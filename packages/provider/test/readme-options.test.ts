/** The README's option table is generated from the config schema; this keeps them equal. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { OPTIONS, optionsMarkdown } from '../src/config.js';

test('README lists every option exactly as the config schema defines it', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  assert.ok(readme.includes(optionsMarkdown()), 'README option table is out of date: paste optionsMarkdown() into it');
  for (const o of Object.values(OPTIONS)) assert.ok(readme.includes(`\`--${o.flag}\``), `--${o.flag} missing from README`);
});
