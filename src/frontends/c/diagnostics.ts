/**
 * Diagnostics of the C front end, printed as gcc and clang print them:
 *
 *     file.c:3:9: error: use of undeclared identifier 'x'
 *         3 |   return x + 1;
 *           |          ^
 *
 * Every stage (preprocessor, parser, type checker, IR generation) reports
 * through one `Diagnostics` per compilation, so a run shows several errors and
 * the driver decides once, at the end, whether compilation failed. Bad C must
 * never surface as a JS stack trace: stages report here, and `CompileError`
 * (thrown by the driver when there were errors) carries the formatted text.
 */
import type { SourceFile, SourceLocation } from './token.js';

/** How serious a diagnostic is. */
export type Severity = 'error' | 'warning' | 'note';

/** One diagnostic message. */
export interface Diagnostic {
  /** error, warning or note. */
  readonly severity: Severity;
  /** Where (undefined for diagnostics about the command line or the whole run). */
  readonly loc: SourceLocation | undefined;
  /** The message, without location or severity (`use of undeclared identifier 'x'`). */
  readonly message: string;
}

/** Errors after which a compilation stops reporting (as gcc's -fmax-errors). */
export const DEFAULT_MAX_ERRORS = 20;

/** Collects and formats the diagnostics of one compilation. */
export class Diagnostics {
  /** Every diagnostic in order of report. */
  readonly list: Diagnostic[] = [];
  /** Number of errors reported. */
  errorCount = 0;
  /** Number of warnings reported. */
  warningCount = 0;

  /** Creates a collector; `files` is the compilation's file table (shared with the preprocessor, which appends to it). */
  constructor(readonly files: SourceFile[], readonly maxErrors = DEFAULT_MAX_ERRORS) {}

  /** Reports an error. Throws `TooManyErrors` once `maxErrors` is exceeded, so a stage can stop early. */
  error(loc: SourceLocation | undefined, message: string): void {
    this.list.push({ severity: 'error', loc, message });
    this.errorCount++;
    if (this.errorCount >= this.maxErrors) throw new TooManyErrors();
  }

  /** Reports a warning. */
  warning(loc: SourceLocation | undefined, message: string): void {
    this.list.push({ severity: 'warning', loc, message });
    this.warningCount++;
  }

  /** Adds a note to the previous diagnostic (`note: previous definition is here`). */
  note(loc: SourceLocation | undefined, message: string): void {
    this.list.push({ severity: 'note', loc, message });
  }

  /** True when an error was reported. */
  get hasErrors(): boolean {
    return this.errorCount > 0;
  }

  /** Formats one diagnostic with its source line and a caret under the column. */
  format(d: Diagnostic): string {
    if (d.loc === undefined) return `jitkit: ${d.severity}: ${d.message}`;
    const file = this.files[d.loc.file];
    const name = file?.name ?? '<unknown>';
    let out = `${name}:${d.loc.line}:${d.loc.col}: ${d.severity}: ${d.message}`;
    const text = file === undefined ? undefined : sourceLine(file.text, d.loc.line - (file.lineOffset ?? 0));
    if (text !== undefined) {
      const num = String(d.loc.line);
      const pad = ' '.repeat(num.length);
      const caretCol = Math.max(0, Math.min(d.loc.col - 1, text.length));
      // Keep tabs in the caret line so the caret lines up under tabbed source.
      const lead = text.slice(0, caretCol).replace(/[^\t]/g, ' ');
      out += `\n ${num} | ${text}\n ${pad} | ${lead}^`;
    }
    return out;
  }

  /** All diagnostics formatted, one after another, plus gcc's summary when there were errors. */
  formatAll(): string {
    return this.list.map((d) => this.format(d)).join('\n');
  }
}

/** Thrown by `Diagnostics.error` when the error limit is reached; the driver catches it. */
export class TooManyErrors extends Error {
  /** Creates the marker error. */
  constructor() {
    super('too many errors emitted, stopping now');
    this.name = 'TooManyErrors';
  }
}

/** Thrown by the C driver when a compilation had errors; `message` is the formatted diagnostics. */
export class CompileError extends Error {
  /** Creates the error from the compilation's diagnostics. */
  constructor(readonly diagnostics: readonly Diagnostic[], formatted: string) {
    super(formatted);
    this.name = 'CompileError';
  }
}

/**
 * The text of 1-based `line` in `text` (physical lines; `#line` may make the
 * number point elsewhere, in which case the caller passes the physical line).
 */
function sourceLine(text: string, line: number): string | undefined {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  if (start > text.length) return undefined;
  return text.slice(start, end).replace(/\r$/, '');
}
