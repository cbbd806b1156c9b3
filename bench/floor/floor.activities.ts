/** The floor workflow's activities: nothing, so only Temporal's own round trip is measured. */
export function createFloorActivities() {
  return {
    async noop(): Promise<void> {},
  };
}

export type FloorActivities = ReturnType<typeof createFloorActivities>;
