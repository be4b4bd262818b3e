/**
 * The typed AST of the C front end: what the parser (with its semantic checks)
 * produces and IR generation reads.
 *
 * Every expression carries its C type after the implicit conversions the
 * parser inserted (`cast` nodes with `implicit`: integer promotions, usual
 * arithmetic conversions, array/function decay as `addr` of the lvalue,
 * conversions at assignment, argument passing and return). An lvalue
 * expression (`var`, `deref`, `member` of an lvalue, `string`, `compound`)
 * used as a value is read by IR generation; nothing else is an lvalue.
 */
import type { CType, Member } from './ctypes.js';
import type { SourceLocation } from './token.js';

/** Where a variable lives. */
export const enum Storage {
  /** Automatic local (a stack slot, promoted to SSA when its address is never taken). */
  Local,
  /** Static storage: globals, `static` locals, string literals, file-scope compound literals. */
  Static,
  /** Declared `extern` (or a tentative/global used before definition): resolved by name. */
  Extern,
}

/** An object (variable) or function. */
export class Symbol {
  /** Object or function. */
  readonly isFunction: boolean;
  /** Storage for objects. */
  storage: Storage;
  /** The symbol name the IR/linker sees (renamed statics, `__asm__("name")`). */
  linkName: string;
  /** True for file-scope or block-scope `static` (internal linkage / no linkage). */
  isStatic = false;
  /** Set when the object's address is taken or it is volatile (keeps it in memory). */
  addressTaken = false;
  /** Objects: the initializer (static or local). */
  init: Initializer | null = null;
  /** True when this translation unit defines it (a body, or an object definition / tentative definition). */
  defined = false;
  /** Functions: the body. */
  body: Stmt | null = null;
  /** Functions: the parameter symbols of the definition. */
  params: Symbol[] = [];
  /** Functions: `inline` was given. */
  isInline = false;
  /** Functions: `_Noreturn` / `noreturn` attribute. */
  noreturn = false;
  /** Functions: the body calls `setjmp` (locals stay in memory). */
  callsSetjmp = false;
  /** Functions: the labels whose address the body takes (`&&label`), in order of first use. */
  addressedLabels: string[] = [];
  /** Functions: declared implicitly by a call (C89); a later declaration may change its type. */
  implicitDecl = false;
  /** True once something refers to it (unused statics need no code). */
  used = false;
  /** Objects: declared `register` (C forbids taking the address). */
  isRegister = false;
  /** Objects: `_Thread_local` (each thread has its own copy, made from the initial value on first use). */
  threadLocal = false;
  /** Alignment override (`_Alignas`, `aligned`), 0 for natural. */
  align = 0;
  /** Where it was declared. */
  loc: SourceLocation;
  /** Unique id per compilation (for IR names of block-scope statics). */
  readonly id: number;
  /** Creates a symbol. */
  constructor(readonly name: string, public type: CType, isFunction: boolean, storage: Storage, loc: SourceLocation, id: number) {
    this.isFunction = isFunction;
    this.storage = storage;
    this.linkName = name;
    this.loc = loc;
    this.id = id;
  }
}

/** Binary operators after semantic analysis. */
export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '<<' | '>>' | '&' | '|' | '^'
  | '==' | '!=' | '<' | '>' | '<=' | '>=' | '&&' | '||';

/** Expressions. `type` is the C type of the value (or of the lvalue). */
export type Expr =
  | { k: 'int'; type: CType; loc: SourceLocation; value: bigint }
  | { k: 'float'; type: CType; loc: SourceLocation; value: number }
  /** A string literal: an lvalue array of `bytes` (terminator included). */
  | { k: 'string'; type: CType; loc: SourceLocation; bytes: Uint8Array }
  | { k: 'var'; type: CType; loc: SourceLocation; sym: Symbol }
  /** Arithmetic, bitwise, comparison and logical operators on converted operands; comparisons and logical ops have type int. */
  | { k: 'binary'; type: CType; loc: SourceLocation; op: BinaryOp; lhs: Expr; rhs: Expr }
  /** Pointer + integer (`rhs` scaled by the pointee size; negative with `sub`). */
  | { k: 'ptradd'; type: CType; loc: SourceLocation; ptr: Expr; index: Expr; sub: boolean }
  /** Pointer - pointer: element count (ptrdiff_t). */
  | { k: 'ptrdiff'; type: CType; loc: SourceLocation; lhs: Expr; rhs: Expr }
  | { k: 'neg' | 'bitnot' | 'not'; type: CType; loc: SourceLocation; operand: Expr }
  /** `&lvalue` (also array/function decay). */
  | { k: 'addr'; type: CType; loc: SourceLocation; operand: Expr }
  /** `*pointer`: an lvalue of the pointee type. */
  | { k: 'deref'; type: CType; loc: SourceLocation; operand: Expr }
  /** `base.member` where `base` has record type; `offset` is the member unit's offset (anonymous members folded in). */
  | { k: 'member'; type: CType; loc: SourceLocation; base: Expr; member: Member; offset: number }
  /** `lhs = rhs` (rhs converted to lhs's type) or compound `lhs op= rhs` computed in `opType`. */
  | { k: 'assign'; type: CType; loc: SourceLocation; op: BinaryOp | '='; target: Expr; value: Expr; opType: CType | null; ptrArith: boolean }
  /** `++x`, `x--`, ...: `delta` is +1/-1 (scaled for pointers). */
  | { k: 'incdec'; type: CType; loc: SourceLocation; target: Expr; delta: number; prefix: boolean }
  | { k: 'cond'; type: CType; loc: SourceLocation; cond: Expr; then: Expr; else: Expr }
  | { k: 'comma'; type: CType; loc: SourceLocation; lhs: Expr; rhs: Expr }
  /** A call; `callee` is a pointer to a function (a `addr` of a function symbol for direct calls). */
  | { k: 'call'; type: CType; loc: SourceLocation; callee: Expr; args: Expr[]; fnType: CType }
  | { k: 'cast'; type: CType; loc: SourceLocation; operand: Expr; implicit: boolean }
  /** A compound literal or other anonymous object with an initializer (an lvalue). */
  | { k: 'compound'; type: CType; loc: SourceLocation; sym: Symbol }
  /** A GNU statement expression: its value is the last expression statement's (`result`), or void. */
  | { k: 'stmtexpr'; type: CType; loc: SourceLocation; body: Stmt[]; result: Expr | null }
  /** A builtin with special code generation (`__builtin_va_arg`, `__builtin_clz`, ...). */
  | { k: 'builtin'; type: CType; loc: SourceLocation; name: string; args: Expr[]; argType: CType | null }
  /** GNU `&&label`: the address of a label of function `fn` (a `void *` only `goto *` may use). */
  | { k: 'labeladdr'; type: CType; loc: SourceLocation; fn: Symbol; name: string }
  /** `sizeof` of a VLA type, computed at run time. */
  | { k: 'vlasize'; type: CType; loc: SourceLocation; of: CType };

/** An initializer after designators and brace elision are resolved. */
export type Initializer =
  /** A scalar (or a whole struct from an expression of that type). */
  | { k: 'expr'; expr: Expr }
  /** An array, struct or union: `items[i]` initialises element/member `i` (undefined: zero). For unions one item is set. */
  | { k: 'list'; type: CType; items: (Initializer | undefined)[] }
  /** A char array from a string literal (bytes beyond the array are dropped; missing ones are zero). */
  | { k: 'string'; bytes: Uint8Array; elemSize: number };

/** A `case` label of a switch: the range `lo..hi` (equal for plain cases). */
export interface CaseLabel {
  lo: bigint;
  hi: bigint;
}

/** Statements. */
export type Stmt =
  | { k: 'expr'; loc: SourceLocation; expr: Expr }
  | { k: 'decl'; loc: SourceLocation; sym: Symbol }
  | { k: 'block'; loc: SourceLocation; items: Stmt[] }
  | { k: 'if'; loc: SourceLocation; cond: Expr; then: Stmt; else: Stmt | null }
  | { k: 'while'; loc: SourceLocation; cond: Expr; body: Stmt }
  | { k: 'do'; loc: SourceLocation; cond: Expr; body: Stmt }
  | { k: 'for'; loc: SourceLocation; init: Stmt | null; cond: Expr | null; step: Expr | null; body: Stmt }
  | { k: 'switch'; loc: SourceLocation; cond: Expr; body: Stmt; cases: CaseLabel[]; hasDefault: boolean }
  /** A statement with a `case` label (`label`) or the `default` label (`label` null). */
  | { k: 'case'; loc: SourceLocation; body: Stmt; label: CaseLabel | null }
  | { k: 'label'; loc: SourceLocation; name: string; body: Stmt }
  | { k: 'goto'; loc: SourceLocation; name: string }
  /** GNU computed goto `goto *target;` (`target` a `void *` from `&&label`). */
  | { k: 'gotoind'; loc: SourceLocation; target: Expr }
  | { k: 'break'; loc: SourceLocation }
  | { k: 'continue'; loc: SourceLocation }
  | { k: 'return'; loc: SourceLocation; value: Expr | null }
  | { k: 'empty'; loc: SourceLocation };

/** A parsed translation unit. */
export interface TranslationUnit {
  /** Every file-scope object and function symbol in order of first declaration. */
  readonly symbols: Symbol[];
  /** Objects with static storage made for block-scope statics, string literals and compound literals. */
  readonly statics: Symbol[];
}
