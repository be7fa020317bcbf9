/**
 * A source's event table: event type → `{ schema, normalize, subject, kind }`. It drives parsing,
 * normalizing, the type list, and the subject and kind lookups, so a new event type is a row.
 * `eventTable` checks each row against its own key: the normalizer must take what the schema
 * outputs and return a draft of that type and subject, or the table does not compile.
 */

import type { z } from 'zod';
import type { Event } from '../../events.js';
import type { Identified, NormalizeMeta, ParseResult } from '../../ingest/types.js';
import type { Draft } from './normalize.js';

/** Subject kind → what its card shows (`state`) and what one event's reply says (`detail`). */
export type SubjectMap = object;
type StateIn<Sub, S> = S extends keyof Sub ? (Sub[S] extends { state: infer X } ? X : never) : never;
type DetailIn<Sub, S> = S extends keyof Sub ? (Sub[S] extends { detail: infer X } ? X : never) : never;

export interface EventRow<T extends string, P, S extends string, K extends string, Subjects extends SubjectMap> {
  schema: z.ZodType<P>;
  normalize: (type: T, payload: P, meta: NormalizeMeta) => Draft<T, Partial<StateIn<Subjects, S>>, DetailIn<Subjects, S>>;
  subject: S;
  kind: K;
}

interface LooseRow {
  schema: z.ZodType;
  // The per-row check below gives each normalizer its exact parameter types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a table of differently-typed rows
  normalize: (type: any, payload: any, meta: NormalizeMeta) => unknown;
  subject: string;
  kind: string;
}

/** Every row of `Tbl` checked against its key and the source's subjects. */
export type CheckedTable<Tbl, Subjects extends SubjectMap> = {
  [T in keyof Tbl & string]: Tbl[T] extends {
    schema: infer Z extends z.ZodType;
    subject: infer S extends keyof Subjects & string;
    kind: infer K extends string;
  }
    ? EventRow<T, z.output<Z>, S, K, Subjects>
    : { schema: z.ZodType; subject: keyof Subjects & string; kind: string; normalize: never };
};

/** Declares a source's event table; `Subjects` is the source's subject map. */
export function eventTable<Subjects extends SubjectMap>() {
  return <const Tbl extends Record<string, LooseRow>>(table: Tbl & CheckedTable<Tbl, Subjects>): Tbl => table;
}

export type AnyTable = Record<string, LooseRow>;

/** Validates `json` as `type` with that row's schema. */
export function parseWith(table: AnyTable, type: string, json: unknown): ParseResult<unknown> {
  const row = Object.hasOwn(table, type) ? table[type] : undefined;
  if (!row) return { ok: false, issues: [{ message: `${type} is not an event type of this source` }] };
  const result = row.schema.safeParse(json);
  if (result.success) return { ok: true, payload: result.data };
  return { ok: false, issues: result.error.issues.map((i) => ({ code: i.code, path: i.path.map(String), message: i.message })) };
}

/** `payload` must be what `parseWith(table, type, …)` returned. Adds the row's kind and subject. */
export function normalizeWith(table: AnyTable, type: string, payload: unknown, meta: NormalizeMeta): Event<string, string> {
  const row = Object.hasOwn(table, type) ? table[type] : undefined;
  if (!row) throw new Error(`no normalizer for ${type}`);
  const d = row.normalize(type, payload, meta) as Draft<string, Record<string, unknown>, unknown>;
  // One field order for every source: events are stored and snapshotted as JSON.
  return {
    id: d.id,
    type: d.type,
    source: d.source,
    kind: row.kind,
    subject: { kind: row.subject, id: d.subjectId },
    time: d.time,
    receivedAt: d.receivedAt,
    threadKey: d.threadKey,
    routing: d.routing,
    actor: d.actor,
    title: d.title,
    links: d.links,
    filters: d.filters,
    state: d.state,
    detail: d.detail,
  };
}

/** Unknown names are logged; a bound keeps a hostile name from bloating logs. */
export const MAX_NAME_LENGTH = 100;

/** Whether `name` is one of the table's types; an unknown name comes back cut to a safe length. */
export function identifyIn(table: AnyTable, name: string): Identified {
  return Object.hasOwn(table, name) ? { known: true, type: name } : { known: false, name: name.slice(0, MAX_NAME_LENGTH) };
}
