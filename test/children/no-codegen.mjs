// Runs under --disallow-code-generation-from-strings: wrap() falls back to the
// generic marshaller by itself. Prints one JSON line.
import { CodeMemory, wrap, symbol } from '../../dist/src/index.js';
import { returnArg } from '../../dist/test/runtime/abi/jit.js';

let codegen = true;
try {
  new Function('return 1');
} catch {
  codegen = false;
}
const memory = new CodeMemory();
const f = wrap(returnArg(memory, ['i32', 'f64', 'u8'], 1), { args: ['i32', 'f64', 'u8'], result: 'f64' });
let error = null;
try {
  f(1, 2.5, 256);
} catch (e) {
  error = `${e.constructor.name}: ${e.message}`;
}
const strlen = wrap(symbol('strlen'), { args: ['ptr'], result: 'u64' });
console.log(JSON.stringify({ codegen, value: f(1, 2.5, 3), error, strlen: String(strlen(Buffer.from('hello\0'))) }));
