import type { ActionFunctionArgs } from '@remix-run/node';
import { shareAction } from '#app/lib/share-action.server.js';

// The Share dialog of a file posts here.
export function action({ request, params }: ActionFunctionArgs) {
  return shareAction(request, (api, options) => api.files.share(params.id ?? '', options));
}

export function loader() {
  return new Response('Not found', { status: 404 });
}
