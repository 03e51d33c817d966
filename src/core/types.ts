// Small type helpers shared by every module.

/**
 * A value or a promise of it: what a user-supplied function may return when lockstep awaits it (a model's
 * predict, a store's get), so synchronous and asynchronous implementations fit one interface. Any
 * thenable is accepted, as `await` accepts one.
 */
export type Promisable<T> = T | PromiseLike<T>;
