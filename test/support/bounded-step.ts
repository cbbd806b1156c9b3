/**
 * Tearing a test stack down must end: a step that never settles (a server waiting on a client
 * that keeps its connection, a worker whose run() stays pending) would hang its whole file until
 * the runner's file timeout, which reports no test and names no culprit. Each step gets a bound;
 * one that overruns is named on stderr and the teardown goes on.
 */
export async function boundedStep(owner: string, step: string, work: () => Promise<unknown>, boundMs = 30_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const overran = new Promise<'overran'>((resolve) => {
    timer = setTimeout(() => resolve('overran'), boundMs);
    timer.unref();
  });
  const outcome = await Promise.race([
    work().then(
      () => 'done' as const,
      () => 'done' as const,
    ),
    overran,
  ]);
  clearTimeout(timer);
  if (outcome === 'overran') {
    process.stderr.write(`[${owner}] closing: "${step}" did not end within ${boundMs} ms; going on\n`);
  }
}
