// Creating the JetStream streams and consumers wasmq/nats uses, for the user,
// from names derived from the subject (names.ts). An existing one of another
// shape is an error that says what differs: it is never reconfigured.
import { jetstreamManager, JetStreamApiError, type ConsumerInfo, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { PoolNames, StreamNames } from './names.js';

const MS_NS = 1_000_000;

/** JetStream's code for "stream not found", and for "consumer not found". */
const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;

const isApiError = (e: unknown, code: number) => e instanceof JetStreamApiError && e.code === code;

/** The manager of `connection`'s JetStream, or a clear error when the server has none. */
export async function manager(connection: NatsConnection, what: string): Promise<JetStreamManager> {
  try {
    return await jetstreamManager(connection);
  } catch (cause) {
    throw new Error(`${what}: the NATS server has no JetStream (start it with -js): ${(cause as Error)?.message}`, { cause });
  }
}

/** A pool's work-queue stream: each task is kept until one machine acks it, and then removed. */
export function ensurePoolStream(jsm: JetStreamManager, names: PoolNames, what: string): Promise<StreamInfo> {
  return ensureWorkQueue(jsm, names.stream, names.tasks, what);
}

/**
 * A forwarded subject's stream: each message is kept until a durable
 * receiver acks it. It records the codec of the queue that created it (in
 * its description: nats-server 2.9 has no stream metadata), and every queue
 * that forwards to it or durably receives from it must have a compatible
 * one. Checked here, once, so a durable receiver reads no per-message header.
 */
export async function ensureStream(jsm: JetStreamManager, names: StreamNames, codec: string, what: string): Promise<StreamInfo> {
  const info = await ensureWorkQueue(jsm, names.stream, names.subject, what, `${CODEC_NOTE}${codec}`);
  const recorded = info.config.description?.startsWith(CODEC_NOTE) ? info.config.description.slice(CODEC_NOTE.length) : undefined;
  if (recorded === undefined) throw shapeError(what, names.stream, ['its description records no codec (wasmq/nats did not create it)']);
  if (!codecsMatch(recorded, codec)) {
    throw new TypeError(
      `${what}: the JetStream stream ${names.stream} of subject "${names.subject}" carries messages of queues with codec '${recorded}', ` +
        `and this queue's codec is '${codec}': the bytes travel as encoded. Use a queue with codec '${recorded}', or another subject`,
    );
  }
  return info;
}

/** What a stream's description says before the codec of its messages. */
const CODEC_NOTE = 'wasmq/nats messages, codec: ';

/** Whether bytes encoded by a queue of codec `from` can go into a queue of codec `to` ('custom' takes and gives anything). */
export const codecsMatch = (from: string, to: string): boolean => from === to || from === 'custom' || to === 'custom';

async function ensureWorkQueue(jsm: JetStreamManager, stream: string, subject: string, what: string, description?: string): Promise<StreamInfo> {
  const info = await streamInfo(jsm, stream);
  if (info === undefined) {
    try {
      return await jsm.streams.add({ name: stream, subjects: [subject], retention: 'workqueue', storage: 'file', ...(description ? { description } : {}) });
    } catch (cause) {
      // Another process created it first, maybe of another shape: check that one.
      const raced = await streamInfo(jsm, stream);
      if (raced === undefined) throw cause;
      return checkWorkQueue(raced, stream, subject, what);
    }
  }
  return checkWorkQueue(info, stream, subject, what);
}

function checkWorkQueue(info: StreamInfo, stream: string, subject: string, what: string): StreamInfo {
  const { subjects, retention } = info.config;
  const problems: string[] = [];
  if (retention !== 'workqueue') problems.push(`its retention is '${retention}', not 'workqueue'`);
  if (!subjects?.includes(subject)) problems.push(`its subjects (${(subjects ?? []).join(', ') || 'none'}) do not include ${subject}`);
  if (problems.length > 0) throw shapeError(what, stream, problems);
  return info;
}

const shapeError = (what: string, stream: string, problems: string[]) =>
  new Error(
    `${what}: the JetStream stream ${stream} exists with another shape: ${problems.join('; ')}. ` +
      'wasmq/nats does not reconfigure streams: delete it, or use another subject',
  );

/** The durable pull consumer all of a pool's machines share, with `ackWaitMs`; an existing one must have the same. */
export function ensurePoolConsumer(jsm: JetStreamManager, names: PoolNames, ackWaitMs: number, what: string): Promise<ConsumerInfo> {
  return ensureConsumer(jsm, names.stream, names.consumer, ackWaitMs, what, 'Every machine of a pool must use the same ackWaitMs; ');
}

/** A durable receiver's pull consumer of a forwarded subject's stream. */
export function ensureReceiveConsumer(jsm: JetStreamManager, names: StreamNames, durable: string, ackWaitMs: number, what: string): Promise<ConsumerInfo> {
  return ensureConsumer(jsm, names.stream, names.consumer(durable), ackWaitMs, what, '');
}

async function ensureConsumer(jsm: JetStreamManager, stream: string, name: string, ackWaitMs: number, what: string, hint: string): Promise<ConsumerInfo> {
  const config = { durable_name: name, ack_policy: 'explicit' as const, ack_wait: ackWaitMs * MS_NS, max_ack_pending: -1 };
  let info = await consumerInfo(jsm, stream, name);
  if (info === undefined) {
    try {
      info = await jsm.consumers.add(stream, config);
    } catch (cause) {
      info = await consumerInfo(jsm, stream, name);
      if (info === undefined) throw new Error(`${what}: JetStream refused the consumer ${name} of stream ${stream}: ${(cause as Error)?.message}`, { cause });
    }
  }
  const problems: string[] = [];
  if (info.config.ack_policy !== 'explicit') problems.push(`its ack policy is '${info.config.ack_policy}', not 'explicit'`);
  if (info.config.ack_wait !== config.ack_wait) problems.push(`its ack wait is ${(info.config.ack_wait ?? 0) / MS_NS} ms, not the ${ackWaitMs} ms asked for`);
  if (info.push_bound || info.config.deliver_subject) problems.push('it is a push consumer');
  if (problems.length > 0) {
    throw new Error(
      `${what}: the JetStream consumer ${name} of stream ${stream} exists with another shape: ${problems.join('; ')}. ` +
        `${hint}wasmq/nats does not reconfigure consumers`,
    );
  }
  return info;
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (e) {
    if (isApiError(e, STREAM_NOT_FOUND)) return undefined;
    throw e;
  }
}

async function consumerInfo(jsm: JetStreamManager, stream: string, name: string): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, name);
  } catch (e) {
    if (isApiError(e, CONSUMER_NOT_FOUND)) return undefined;
    throw e;
  }
}
