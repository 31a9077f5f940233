// Every module-level memo of lib/core in one place: one bounded cache policy (a size cap per cache, the oldest
// entry evicted first) and one switch that turns all memoization off. Platform repos build hundreds of clusters and
// databases from a handful of images and operand images; the memos make that work proportional to the distinct
// inputs. Each memo keeps only frozen values (they are shared), so a build with memoization off gives outputs and
// findings equal to a build with it on: test/core/memo.test.ts builds the examples both ways.

/** Whether memoization is on: `CNPG_CONSTRUCTS_NO_MEMO=1` in the environment turns it off for the process. */
let enabled = process.env.CNPG_CONSTRUCTS_NO_MEMO !== '1';

/** Everything a memo keeps, forgotten together when memoization is switched (see {@link setMemoization}). */
const clearers: (() => void)[] = [];

/** Whether the memos of lib/core are used (see {@link setMemoization}). */
export function memoizationEnabled(): boolean {
  return enabled;
}

/**
 * Turns every memo of lib/core on or off, forgetting what they hold either way. For tests that compare a build with
 * and without memoization, and for debugging a suspected stale result; `CNPG_CONSTRUCTS_NO_MEMO=1` sets it off at
 * start-up.
 */
export function setMemoization(on: boolean): void {
  enabled = on;
  clearMemos();
}

/** Forgets what every memo holds (memoization stays as it is). */
export function clearMemos(): void {
  for (const clear of clearers) clear();
}

/**
 * Registers the forgetting of a memo that is not a {@link BoundedCache} (a list of recent clusters): it runs on
 * every {@link setMemoization} and {@link clearMemos}.
 */
export function registerMemo(clear: () => void): void {
  clearers.push(clear);
}

/**
 * A memo keyed by `K`: at most `limit` entries, the oldest evicted first when full. `get` misses and `set` keeps
 * nothing while memoization is off. Values must be frozen (or otherwise never changed): they are shared.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  /**
   * @param name what the memo holds, for debugging
   * @param limit the most entries kept
   */
  constructor(
    public readonly name: string,
    public readonly limit: number,
  ) {
    registerMemo(() => this.entries.clear());
  }

  /** The value kept for `key`, or undefined (always undefined while memoization is off). */
  public get(key: K): V | undefined {
    return enabled ? this.entries.get(key) : undefined;
  }

  /** Whether a value is kept for `key` (a kept `undefined` counts). */
  public has(key: K): boolean {
    return enabled && this.entries.has(key);
  }

  /** Keeps `value` for `key`, evicting the oldest entry when full; does nothing while memoization is off. */
  public set(key: K, value: V): void {
    if (!enabled) return;
    if (!this.entries.has(key) && this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }

  /** The value kept for `key`; else `make(key)`, kept (a result of `undefined` too) and returned. */
  public getOrSet(key: K, make: (key: K) => V): V {
    if (this.has(key)) return this.entries.get(key) as V;
    const value = make(key);
    this.set(key, value);
    return value;
  }

  /** How many entries are kept. */
  public get size(): number {
    return this.entries.size;
  }
}
