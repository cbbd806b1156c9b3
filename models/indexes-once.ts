/**
 * A model's collection and unique indexes, made before the first write that relies on them, and
 * retried until they are made. Not mongoose's `Model.init()`: it keeps its first promise even when
 * that failed, so a database that was away at the first call would fail every later call, for
 * good (seen: after a FerretDB outage every `reserve` activity failed at once, 16 attempts on).
 */
export function indexesOnce(...models: Array<{ createIndexes(): Promise<unknown> }>): () => Promise<void> {
  let made: Promise<void> | undefined;
  return () =>
    (made ??= Promise.all(models.map((m) => m.createIndexes())).then(
      () => undefined,
      (err: unknown) => {
        made = undefined; // the next call tries again
        throw err;
      },
    ));
}
