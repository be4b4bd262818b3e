/**
 * jitkit/regex: regular expressions with JavaScript semantics, compiled by jitkit.
 * See docs/regex.md.
 */
export { Regex, DEFAULT_BACKTRACK_LIMIT, type RegexOptions, type RegexMatch, type RegexIndices } from './regex.js';
export { RegexBudgetError } from './backtrack.js';
export { parse, parseFlags } from './parser.js';
