/**
 * `jitkit/ffi`: calling C libraries the way a language VM needs to.
 *
 *   types        struct, union, array, bits, aligned, pointer, out, inout, deref, handle, fnptr,
 *                'str' / 'str16' (src/runtime/ffi-types.ts, signature.ts)
 *   calls        wrap, symbol (the root package's), Library (the root's plus bind), fn.async
 *   callbacks    callback(fn, signature) -> a C function pointer (src/runtime/callback.ts)
 *   values       encode, decode, view, sizeOf, alignOf; readCString, memoryAt, addressOf
 *   bindings     bindHeader / Library.bind(header): typed functions, records, enums and
 *                constants from a C header, through the C front end's preprocessor and parser;
 *                generateBindings (`jitkit bind`): the same as a TypeScript module
 *
 * See README "Calling C: the FFI" and docs/ffi.md.
 */
export { wrap, symbol } from '../../runtime/calling.js';
export { Library } from './library.js';
export type { WrapOptions, WrappedFunction, LibraryOptions } from '../../runtime/calling.js';
export { NativeSignature, fnptr } from '../../runtime/signature.js';
export type {
  NativeType, NativeSignatureSpec, NativeArg, NativeResult, PointerValue, ArgType, ResultType, AbiRecord, AbiScalar, AbiType,
} from '../../runtime/signature.js';
export {
  struct, union, array, bits, aligned, pointer, out, inout, deref, handle,
  FfiType, RecordType, ArrayType, PointerType, HandleType, Handle, FunctionPointerType,
} from '../../runtime/ffi-types.js';
export type {
  ScalarName, StringName, ValueType, FieldSpec, BitFieldSpec, AlignedSpec, Field, RecordOptions, Direction,
  JsIn, JsOut, RecordIn, RecordOut, UnionIn, CallbackLike,
} from '../../runtime/ffi-types.js';
export { callback, Callback } from '../../runtime/callback.js';
export type { CallbackOptions, CallbackThreads, CallbackArgs, CallbackResult } from '../../runtime/callback.js';
export { encode, decode, view, sizeOf, alignOf, readCString, readCString16, memoryAt, addressOf } from '../../runtime/ffi-api.js';
export { bindHeader } from './bind.js';
export type { HeaderModule } from './bind.js';
export { readHeader } from './header.js';
export type { HeaderBindings, ReadHeaderOptions, BindType, BindSignature, BindField, BindRecord, BindFunction, BindEnum, BindConstant } from './header.js';
export { generateBindings } from './bindgen.js';
export type { BindgenOptions } from './bindgen.js';
