/**
 * The slice of ava's API our portable tests use, for running them inside XS. esbuild aliases `ava` to this
 * file when bundling a test for XS; `globalThis.__latchRun()` then runs every registered test and records
 * the results as JSON in `globalThis.__latchResults`.
 */
type Impl = (t: Assertions) => void | Promise<void>;
interface Registered { title: string; impl: Impl; skip: boolean; only: boolean }
const registered: Registered[] = [];

class AssertionError extends Error {}

function fmt(v: unknown): string {
  if (v instanceof Uint8Array) return `Uint8Array[${Array.from(v).join(',')}]`.slice(0, 200);
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x))?.slice(0, 200) ?? String(v);
  } catch {
    return String(v);
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a)) {
    const x = a as unknown as ArrayLike<unknown>, y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    const m = b as Map<unknown, unknown>;
    if (a.size !== m.size) return false;
    for (const [k, v] of a) if (!m.has(k) || !deepEqual(v, m.get(k))) return false;
    return true;
  }
  if (a instanceof Set) {
    const s = b as Set<unknown>;
    if (a.size !== s.size) return false;
    for (const v of a) if (!s.has(v)) return false;
    return true;
  }
  const ka = Object.keys(a as object), kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!deepEqual((a as any)[k], (b as any)[k])) return false;
  return true;
}

interface ThrowsExpectation { message?: string | RegExp; instanceOf?: Function; code?: unknown; name?: string }

function checkThrown(err: unknown, exp: ThrowsExpectation | undefined, msg?: string): Error {
  if (!(err instanceof Error)) throw new AssertionError(msg ?? `expected an Error to be thrown, got ${fmt(err)}`);
  if (exp?.instanceOf && !(err instanceof exp.instanceOf)) throw new AssertionError(msg ?? `thrown ${err.name} is not an instance of ${exp.instanceOf.name}`);
  if (exp?.name !== undefined && err.name !== exp.name) throw new AssertionError(msg ?? `thrown error name ${err.name}, expected ${exp.name}`);
  if (exp?.code !== undefined && (err as any).code !== exp.code) throw new AssertionError(msg ?? `thrown error code ${(err as any).code}, expected ${fmt(exp.code)}`);
  if (typeof exp?.message === 'string' && err.message !== exp.message) throw new AssertionError(msg ?? `thrown message "${err.message}", expected "${exp.message}"`);
  if (exp?.message instanceof RegExp && !exp.message.test(err.message)) throw new AssertionError(msg ?? `thrown message "${err.message}" does not match ${exp.message}`);
  return err;
}

class Assertions {
  assertions = 0;
  logs: string[] = [];
  private ok(cond: boolean, message: string) {
    this.assertions++;
    if (!cond) throw new AssertionError(message);
  }
  pass() { this.assertions++; }
  fail(msg = 'Test failed via `t.fail()`') { this.ok(false, msg); }
  is(a: unknown, b: unknown, msg?: string) { this.ok(Object.is(a, b), msg ?? `expected ${fmt(b)}, got ${fmt(a)}`); }
  not(a: unknown, b: unknown, msg?: string) { this.ok(!Object.is(a, b), msg ?? `expected a value other than ${fmt(b)}`); }
  deepEqual(a: unknown, b: unknown, msg?: string) { this.ok(deepEqual(a, b), msg ?? `not deep-equal:\n  got      ${fmt(a)}\n  expected ${fmt(b)}`); }
  notDeepEqual(a: unknown, b: unknown, msg?: string) { this.ok(!deepEqual(a, b), msg ?? `expected values to differ: ${fmt(a)}`); }
  /** ava's t.like: every property in `selector` deep-equals the one in `actual` (recursing into plain objects). */
  like(actual: unknown, selector: Record<string, unknown>, msg?: string) {
    const matches = (a: any, sel: any): boolean =>
      Object.keys(sel).every((k) => {
        const v = sel[k];
        return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype
          ? a !== null && typeof a === 'object' && matches(a[k], v)
          : deepEqual(a?.[k], v);
      });
    this.ok(actual !== null && typeof actual === 'object' && matches(actual, selector), msg ?? `${fmt(actual)} is not like ${fmt(selector)}`);
  }
  true(v: unknown, msg?: string) { this.ok(v === true, msg ?? `expected true, got ${fmt(v)}`); }
  false(v: unknown, msg?: string) { this.ok(v === false, msg ?? `expected false, got ${fmt(v)}`); }
  truthy(v: unknown, msg?: string) { this.ok(!!v, msg ?? `expected a truthy value, got ${fmt(v)}`); }
  falsy(v: unknown, msg?: string) { this.ok(!v, msg ?? `expected a falsy value, got ${fmt(v)}`); }
  regex(s: string, re: RegExp, msg?: string) { this.ok(re.test(s), msg ?? `"${s}" does not match ${re}`); }
  notRegex(s: string, re: RegExp, msg?: string) { this.ok(!re.test(s), msg ?? `"${s}" matches ${re}`); }
  throws(fn: () => unknown, exp?: ThrowsExpectation, msg?: string): Error {
    this.assertions++;
    try {
      fn();
    } catch (err) {
      return checkThrown(err, exp, msg);
    }
    throw new AssertionError(msg ?? 'expected the function to throw');
  }
  async throwsAsync(fn: () => Promise<unknown>, exp?: ThrowsExpectation, msg?: string): Promise<Error> {
    this.assertions++;
    try {
      await fn();
    } catch (err) {
      return checkThrown(err, exp, msg);
    }
    throw new AssertionError(msg ?? 'expected the promise to reject');
  }
  notThrows(fn: () => unknown, msg?: string) {
    this.assertions++;
    try {
      fn();
    } catch (err) {
      throw new AssertionError(msg ?? `expected no throw, got ${(err as Error).message}`);
    }
  }
  log(...values: unknown[]) { this.logs.push(values.map((v) => (typeof v === 'string' ? v : fmt(v))).join(' ')); }
  timeout(_ms: number) {}
  plan(_n: number) {}
}

function register(impl: Impl, title: string, skip: boolean, only: boolean) {
  registered.push({ title, impl, skip, only });
}

type TestFn = ((title: string, impl: Impl) => void) & {
  serial: TestFn; skip: (title: string, impl?: Impl) => void; only: (title: string, impl: Impl) => void;
  before: (impl: Impl) => void; after: (impl: Impl) => void;
};

const hooksBefore: Impl[] = [];
const hooksAfter: Impl[] = [];
const test = ((title: string, impl: Impl) => register(impl, title, false, false)) as TestFn;
test.serial = test;
test.skip = (title: string, impl?: Impl) => register(impl ?? (() => {}), title, true, false);
test.only = (title: string, impl: Impl) => register(impl, title, false, true);
test.before = (impl: Impl) => void hooksBefore.push(impl);
test.after = (impl: Impl) => void hooksAfter.push(impl);

export default test;

(globalThis as any).__latchRun = async () => {
  const results: { title: string; status: 'passed' | 'failed' | 'skipped'; error?: string; logs: string[] }[] = [];
  const anyOnly = registered.some((r) => r.only);
  for (const h of hooksBefore) await h(new Assertions());
  for (const r of registered) {
    if (r.skip || (anyOnly && !r.only)) {
      results.push({ title: r.title, status: 'skipped', logs: [] });
      continue;
    }
    const t = new Assertions();
    try {
      await r.impl(t);
      if (t.assertions === 0) throw new AssertionError('test finished without running any assertions');
      results.push({ title: r.title, status: 'passed', logs: t.logs });
    } catch (err) {
      const e = err as Error;
      results.push({ title: r.title, status: 'failed', error: `${e && e.name}: ${e && e.message}\n${(e && e.stack) || ''}`, logs: t.logs });
    }
  }
  for (const h of hooksAfter) await h(new Assertions());
  (globalThis as any).__latchResults = JSON.stringify(results);
};
