/**
 * When the SMS simulator posts its delivery receipts: at each receipt's due time, which the
 * gateway tells the sweeper as it takes a message or reschedules a refused receipt, and besides
 * every `idleMs` for receipts it was not told of (kept before a restart, or taken by another
 * simulator on the same database). It used to look four times a second whatever happened: an
 * idle `npm start` queried its store 14,400 times an hour, and in the benchmark those looks were
 * a quarter of the simulator's queries.
 */
export interface ReceiptSweeper {
  /** A receipt falls due at `at`: sweep then (or sooner, if one is due sooner). */
  wake(at: Date): void;
  stop(): void;
}

export function receiptSweeper(opts: {
  /** Posts the due receipts; true when there may be more due (its batch was full). */
  sweep: () => Promise<boolean>;
  idleMs: number;
  onError: (err: unknown) => void;
}): ReceiptSweeper {
  let timer: NodeJS.Timeout | undefined;
  let nextAt = Number.POSITIVE_INFINITY;
  let running = false;
  let stopped = false;
  // A receipt due while a sweep runs is looked for once more right after it.
  let again = false;

  const schedule = (at: number) => {
    if (stopped || at >= nextAt) return;
    clearTimeout(timer);
    nextAt = at;
    // A few ms late, so that a timer firing at the due millisecond finds the receipt due.
    timer = setTimeout(run, Math.max(0, at - Date.now() + 5));
    timer.unref();
  };

  const run = () => {
    timer = undefined;
    nextAt = Number.POSITIVE_INFINITY;
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    opts
      .sweep()
      .then((more) => {
        if (more) again = true;
      })
      .catch(opts.onError)
      .finally(() => {
        running = false;
        schedule(again ? Date.now() : Date.now() + opts.idleMs);
      });
  };

  schedule(Date.now());
  return {
    wake: (at) => schedule(at.getTime()),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
