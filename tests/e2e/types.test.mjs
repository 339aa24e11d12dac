// web/orbit-embed.d.ts against TypeScript (npm's, strict): the uses in types/ compile, and each
// misuse marked @ts-expect-error there is caught. No browser needed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const here = path.dirname(fileURLToPath(import.meta.url));

test('the embed API\'s types take its documented uses and refuse its misuses, as a module and as the global', () => {
  const tsc = path.join(here, 'node_modules/typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(here, 'types')], { encoding: 'utf8' });
  assert.equal(result.status, 0, `tsc found problems:\n${result.stdout}${result.stderr}`);
});
