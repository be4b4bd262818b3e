/**
 * Live bindings from a C header: `bindHeader(library, header)` reads the header (header.ts)
 * and returns wrapped functions for every prototype the library defines, the record types,
 * handle types, enums and `#define` constants. `jitkit bind` (bindgen.ts) writes the same as
 * a TypeScript module with precise types.
 */
import { Library as RuntimeLibrary, wrap, type WrappedFunction } from '../../runtime/calling.js';
import { handle, type HandleType, type RecordType } from '../../runtime/ffi-types.js';
import { fnptr, type ArgType, type NativeSignatureSpec } from '../../runtime/signature.js';
import { liveRecord, readHeader, type BindSignature, type BindType, type HeaderBindings, type ReadHeaderOptions } from './header.js';

/** What `bindHeader` returns (names are C's). */
export interface HeaderModule {
  /** Wrapped functions, by C name. */
  readonly functions: Readonly<Record<string, WrappedFunction>>;
  /** Struct and union types, by typedef name (else tag). */
  readonly types: Readonly<Record<string, RecordType>>;
  /** Handle types of the incomplete structs the functions take pointers to, by name. */
  readonly handles: Readonly<Record<string, HandleType>>;
  /** Enumeration constants (of every enum of the header) and `#define` constants, by name. */
  readonly constants: Readonly<Record<string, number | bigint | string>>;
  /** Named enums: their constants, by enum name. */
  readonly enums: Readonly<Record<string, Readonly<Record<string, number | bigint>>>>;
  /** Declarations not bound, and why (no FFI type, variadic, not in the library). */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
  /** The description the bindings were made from. */
  readonly description: HeaderBindings;
}

/** Turns described types into FFI types (one handle type per name). */
export class LiveTypes {
  readonly records = new Map<string, RecordType>();
  readonly handles = new Map<string, HandleType>();

  constructor(description: HeaderBindings) {
    for (const r of description.records) this.records.set(r.name, liveRecord(r, (n) => this.record(n)));
  }

  record(name: string): RecordType {
    const r = this.records.get(name);
    if (r === undefined) throw new Error(`internal error: no record ${name}`);
    return r;
  }

  type(t: BindType): ArgType {
    switch (t.k) {
      case 'scalar': return t.name;
      case 'str': return 'str';
      case 'ptr': return 'ptr';
      case 'record': return this.record(t.name);
      case 'handle': {
        let h = this.handles.get(t.name);
        if (h === undefined) this.handles.set(t.name, (h = handle(t.name)));
        return h;
      }
      case 'fnptr': return fnptr(this.signature(t.sig));
      case 'array': throw new Error('internal error: an array outside a record');
    }
  }

  signature(s: BindSignature): NativeSignatureSpec {
    return { args: s.args.map((a) => this.type(a)), result: this.type(s.result) };
  }
}

/** Numbers for integers within 2^53, bigints beyond. */
function jsInteger(v: bigint): number | bigint {
  return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
}

/** Binds every prototype of `header` that `library` defines (see the module comment). */
export function bindHeader(library: RuntimeLibrary, header: string, options: ReadHeaderOptions = {}): HeaderModule {
  if (!(library instanceof RuntimeLibrary)) throw new TypeError('bindHeader: library must be a Library (Library.open(path))');
  const description = readHeader(header, options);
  const live = new LiveTypes(description);
  const functions: Record<string, WrappedFunction> = {};
  const skipped = [...description.skipped];
  for (const f of description.functions) {
    let address: bigint;
    try {
      address = library.symbol(f.symbol);
    } catch {
      skipped.push({ name: f.name, reason: `${library.path ?? 'the process'} does not define ${f.symbol}` });
      continue;
    }
    functions[f.name] = wrap(address, live.signature(f.sig), { name: f.name, argNames: f.params });
  }
  const constants: Record<string, number | bigint | string> = {};
  const enums: Record<string, Record<string, number | bigint>> = {};
  for (const e of description.enums) {
    const values: Record<string, number | bigint> = {};
    for (const c of e.constants) constants[c.name] = values[c.name] = jsInteger(c.value);
    if (e.name !== '') enums[e.name] = values;
  }
  for (const c of description.constants) constants[c.name] = c.value;
  return {
    functions,
    types: Object.fromEntries(live.records),
    handles: Object.fromEntries(live.handles),
    constants,
    enums,
    skipped,
    description,
  };
}
