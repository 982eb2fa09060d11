import { Module } from '@nestjs/common';
import { z } from 'zod';
import { EventCatalog } from './catalog';
import { defineEvent } from './contract';
import { defineModule, publishedTypes } from './module-declaration';

@Module({})
class EmptyModule {}

const Shipped = defineEvent('shipment.scheduled', 'shipping', z.object({}));
const base = { owns: 'nothing', module: EmptyModule, migrations: [], configs: [], routes: [] };

describe('a module declaration', () => {
  it('refuses to publish an event whose source is another module', () => {
    expect(() => defineModule({ ...base, name: 'billing', publishes: [Shipped] })).toThrow('module billing publishes shipment.scheduled, whose source is shipping');
  });

  it('gives the bus the names its modules publish, and only those are the catalog', () => {
    const catalog = new EventCatalog(publishedTypes([defineModule({ ...base, name: 'shipping', publishes: [Shipped] })]));
    expect(catalog.nameOf('com.toolsku.shipment.scheduled', 'com.toolsku')).toBe('shipment.scheduled');
    expect(catalog.nameOf('com.toolsku.order.teleported', 'com.toolsku')).toBeUndefined();
    expect(catalog.nameOf('org.other.shipment.scheduled', 'com.toolsku')).toBeUndefined();
  });
});

describe('an event name', () => {
  it('is dot-separated lower-case words', () => {
    expect(() => defineEvent('ShipmentScheduled', 'shipping', z.object({}))).toThrow('is not <noun>.<verb> in lower case');
  });
});
