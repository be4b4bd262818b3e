// Child of ffi-callbacks.test.ts: C calls a callback after callback.free(); the process must
// abort with jitkit's message (not jump into freed memory). argv[2]: the test library.
import { Library, callback, fnptr } from '../../dist/src/frontends/ffi/index.js';

const sig = { args: ['i32'], result: 'i32' };
const lib = Library.open(process.argv[2]);
const callN = lib.func('ffi_call_n', { args: ['ptr', 'i32'], result: 'i64' });
const cb = callback((x) => x + 1, sig, { name: 'late' });
console.log(`before free: ${callN(cb.address, 3)}`);
const address = cb.address;
cb.free();
callN(address, 1);
console.log('not reached');
