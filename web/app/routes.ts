// v3_routeConfig: routes come from the file names under app/routes (Remix's flat routes). A route's
// unit test sits beside it and is no route.
import { flatRoutes } from '@remix-run/fs-routes';
import type { RouteConfig } from '@remix-run/route-config';

export default flatRoutes({ ignoredRouteFiles: ['**/*.test.ts'] }) satisfies RouteConfig;
