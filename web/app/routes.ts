// v3_routeConfig: routes come from the file names under app/routes (Remix's flat routes).
import { flatRoutes } from '@remix-run/fs-routes';
import type { RouteConfig } from '@remix-run/route-config';

export default flatRoutes() satisfies RouteConfig;
