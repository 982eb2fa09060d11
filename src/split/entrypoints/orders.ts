import { ORDERS } from '../../modules/orders/orders.module';
import { serveApiDocs } from '../../platform/http/api-docs/serve-api-docs';
import { runModule } from '../entrypoint';

// The orders Service is the API's front door: it alone of the bundles serves /docs (its own routes).
runModule(ORDERS, process.env, { apiDocs: serveApiDocs });
