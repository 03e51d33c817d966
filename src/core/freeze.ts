// Artifacts are frozen: what lockstep returns or parses is deeply frozen, so a cache keyed by an
// artifact's identity can never go stale, and lockstep remembers which objects it made or checked, so a
// function given an artifact knows in O(1) whether it must parse it first. To change an artifact, build a
// new one (spread and seal it, or edit its JSON and parse it).

// Objects lockstep sealed, by kind (created on first use: no work at import).
let sealedKinds: WeakMap<object, string> | undefined;

/**
 * Freezes `value` and everything reachable from it, iteratively (no recursion, so 10,000-deep nesting
 * cannot overflow the stack). Typed arrays and array buffers cannot be frozen by the language and are left
 * as they are; artifacts, being JSON, hold none. Objects already sealed by lockstep are deeply frozen and
 * skipped. O(size). Returns `value`.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const seen = new Set<object>();
  const stack: object[] = [value];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (seen.has(item) || sealedKinds?.has(item) || ArrayBuffer.isView(item) || item instanceof ArrayBuffer)
      continue;
    seen.add(item);
    Object.freeze(item);
    for (const key of Object.keys(item)) {
      const child = (item as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
  return value;
}

/** Deep-freezes an artifact lockstep built or parsed, and remembers it as a checked artifact of `kind`. */
export function seal<T extends object>(kind: string, artifact: T): T {
  deepFreeze(artifact);
  if (sealedKinds === undefined) sealedKinds = new WeakMap();
  sealedKinds.set(artifact, kind);
  return artifact;
}

/** The kind an object was sealed as by lockstep, or undefined for anything lockstep did not build or parse. */
export function sealedKind(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || sealedKinds === undefined) return undefined;
  return sealedKinds.get(value);
}
