/**
 * How documentation snippets become programs (scripts/doc-snippets.mjs, used by npm run
 * test:package, which type-checks and runs them against the packed package).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../src/runtime/addon.js';

interface Snippet { file: string; line: number; code: string; continues: boolean; skip: string | undefined }
interface Program { name: string; snippets: Snippet[] }
interface DocSnippets {
  extractSnippets(markdown: string, file: string): Snippet[];
  programsOf(snippets: Snippet[]): Program[];
  programSource(program: Program, options?: { checks?: boolean }): { source: string; lineOwners: number[]; checks: number };
}
const lib = import(pathToFileURL(path.join(packageRoot, 'scripts', 'doc-snippets.mjs')).href) as Promise<DocSnippets>;

const DOC = [
  '# Doc', '', '```ts', "import { a } from 'jitkit';", 'a(2n);   // 6n', '```', 'text',
  '<!-- snippet: continues -->', '```ts', 'const x = a(1);  // 5: five', "x.name; // 'n' (a name)", 'x.go();  // 3 things', '```',
  '<!-- snippet: skip shows a shape, not code -->', '```ts', 'f(...)', '```',
  '```sh', 'npm test', '```', '```ts', "import { b } from 'jitkit';", '```',
].join('\n');

test('blocks, markers and programs', async () => {
  const { extractSnippets, programsOf } = await lib;
  const snippets = extractSnippets(DOC, 'doc.md');
  assert.deepEqual(snippets.map((s) => [s.line, s.continues, s.skip]), [[4, false, undefined], [10, true, undefined], [16, false, 'shows a shape, not code'], [22, false, undefined]]);
  assert.deepEqual(programsOf(snippets).map((p) => [p.name, p.snippets.map((s) => s.line)]), [['doc_md_4', [4, 10]], ['doc_md_22', [22]]]);
  assert.throws(() => extractSnippets('<!-- snippet: continues -->\n```ts\nx\n```', 'd.md'), /d\.md:3: "snippet: continues" needs a checked/);
  assert.throws(() => extractSnippets('```ts\nx\n', 'd.md'), /d\.md:1: unterminated/);
});

test('stated values become checks; declarations and other comments stay as written', async () => {
  const { extractSnippets, programsOf, programSource } = await lib;
  const [program] = programsOf(extractSnippets(DOC, 'doc.md'));
  const plain = programSource(program!);
  assert.equal(plain.checks, 0);
  assert.equal(plain.source, "// doc.md:4\nimport { a } from 'jitkit';\na(2n);   // 6n\n// doc.md:10\nconst x = a(1);  // 5: five\nx.name; // 'n' (a name)\nx.go();  // 3 things\n");
  assert.deepEqual(plain.lineOwners, [0, 0, 0, 1, 1, 1, 1]);
  const checked = programSource(program!, { checks: true });
  assert.equal(checked.checks, 2);
  const lines = checked.source.split('\n');
  assert.equal(lines[2], 'a(2n), 6n, "doc.md:5");'.replace(/^/, '__expect('));
  assert.equal(lines[5], `__expect(x.name, 'n', "doc.md:11");`);
  assert.equal(lines[6], 'x.go();  // 3 things', 'a number followed by words is a comment, not a value');
  assert.equal(lines[4], 'const x = a(1);  // 5: five', 'declarations are not checked');
});

test('the repository\'s documentation snippets import jitkit as users do, and few are skipped', async () => {
  const { extractSnippets } = await lib;
  const files = ['README.md', ...readdirSync(path.join(packageRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const snippets = files.flatMap((f) => extractSnippets(readFileSync(path.join(packageRoot, f), 'utf8'), f));
  assert.ok(snippets.length >= 10, `${snippets.length} snippets`);
  for (const s of snippets) assert.doesNotMatch(s.code, /from '\.{1,2}\//, `${s.file}:${s.line} imports a repository path`);
  assert.ok(snippets.filter((s) => s.skip !== undefined).length <= 2, 'skip markers stay rare');
});
