/**
 * The pretend Slack workspace of the dry-run preview: what the dry-run Slack client was asked to
 * post, update, whisper (ephemerals) and open (modals), kept in memory as Slack would show it.
 * Every collection is capped, oldest first out, so a long-running dry-run cannot grow without end.
 */

import { PRETEND_PEOPLE } from './people.js';

export interface PreviewMessage {
  ts: string;
  text: string;
  blocks: unknown[];
  /** Times `chat.update` changed it. */
  edits: number;
}

export interface PreviewEphemeral {
  id: number;
  user: string;
  text: string;
  blocks: unknown[];
}

export interface PreviewThread {
  channel: string;
  ts: string;
  /** Null when a reply arrived for a parent this workspace no longer (or never) held. */
  parent: PreviewMessage | null;
  replies: PreviewMessage[];
  /** Replies evicted by the cap, so the page can say so. */
  droppedReplies: number;
  seq: number;
}

export interface PreviewChannel {
  id: string;
  threads: Map<string, PreviewThread>;
  ephemerals: PreviewEphemeral[];
  seq: number;
}

export interface PreviewModal {
  id: string;
  view: Record<string, unknown>;
}

export type WorkspaceChange =
  | { kind: 'thread'; channel: string; ts: string }
  | { kind: 'channel'; channel: string }
  | { kind: 'modal'; id: string }
  | { kind: 'cleared' };

export interface WorkspaceLimits {
  channels: number;
  threadsPerChannel: number;
  repliesPerThread: number;
  ephemeralsPerChannel: number;
  modals: number;
}

export const DEFAULT_LIMITS: WorkspaceLimits = {
  channels: 20,
  threadsPerChannel: 40,
  repliesPerThread: 60,
  ephemeralsPerChannel: 10,
  modals: 5,
};

export interface PretendWorkspace {
  /** The dry-run Slack client's observer (see `createSlackClients`). */
  observe(method: string, args: Record<string, unknown>, answer: Record<string, unknown>): Record<string, unknown> | void;
  channels(): PreviewChannel[];
  thread(channel: string, ts: string): PreviewThread | undefined;
  /** The message with this ts in the channel: a parent or a reply. */
  message(channel: string, ts: string): PreviewMessage | undefined;
  modal(id: string): PreviewModal | undefined;
  modals(): PreviewModal[];
  closeModal(id: string): void;
  clear(): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: (change: WorkspaceChange) => void): () => void;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const blocksOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Deletes the oldest entries of a Map (insertion order) until it holds at most `max`. */
function trim<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) map.delete(map.keys().next().value as K);
}

export function createPretendWorkspace(limits: WorkspaceLimits = DEFAULT_LIMITS): PretendWorkspace {
  const channels = new Map<string, PreviewChannel>();
  const modals = new Map<string, PreviewModal>();
  const listeners = new Set<(change: WorkspaceChange) => void>();
  let seq = 0;
  let ephemeralIds = 0;
  let modalIds = 0;

  const emit = (change: WorkspaceChange) => {
    for (const l of listeners) l(change);
  };

  /** The channel, moved to the most-recent end so the cap drops the quietest one. */
  function channel(id: string): PreviewChannel {
    let c = channels.get(id);
    if (c) channels.delete(id);
    else c = { id, threads: new Map(), ephemerals: [], seq: 0 };
    c.seq = ++seq;
    channels.set(id, c);
    trim(channels, limits.channels);
    return c;
  }

  function touch(c: PreviewChannel, t: PreviewThread): void {
    c.threads.delete(t.ts);
    t.seq = ++seq;
    c.threads.set(t.ts, t);
    trim(c.threads, limits.threadsPerChannel);
  }

  function post(args: Record<string, unknown>, ts: string): void {
    const id = str(args.channel);
    if (!id) return;
    const c = channel(id);
    const msg: PreviewMessage = { ts, text: str(args.text) ?? '', blocks: blocksOf(args.blocks), edits: 0 };
    const parentTs = str(args.thread_ts);
    if (!parentTs) {
      touch(c, { channel: id, ts, parent: msg, replies: [], droppedReplies: 0, seq: 0 });
      emit({ kind: 'thread', channel: id, ts });
      return;
    }
    const t = c.threads.get(parentTs) ?? { channel: id, ts: parentTs, parent: null, replies: [], droppedReplies: 0, seq: 0 };
    t.replies.push(msg);
    if (t.replies.length > limits.repliesPerThread) {
      t.droppedReplies += t.replies.length - limits.repliesPerThread;
      t.replies.splice(0, t.replies.length - limits.repliesPerThread);
    }
    touch(c, t);
    emit({ kind: 'thread', channel: id, ts: parentTs });
  }

  function update(args: Record<string, unknown>): void {
    const id = str(args.channel);
    const ts = str(args.ts);
    const c = id ? channels.get(id) : undefined;
    if (!c || !ts) return;
    for (const t of c.threads.values()) {
      const msg = t.parent?.ts === ts ? t.parent : t.replies.find((r) => r.ts === ts);
      if (!msg) continue;
      msg.text = str(args.text) ?? msg.text;
      if (Array.isArray(args.blocks)) msg.blocks = args.blocks;
      msg.edits += 1;
      touch(c, t);
      emit({ kind: 'thread', channel: c.id, ts: t.ts });
      return;
    }
  }

  function ephemeral(args: Record<string, unknown>): void {
    const id = str(args.channel);
    if (!id) return;
    const c = channel(id);
    c.ephemerals.push({ id: ++ephemeralIds, user: str(args.user) ?? '', text: str(args.text) ?? '', blocks: blocksOf(args.blocks) });
    if (c.ephemerals.length > limits.ephemeralsPerChannel) c.ephemerals.splice(0, c.ephemerals.length - limits.ephemeralsPerChannel);
    emit({ kind: 'channel', channel: id });
  }

  function openModal(args: Record<string, unknown>): Record<string, unknown> | void {
    const view = args.view;
    if (!view || typeof view !== 'object') return;
    const id = `V_PREVIEW_${++modalIds}`;
    modals.set(id, { id, view: view as Record<string, unknown> });
    trim(modals, limits.modals);
    emit({ kind: 'modal', id });
    return { view: { ...view, id } };
  }

  return {
    observe(method, args, answer) {
      switch (method) {
        case 'chat.postMessage':
          return post(args, String(answer.ts ?? ''));
        case 'chat.update':
          return update(args);
        case 'chat.postEphemeral':
          return ephemeral(args);
        case 'views.open':
          return openModal(args);
        case 'users.info': {
          const person = PRETEND_PEOPLE.find((p) => p.id === args.user);
          if (!person) return;
          return {
            user: {
              id: person.id,
              name: person.handle,
              real_name: person.name,
              profile: { email: person.email, real_name: person.name, display_name: person.handle },
            },
          };
        }
        default:
          return;
      }
    },
    channels: () => [...channels.values()].reverse(),
    thread: (c, ts) => channels.get(c)?.threads.get(ts),
    message(c, ts) {
      for (const t of channels.get(c)?.threads.values() ?? []) {
        if (t.parent?.ts === ts) return t.parent;
        const r = t.replies.find((m) => m.ts === ts);
        if (r) return r;
      }
      return undefined;
    },
    modal: (id) => modals.get(id),
    modals: () => [...modals.values()],
    closeModal(id) {
      if (modals.delete(id)) emit({ kind: 'modal', id });
    },
    clear() {
      channels.clear();
      modals.clear();
      emit({ kind: 'cleared' });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
