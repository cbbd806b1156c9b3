/**
 * What one transition changed in a case's state, so that a transition carries its changes and not
 * the whole case. A family case's state grows to 6–10 KB (steps with their check records, the
 * points score, reservations, school placements) while a transition changes a step or two: sent
 * whole with every transition, the state was most of what a case's history weighs (README
 * "What our histories weigh").
 *
 * A state is compared in parts: each top-level field, and each department's step on its own
 * (`steps.<department>`), by their JSON. Pure: the workflow computes deltas, the activity applies
 * them to the projection it holds.
 */
import type { CaseState, StepState } from './case-state';
import type { Department } from './vocabulary';

/** A state's parts, each as JSON, keyed by field name or `steps.<department>`; in the state's field order. */
export type CaseParts = ReadonlyMap<string, string>;

export interface CaseDelta {
  /** Top-level fields (steps apart) whose value changed or that are new, with their new values. */
  set: Partial<Omit<CaseState, 'steps'>>;
  /** Department steps that changed. */
  steps: Partial<Record<Department, StepState>>;
  /** Parts the state no longer has (a top-level field, or `steps.<department>`). */
  unset: string[];
}

/**
 * The failure type of a delta that cannot be applied: the projection does not hold the transition
 * the delta was computed from (the read model was restored from an older backup, or lost). The
 * workflow then sends the whole state instead.
 */
export const READ_MODEL_BEHIND = 'ReadModelBehind';

const STEP = 'steps.';

export function caseParts(state: CaseState): CaseParts {
  const parts = new Map<string, string>();
  for (const [key, value] of Object.entries(state)) {
    if (value === undefined) continue;
    if (key === 'steps') {
      for (const [department, step] of Object.entries(value as CaseState['steps']))
        parts.set(STEP + department, JSON.stringify(step));
    } else parts.set(key, JSON.stringify(value));
  }
  return parts;
}

/** The state the parts describe (a deep copy: nothing shared with the state they were taken from). */
export function stateOfParts(parts: CaseParts): CaseState {
  const state: Record<string, unknown> = {};
  const steps: Record<string, unknown> = {};
  for (const [key, json] of parts) {
    if (key.startsWith(STEP)) {
      state.steps ??= steps;
      steps[key.slice(STEP.length)] = JSON.parse(json);
    } else state[key] = JSON.parse(json);
  }
  state.steps ??= steps;
  return state as unknown as CaseState;
}

/** What changed from `before` to `after`. */
export function deltaBetween(before: CaseParts, after: CaseParts): CaseDelta {
  const delta: CaseDelta = { set: {}, steps: {}, unset: [] };
  for (const [key, json] of after) {
    if (before.get(key) === json) continue;
    if (key.startsWith(STEP)) (delta.steps as Record<string, unknown>)[key.slice(STEP.length)] = JSON.parse(json);
    else (delta.set as Record<string, unknown>)[key] = JSON.parse(json);
  }
  for (const key of before.keys()) if (!after.has(key)) delta.unset.push(key);
  return delta;
}

/** `base` with the delta applied (a new object; `base` is left as it was). */
export function applyDelta<T extends CaseState>(base: T, delta: CaseDelta): T {
  const next = { ...base, ...delta.set, steps: { ...base.steps, ...delta.steps } } as T;
  for (const key of delta.unset) {
    if (key.startsWith(STEP)) delete (next.steps as Record<string, unknown>)[key.slice(STEP.length)];
    else delete (next as Record<string, unknown>)[key];
  }
  return next;
}

/** The delta as one MongoDB update's `$set` / `$unset` (steps by their own path, so unchanged steps stay as stored). */
export function deltaUpdatePaths(delta: CaseDelta): { set: Record<string, unknown>; unset: Record<string, ''> } {
  const set: Record<string, unknown> = { ...delta.set };
  for (const [department, step] of Object.entries(delta.steps)) set[STEP + department] = step;
  return { set, unset: Object.fromEntries(delta.unset.map((key) => [key, ''] as const)) };
}
