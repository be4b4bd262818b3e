/**
 * `describe(value)`: a short, safe description of any JS value for error messages.
 * Never throws (a Symbol interpolated into a template string would), so checked
 * argument errors can always name what they got: `got Symbol(x)`, `got "12"`, `got 1n`.
 */
export function describe(value: unknown): string {
  switch (typeof value) {
    case 'undefined': return 'undefined';
    case 'string': return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    case 'number': return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint': return `${value}n`;
    case 'boolean': return String(value);
    case 'symbol': return value.toString();
    case 'function': return 'a function';
    default: {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `an array of length ${value.length}`;
      const proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
      const name = proto?.constructor?.name;
      return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
    }
  }
}
