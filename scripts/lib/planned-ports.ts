/**
 * The ports `npm start` (and `start:cluster`, which runs two of each process, the second on the
 * next port up) will have its own processes listen on, checked before anything starts: two
 * listeners on one port make the second die at start-up, which stops the whole stack.
 */
export interface PlannedPorts {
  /** API processes, from API_PORT up. */
  apiPort: number;
  /** METRICS_PORT: each API's internal metrics listener, from it up. */
  metricsPort?: number;
  /** WORKER_METRICS_ADDRESS's port: each worker's metrics, from it up. */
  workerMetricsPort?: number;
  copies: number;
}

/** Each port two listeners would share, as "port N: A and B"; empty when none clash. */
export function portClashes(p: PlannedPorts): string[] {
  const users = new Map<number, string[]>();
  const plan = (what: string, from: number | undefined) => {
    if (from === undefined) return;
    for (let i = 0; i < p.copies; i++) {
      const name = p.copies > 1 ? `${what} #${i + 1}` : what;
      users.set(from + i, [...(users.get(from + i) ?? []), name]);
    }
  };
  plan('API (API_PORT)', p.apiPort);
  plan('API metrics (METRICS_PORT)', p.metricsPort);
  plan('worker metrics (WORKER_METRICS_ADDRESS)', p.workerMetricsPort);
  return [...users].filter(([, who]) => who.length > 1).map(([port, who]) => `port ${port}: ${who.join(' and ')}`);
}
