/**
 * Which of a child's output lines `npm start` copies to the console: warnings and errors of the
 * app's JSON logs (pino level ≥ 40) and any line that is not JSON; the log files keep everything.
 * Once the launcher is stopping, errors only (pino level ≥ 50): a terminal's Ctrl-C reaches every
 * child at once, so Temporal is gone while the worker drains, and its reconnect warnings then are
 * expected, not news; a child failing to stop still says so.
 */
export function echoToConsole(line: string, stopping: boolean): boolean {
  const m = /"level":(\d+)/.exec(line);
  return m ? Number(m[1]) >= (stopping ? 50 : 40) : !stopping;
}
