import { MODULE_NAMES } from '../../modules';
import { MODULE_SOURCES, namesAModule } from './module-sources';

describe('the sources reserved for our modules', () => {
  it('are exactly the modules the monolith runs', () => {
    expect([...MODULE_SOURCES].sort()).toEqual([...MODULE_NAMES].sort());
  });

  it.each(['orders', 'Inventory', '/payment', ' notification ', 'deadletter/'])('include %p', (source) => {
    expect(namesAModule(source)).toBe(true);
  });

  it.each(['storefront', 'https://storefront.example/orders', 'orders-legacy'])('leave %p to producers', (source) => {
    expect(namesAModule(source)).toBe(false);
  });
});
