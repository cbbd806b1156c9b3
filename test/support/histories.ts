/**
 * Recorded workflow histories as JSON files, in the proto3 JSON form Temporal's own tools write
 * (`temporal workflow show --output json`, the SDK's `historyToJSON`).
 *
 * Why not the SDK's `historyToJSON` / `historyFromJSON` (@temporalio/common/lib/proto-utils)?
 * In this install @temporalio/common, @temporalio/proto and @temporalio/worker each carry a
 * private copy of protobufjs 8 (npm cannot hoist it past grpc's protobufjs 7), and protojson's
 * `instanceof Type` check fails across copies: both functions throw "type must be a Type".
 * Loading protojson from the copy that @temporalio/proto itself uses keeps one instance, in
 * this layout and in a deduplicated one alike.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

export type History = proto.temporal.api.history.v1.IHistory;

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

const requireFromProto = createRequire(require.resolve('@temporalio/proto'));
const protojson = requireFromProto('protobufjs/ext/protojson') as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

/** The history as proto3 JSON, one event per line: compact, yet greppable and diffable by event. */
export function historyToJson(history: History): string {
  const message = proto.temporal.api.history.v1.History.fromObject(history);
  const json = protojson.toJson(historyType, message) as { events?: unknown[] };
  const events = (json.events ?? []).map((e) => JSON.stringify(e));
  return `{"events":[\n${events.join(',\n')}\n]}\n`;
}

/** Parses proto3 JSON back into a History that `Worker.runReplayHistory` accepts as is. */
export function historyFromJson(json: unknown): History {
  const events = (json as { events?: unknown } | null)?.events;
  if (!Array.isArray(events) || events.length === 0) throw new TypeError('not a workflow history: no events');
  // Unknown fields (a history from a newer server) are ignored, as the SDK does.
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
}

export interface HistoryFile {
  /** File name without `.json`: the scenario, used as the workflow id when replaying. */
  name: string;
  history: History;
}

/** Every `*.json` history in `dir`, sorted by name. */
export function readHistoryFiles(dir: string): HistoryFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      name: basename(f, '.json'),
      history: historyFromJson(JSON.parse(readFileSync(join(dir, f), 'utf8'))),
    }));
}
