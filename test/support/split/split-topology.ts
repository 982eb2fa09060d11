import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { MODULE_NAMES, MODULES, ModuleName } from '../../../src/modules';
import { Topology } from '../../scenarios/chain.scenarios';
import { createTestDatabase } from '../test-database';
import { TokenIssuer } from '../token-issuer';
import { BrokerDouble, deployedNamespace, generatedTriggers } from './broker-double';
import { BundleProcess, buildSplitBundles } from './bundles';
import { Gateway, moduleRoutes } from './gateway';

export interface SplitTopology extends Topology {
  broker: BrokerDouble;
  /** The cluster's OIDC issuer: it signs the Broker's tokens, and a test's forged ones. */
  issuer: TokenIssuer;
  processes: Record<ModuleName, BundleProcess>;
}

/** An environment variable of a Service as the committed deploy/knative/base/services.yaml sets it. */
export function deployedEnv(service: string, name: string): string | undefined {
  const services = parseAllDocuments(readFileSync(resolve(__dirname, '../../../deploy/knative/base/services.yaml'), 'utf8')).map((doc) => doc.toJS());
  const env: Array<{ name: string; value?: string }> = services.find((ksvc) => ksvc.metadata.name === service)?.spec.template.spec.containers[0].env ?? [];
  return env.find((entry) => entry.name === name)?.value;
}

/**
 * What a bundle needs to verify the Broker's tokens as on Knative: the issuer, its Service name (the audience),
 * and the subjects its generated Service admits.
 */
function brokerAuth(module: ModuleName, issuer: TokenIssuer): Record<string, string> {
  const subjects = deployedEnv(module, 'EVENTS_BROKER_SUBJECTS');
  return { EVENTS_BROKER_AUTH: 'oidc', EVENTS_OIDC_ISSUER: issuer.url, K_SERVICE: module, ...(subjects ? { EVENTS_BROKER_SUBJECTS: subjects } : {}) };
}

/**
 * The split deployment on one machine: every module's built bundle, each its own process on one database, all
 * publishing to a Broker double that routes by the committed Triggers, and a gateway giving the scenarios one
 * URL (each module's declared routes to its process, `POST /` into the Broker).
 * Sender authentication is on, as the manifests ship it: the Broker presents each Trigger's OIDC token, signed by
 * a local issuer, and the bundles verify it (issuer, audience, subject).
 */
export async function startSplitTopology(env: Record<string, string> = {}): Promise<SplitTopology> {
  const build = buildSplitBundles();
  const db = await createTestDatabase();
  const issuer = await new TokenIssuer().start();
  const broker = new BrokerDouble(generatedTriggers(), { issuer, namespace: deployedNamespace() });
  const sink = await broker.start();
  const processes = Object.fromEntries(
    MODULE_NAMES.map((module) => [module, new BundleProcess(module, build.dir, { DATABASE_URL: db.url, K_SINK: sink, ...brokerAuth(module, issuer), ...env })]),
  ) as SplitTopology['processes'];
  const gateway = new Gateway([...moduleRoutes(Object.values(MODULES), (module) => processes[module as ModuleName].url), { prefix: '/', method: 'POST', target: () => broker.url }]);
  const stop = async () => {
    await Promise.all(Object.values(processes).map((process) => process.stop()));
    await broker.stop();
    await issuer.stop();
    await gateway.stop();
    await db.drop();
    build.remove();
  };
  try {
    // All at once, as Knative starts them on a first deploy: the migration lock keeps their migrations apart.
    await Promise.all(Object.values(processes).map((process) => process.start()));
  } catch (error) {
    await stop();
    throw error;
  }
  for (const process of Object.values(processes)) broker.serve(process.module, process.url);
  return { url: await gateway.start(), db, broker, issuer, processes, stop };
}
