/**
 * Where the C test corpus is: `$JITKIT_C_TESTDATA`, else `../shared/testdata/c`
 * next to the checkout (or one level further up, for worktrees under a folder).
 * Undefined when it is not there (tests that need it skip).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is dist/test/helpers/c-testdata.js). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The C corpus directory, or undefined. */
export const C_TESTDATA: string | undefined = [
  process.env['JITKIT_C_TESTDATA'],
  path.resolve(REPO_ROOT, '..', 'shared', 'testdata', 'c'),
  path.resolve(REPO_ROOT, '..', '..', 'shared', 'testdata', 'c'),
].find((d): d is string => d !== undefined && d !== '' && fs.existsSync(path.join(d, 'README.md')));
