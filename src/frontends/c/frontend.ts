/**
 * The C front end's middle: preprocessed translation units -> verified IR.
 *
 *   PreprocessedUnit[] -> Parser (per unit, one shared LinkageTable)
 *                      -> generateIR (one module for the whole program)
 *                      -> mem2reg on every function (locals to SSA)
 *                      -> verify
 *
 * Diagnostics of every stage go to one `Diagnostics`; when it holds errors
 * the result is a `CompileError` with all of them formatted as gcc does.
 */
import type { TranslationUnit } from './ast.js';
import { CompileError, Diagnostics, TooManyErrors } from './diagnostics.js';
import { generateIR, type GeneratedModule } from './irgen.js';
import { LinkageTable, Parser } from './parser.js';
import type { PreprocessedUnit, SourceFile } from './token.js';
import { FuncContext } from '../../opt/context.js';
import { mem2regPass } from '../../opt/mem2reg.js';
import { verifyModule } from '../../ir/verifier.js';

/** The IR of a C program and what the runtime needs to call it. */
export interface CompiledC extends GeneratedModule {
  /** Warnings (formatted), empty when none. */
  readonly warnings: string;
}

/** Parses and lowers preprocessed units sharing one file table `files`; throws `CompileError` on errors. */
export function lowerToIR(units: readonly PreprocessedUnit[], files: SourceFile[], diags = new Diagnostics(files)): CompiledC {
  const linkage = new LinkageTable();
  const tus: TranslationUnit[] = [];
  try {
    units.forEach((u, i) => {
      tus.push(new Parser(u.tokens, diags, linkage, i).parseUnit());
    });
    if (!diags.hasErrors) {
      for (const tu of tus) {
        for (const s of tu.symbols) {
          if (s.isFunction && s.used && s.body === null && s.isStatic) diags.warning(s.loc, `'${s.name}' used but never defined`);
        }
      }
      const g = generateIR(tus, diags);
      if (!diags.hasErrors) {
        let ctx: FuncContext | null = null;
        for (const f of g.module.functions()) {
          if (ctx === null) ctx = new FuncContext(f); else ctx.retarget(f);
          mem2regPass(ctx);
        }
        const problems = verifyModule(g.module);
        if (problems.length > 0) throw new Error(`internal error: the C front end made invalid IR:\n${problems.slice(0, 10).join('\n')}`);
        return { ...g, warnings: diags.list.filter((d) => d.severity !== 'error').map((d) => diags.format(d)).join('\n') };
      }
    }
  } catch (e) {
    if (!(e instanceof TooManyErrors)) throw e;
  }
  throw new CompileError(diags.list, diags.formatAll());
}
