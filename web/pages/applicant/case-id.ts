/** Case ids are UUIDs: anything else is answered as a missing page before any lookup. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isCaseId = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);
