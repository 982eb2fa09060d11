import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import '../../../src/events/transport/kafka/kafkajs-idle-timer';

export interface KafkaBroker {
  /** `host:port` bootstrap servers for kafkajs' `brokers`. */
  brokers: string[];
  /** The mock cluster's process id, for benchmarks that meter its CPU; undefined for KAFKA_BROKERS. */
  pid?: number;
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
 * librdkafka's mock cluster in a child process, compiled on first use, behind a proxy in that process that
 * corrects its ControllerId and, as Kafka does but the mock does not, answers a fetch with every batch up to its
 * limits and a waiting fetch as soon as its MinBytes of records have arrived (see mock-cluster.c). No Docker, no Java. The mock serves
 * produce (also idempotent and transactional), fetch, consumer groups and offset commits, all in memory. It
 * auto-creates any topic a client names (4 partitions). A consumer group's first join takes 3 s; after a member
 * leaves, the next join takes the consumer's sessionTimeout minus 1 s (see kafka-broker.integration.spec.ts).
 */
export async function startKafkaBroker(opts: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const topics = opts.topics ?? [];
  for (const { name, partitions } of topics) {
    if (!name || !Number.isInteger(partitions) || partitions < 1) throw new Error(`topic '${name}': partitions must be a positive integer, not ${partitions}`);
  }
  const external = process.env.KAFKA_BROKERS?.split(',')
    .map((server) => server.trim())
    .filter(Boolean);
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

  let stopped: Promise<void> | undefined;
  return {
    brokers,
    pid: child.pid,
    stop: () =>
      (stopped ??= (async () => {
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
    if (code === 'ENOENT') throw new Error("gcc is missing: install the Debian package gcc with 'sudo apt-get install gcc' (or run scripts/test-prerequisites.sh)", { cause: error });
    throw new Error(`cannot compile ${SOURCE}: ${stderr?.trim() || (error as Error).message}`, { cause: error });
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
