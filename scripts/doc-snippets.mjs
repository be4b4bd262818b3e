// The TypeScript snippets of README.md and docs/*.md as programs a consumer can compile and
// run (used by scripts/test-package.mjs; tested by test/package/doc-snippets.test.ts).
//
// Every ```ts block is a snippet. Conventions, written as an HTML comment (invisible on
// GitHub and npm) on the line just before the block:
//
//   <!-- snippet: continues -->        the block continues the previous ```ts block of the same
//                                      file: both are one program (the block reads names the
//                                      earlier one defined)
//   <!-- snippet: skip REASON -->      not compiled or run (a block that is not a program);
//                                      keep these rare, each with its reason
//
// A line `EXPRESSION; // VALUE` whose comment starts with a literal (6n, 5, -1.5, true, null,
// 'text', "text"), alone or followed by `:` or ` (`, states the expression's value: when run,
// the snippet checks it with Object.is (`add4(2n);   // 6n` must give exactly 6n).

const MARKER = /^<!--\s*snippet:\s*(continues|skip)\b\s*(.*?)\s*-->\s*$/;
const LITERAL = String.raw`-?\d+(?:\.\d+)?(?:e[+-]?\d+)?n?|true|false|null|undefined|'[^']*'|"[^"]*"`;
const EXPECTATION = new RegExp(String.raw`^(\s*)(.+?);\s*//\s*(${LITERAL})(?:$|:|\s\()`);
const DECLARATION = /^\s*(?:const|let|var|import|export|return|if|for|while|function|class|type|interface)\b/;

/**
 * The snippets of one Markdown file: `{ file, line, code, continues, skip }` per ```ts block
 * (`line` is the 1-based line of its first code line; `skip` the reason or undefined).
 */
export function extractSnippets(markdown, file) {
  const lines = markdown.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ts\s*$/.test(lines[i])) continue;
    const marker = i > 0 ? MARKER.exec(lines[i - 1].trim()) : null;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    if (end === lines.length) throw new Error(`${file}:${i + 1}: unterminated \`\`\`ts block`);
    out.push({
      file,
      line: start + 1,
      code: lines.slice(start, end).join('\n'),
      continues: marker?.[1] === 'continues',
      skip: marker?.[1] === 'skip' ? marker[2] || '(no reason given)' : undefined,
    });
    i = end;
  }
  for (const [k, s] of out.entries()) {
    if (s.continues && (k === 0 || out[k - 1].skip !== undefined)) {
      throw new Error(`${file}:${s.line}: "snippet: continues" needs a checked \`\`\`ts block before it`);
    }
  }
  return out;
}

/**
 * Groups snippets into programs: a snippet starts one, a `continues` snippet joins the one
 * before. Returns `{ name, snippets }` per program; skipped snippets are left out.
 */
export function programsOf(snippets) {
  const programs = [];
  for (const s of snippets) {
    if (s.skip !== undefined) continue;
    if (s.continues) programs[programs.length - 1].snippets.push(s);
    else programs.push({ name: `${s.file.replace(/[^\w]+/g, '_')}_${s.line}`, snippets: [s] });
  }
  return programs;
}

/**
 * A program's source: its snippets joined, each preceded by a `// file:line` comment. With
 * `checks`, every stated value becomes a call `__expect(expression, value, 'file:line')`
 * and a definition of `__expect` is appended. Returns `{ source, lineOwners, checks }`, where
 * `lineOwners[k]` is the index of the snippet that source line k + 1 belongs to.
 */
export function programSource(program, { checks = false } = {}) {
  const lines = [];
  const lineOwners = [];
  let count = 0;
  program.snippets.forEach((s, index) => {
    lines.push(`// ${s.file}:${s.line}`);
    lineOwners.push(index);
    s.code.split('\n').forEach((text, k) => {
      let line = text;
      const m = checks && !DECLARATION.test(text) ? EXPECTATION.exec(text) : null;
      if (m !== null) {
        line = `${m[1]}__expect(${m[2]}, ${m[3]}, ${JSON.stringify(`${s.file}:${s.line + k}`)});`;
        count++;
      }
      lines.push(line);
      lineOwners.push(index);
    });
  });
  if (checks) {
    lines.push(
      'function __expect(actual: unknown, expected: unknown, where: string): void {',
      '  const show = (v: unknown): string => (typeof v === "bigint" ? `${v}n` : typeof v === "string" ? JSON.stringify(v) : String(v));',
      '  if (!Object.is(actual, expected)) throw new Error(`${where}: got ${show(actual)}, the documentation says ${show(expected)}`);',
      '}',
    );
  }
  return { source: lines.join('\n') + '\n', lineOwners, checks: count };
}
