import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import '../../../src/events/transport/kafka/kafkajs-idle-timer';

export interface KafkaBroker {
  /** `host:port` bootstrap servers for kafkajs' `brokers`. */
  brokers: string[];
  /** Stops the mock cluster; a no-op for KAFKA_BROKERS. Safe to call twice. */
  stop(): Promise<void>;
}

export interface KafkaBrokerOptions {
  /** Created before the promise resolves. Create them here: the mock does not implement admin.createTopics. */
  topics?: { name: string; partitions: number }[];
}

const MOCK_HEADER = '/usr/include/librdkafka/rdkafka_mock.h';
const SOURCE = join(__dirname, 'mock-cluster.c');
const CACHE_DIR = resolve(__dirname, '../../../node_modules/.cache/kafka-mock');
const BINARY = join(CACHE_DIR, 'mock-cluster');
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * A Kafka-protocol broker for tests: the servers in KAFKA_BROKERS (a real cluster, e.g. in CI) when set, else
 * librdkafka's mock cluster in a child process, compiled on first use. No Docker, no Java. The mock serves
 * produce (also idempotent and transactional), fetch, consumer groups and offset commits, all in memory. It
 * auto-creates any topic a client names (4 partitions). A consumer group's first join takes 3 s; after a member
 * leaves, the next join takes the consumer's sessionTimeout minus 1 s (see kafka-broker.integration.spec.ts).
 */
export async function startKafkaBroker(opts: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const topics = opts.topics ?? [];
  for (const { name, partitions } of topics) {
    if (!name || !Number.isInteger(partitions) || partitions < 1) throw new Error(`topic '${name}': partitions must be a positive integer, not ${partitions}`);
  }
  const external = process.env.KAFKA_BROKERS?.split(',').map((server) => server.trim()).filter(Boolean);
  if (external?.length) {
    if (topics.length) await createTopics(external, topics);
    return { brokers: external, stop: async () => {} };
  }

  const binary = await compileMockCluster();
  const args = ['1', ...topics.flatMap(({ name, partitions }) => ['--topic', `${name}:${partitions}`])];
  // stdin stays an open pipe that is never written: when this process dies the broker reads EOF and exits.
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));

  const brokers = await bootstrapServers(child, () => stderr).catch(async (error: Error) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });
  // A broker left running must not keep Jest (or a script) alive; stdin EOF still ends it when this process exits.
  for (const handle of [child, child.stdin, child.stdout, child.stderr]) (handle as ChildProcess | Socket).unref();
  const proxy = await startControllerProxy(brokers);

  let stopped: Promise<void> | undefined;
  return {
    brokers: proxy.brokers,
    stop: () =>
      (stopped ??= (async () => {
        proxy.close();
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(killer);
      })()),
  };
}

/** Resolves with the servers from the child's `BOOTSTRAP host:port,...` line. */
function bootstrapServers(child: ChildProcess, stderr: () => string): Promise<string[]> {
  return new Promise((resolveServers, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      const output = stderr().trim();
      reject(new Error(`mock Kafka cluster ${reason}${output ? `: ${output}` : ' (no stderr output)'}`));
    };
    const timer = setTimeout(() => fail(`printed no BOOTSTRAP line within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    child.once('error', (error) => fail(`could not start (${error.message})`));
    child.once('exit', (code, signal) => fail(`exited before it was ready (${signal ?? `exit code ${code}`})`));
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = /^BOOTSTRAP (\S+)\r?\n/m.exec(stdout);
      if (!line) return;
      clearTimeout(timer);
      resolveServers(line[1].split(','));
    });
  });
}

/**
 * Compiles mock-cluster.c into node_modules/.cache unless the binary is newer than the source. Jest workers
 * may compile at the same moment: each writes its own temporary file and renames it into place, which is
 * atomic, so no worker ever runs a half-written binary.
 */
async function compileMockCluster(): Promise<string> {
  if (!existsSync(MOCK_HEADER)) {
    throw new Error(`librdkafka's mock cluster (${MOCK_HEADER}) is missing: install the Debian package librdkafka-dev with 'sudo apt-get install librdkafka-dev' (or run scripts/test-prerequisites.sh)`);
  }
  const [source, binary] = await Promise.all([stat(SOURCE), stat(BINARY).catch(() => undefined)]);
  if (binary && binary.mtimeMs >= source.mtimeMs) return BINARY;

  await mkdir(CACHE_DIR, { recursive: true });
  const temporary = `${BINARY}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await promisify(execFile)('gcc', ['-O2', '-o', temporary, SOURCE, '-lrdkafka']);
    await rename(temporary, BINARY);
  } catch (error) {
    await rm(temporary, { force: true });
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT') throw new Error("gcc is missing: install the Debian package gcc with 'sudo apt-get install gcc' (or run scripts/test-prerequisites.sh)");
    throw new Error(`cannot compile ${SOURCE}: ${stderr?.trim() || (error as Error).message}`);
  }
  return BINARY;
}

/** A real broker implements CreateTopics; topics that already exist are left as they are. */
async function createTopics(brokers: string[], topics: { name: string; partitions: number }[]): Promise<void> {
  const admin = new Kafka({ clientId: 'test-kafka-broker', brokers, logLevel: logLevel.WARN }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map(({ name, partitions }) => ({ topic: name, numPartitions: partitions })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

const METADATA_API_KEY = 3;
/** Metadata v9 and later use compact (flexible) encodings; kafkajs 2 asks for v6 at most. */
const FIRST_FLEXIBLE_METADATA_VERSION = 9;

/**
 * librdkafka 2.0.2's mock answers Metadata with ControllerId 0, but numbers its brokers from 1. kafkajs sends an
 * idempotent producer's InitProducerId to the controller, so without this proxy `producer.connect()` fails with
 * "Broker 0 not found in the cached metadata". One TCP proxy per mock broker passes every byte through, except in
 * Metadata responses: the brokers' ports become the proxies' ports (so every later connection comes here too) and
 * a ControllerId naming no broker becomes the first broker's id.
 */
async function startControllerProxy(mockServers: string[]): Promise<{ brokers: string[]; close(): void }> {
  const sockets = new Set<Socket>();
  const proxyPortOf = new Map<number, number>();
  const servers: Server[] = [];
  for (const server of mockServers) {
    const [host, port] = [server.slice(0, server.lastIndexOf(':')), Number(server.slice(server.lastIndexOf(':') + 1))];
    const proxy = createServer((client) => {
      const upstream = connect(port, host);
      for (const socket of [client, upstream]) {
        sockets.add(socket.unref());
        socket.on('error', () => undefined).on('close', () => (sockets.delete(socket), client.destroy(), upstream.destroy()));
      }
      const metadataVersions = new Map<number, number>(); // correlation id -> Metadata request version
      client.on('data', frames((request) => {
        if (request.readInt16BE(4) === METADATA_API_KEY) metadataVersions.set(request.readInt32BE(8), request.readInt16BE(6));
        upstream.write(request);
      }));
      upstream.on('data', frames((response) => {
        const correlationId = response.readInt32BE(4);
        const version = metadataVersions.get(correlationId);
        if (version !== undefined) {
          metadataVersions.delete(correlationId);
          rewriteMetadata(response, version, proxyPortOf);
        }
        client.write(response);
      }));
    });
    await new Promise<void>((listening) => proxy.listen(0, '127.0.0.1', listening));
    proxyPortOf.set(port, (proxy.address() as { port: number }).port);
    servers.push(proxy.unref());
  }
  return {
    brokers: servers.map((proxy) => `127.0.0.1:${(proxy.address() as { port: number }).port}`),
    close: () => {
      for (const proxy of servers) proxy.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** Calls `onFrame` with each complete size-prefixed Kafka frame in a TCP stream. */
function frames(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = 4 + pending.readInt32BE(0);
      onFrame(pending.subarray(0, size));
      pending = pending.subarray(size);
    }
  };
}

/** Rewrites, in place, the broker ports and (v1 and later) the ControllerId of a Metadata response. */
function rewriteMetadata(response: Buffer, version: number, proxyPortOf: Map<number, number>): void {
  if (version >= FIRST_FLEXIBLE_METADATA_VERSION) return;
  let offset = 8 + (version >= 3 ? 4 : 0); // size, correlation id, throttle time
  const nodeIds: number[] = [];
  const brokerCount = response.readInt32BE(offset);
  offset += 4;
  for (let i = 0; i < brokerCount; i++) {
    nodeIds.push(response.readInt32BE(offset));
    offset += 6 + response.readInt16BE(offset + 4); // node id, host
    const proxyPort = proxyPortOf.get(response.readInt32BE(offset));
    if (proxyPort !== undefined) response.writeInt32BE(proxyPort, offset);
    offset += 4;
    if (version >= 1) offset += 2 + Math.max(0, response.readInt16BE(offset)); // rack, -1 when null
  }
  if (version < 1) return;
  if (version >= 2) offset += 2 + Math.max(0, response.readInt16BE(offset)); // cluster id
  if (nodeIds.length && !nodeIds.includes(response.readInt32BE(offset))) response.writeInt32BE(nodeIds[0], offset);
}
