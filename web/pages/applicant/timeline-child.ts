/**
 * Which child a school-place line of the timeline is about. The workflow records the child by its
 * index in the application ("child 2 waits for a kindergarten place"): the record stays the same
 * in every export and language, and the applicant's page names the child from the case's placements.
 */
const SCHOOL_PLACE_LINES = new Set(['school_place_waiting', 'school_place_confirmed']);

export function timelineChild(
  line: { type: string; what: string },
  placements: ReadonlyArray<{ personIndex: number; name: string }>,
): string | undefined {
  if (!SCHOOL_PLACE_LINES.has(line.type)) return undefined;
  const index = /^child (\d+) /.exec(line.what)?.[1];
  return (index !== undefined && placements.find((p) => p.personIndex === Number(index))?.name) || undefined;
}
