/**
 * Node's WebAssembly global, typed for bench/ (TypeScript's lib here has no
 * WebAssembly declarations): bench:call's wasm column and the compile-speed
 * reference both use it.
 */
export const WA = (globalThis as unknown as {
  WebAssembly: { Module: new (bytes: Uint8Array) => unknown; Instance: new (m: unknown) => { exports: Record<string, unknown> } };
}).WebAssembly;
