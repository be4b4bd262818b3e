/**
 * The FFI's `Library`: the root package's (dlopen, symbol, func) plus `bind(header)`, which
 * reads a C header with the C front end (bind.ts). A subclass, so that importing the root
 * package does not load the C front end.
 */
import { Library as RuntimeLibrary, type LibraryOptions } from '../../runtime/calling.js';
import { bindHeader, type HeaderModule } from './bind.js';
import type { ReadHeaderOptions } from './header.js';

/** A loaded shared library, with typed bindings from C headers (`bind`). */
export class Library extends RuntimeLibrary {
  /** Opens a shared library as the root package's `Library.open` does (see there for `deepBind`). */
  static override open(path: string | null, options: LibraryOptions = {}): Library {
    return super.open(path, options) as Library;
  }

  /** Typed functions for every prototype of `header` this library defines, with its records, enums and constants (`bindHeader`). */
  bind(header: string, options: ReadHeaderOptions = {}): HeaderModule {
    return bindHeader(this, header, options);
  }
}
