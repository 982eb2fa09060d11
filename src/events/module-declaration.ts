import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { z } from 'zod';
import type { Migration } from '../platform/database/database.module';
import type { EventContract } from './contract';

/** Knative autoscaling a module asks for when its defaults do not fit (the manifest generator applies it). */
export interface ScalingDefaults {
  readonly minScale?: number;
  readonly maxScale?: number;
  readonly target?: number;
}

/**
 * Everything the system knows about a module, declared once beside its Nest module (`<m>.module.ts`) and listed
 * once in src/modules/index.ts. The composition roots run it (the monolith with the others, a split bundle
 * alone) and everything else derives from it: the bus's event type names, the split bundles, the Knative
 * manifests, the compose services, the gateways of the test topologies and the docs with the README's module
 * table (docs/adr/0026).
 */
export interface ModuleDeclaration {
  /** The name MODULES uses, its folder under src/modules, its Knative Service and its compose service. */
  readonly name: string;
  /** What it owns, in a few words: the README's module table shows it beside what it publishes and consumes. */
  readonly owns: string;
  readonly module: Type<unknown>;
  readonly migrations: readonly Migration[];
  readonly configs: readonly { namespace: string; schema: z.ZodObject }[];
  /** The events it publishes (its `<m>.events.ts`): their names are the bus's catalog, their publisher this module. */
  readonly publishes: readonly EventContract[];
  /** The path prefixes of its HTTP API, which an ingress (a gateway, compose's proxy) routes to its process. */
  readonly routes: readonly string[];
  readonly scaling?: ScalingDefaults;
  /** Endpoints only the Knative Broker calls (a dead-letter intake): imported with EVENT_TRANSPORT=http, not routed at all otherwise. */
  readonly brokerEndpoints?: Type<unknown>;
  /** Serves the API's /docs: the front door's own, so only its bundle carries the page's assets. */
  readonly apiDocs?: (app: NestFastifyApplication) => void;
}

/** A module's declaration, checked where it is written: its contracts must name it as their source. */
export function defineModule<N extends string>(declaration: ModuleDeclaration & { name: N }): ModuleDeclaration & { readonly name: N } {
  const foreign = declaration.publishes.find((contract) => contract.source !== declaration.name);
  if (foreign) throw new Error(`module ${declaration.name} publishes ${foreign.name}, whose source is ${foreign.source}`);
  return Object.freeze(declaration);
}

/** The event type names a set of modules publishes: the catalog the bus knows, in declaration order. */
export function publishedTypes(modules: readonly Pick<ModuleDeclaration, 'publishes'>[]): string[] {
  return modules.flatMap((module) => module.publishes.map((contract) => contract.name));
}
