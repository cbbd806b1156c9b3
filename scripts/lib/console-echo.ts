/**
 * Which of a child's output lines `npm start` copies to the console: warnings and errors of the
 * app's JSON logs (pino level ≥ 40) and any line that is not JSON; the log files keep everything.
 * Once the launcher is stopping, nothing: a terminal's Ctrl-C reaches every child at once, so
 * Temporal is gone while the worker drains, and its reconnect warnings then are expected, not news.
 */
export function echoToConsole(line: string, stopping: boolean): boolean {
  if (stopping) return false;
  const m = /"level":(\d+)/.exec(line);
  return m ? Number(m[1]) >= 40 : true;
}
