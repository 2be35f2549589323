// The browser's upload helper: presigns, signs parts, reports what storage holds, completes and
// aborts — each through the SDK with the signed-in person's session, so no API token ever reaches
// the page. Only the URLs it hands out (short-lived, bound to one object) do.
// Plain JSON (json()), not single-fetch encoding: page scripts call this route with fetch().
import { json as data, type ActionFunctionArgs } from '@remix-run/node';
import { BaketsuError } from '@baketsu/sdk';
import { z } from 'zod';
import { requireUser } from '#app/lib/auth.server.js';
import { problemDetail } from '#app/lib/problem-text.js';

const uploadId = z.string().uuid();
const requests = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('presign'), name: z.string().min(1).max(1024), size: z.number().int().positive(), content_type: z.string().min(3).max(255) }),
  z.object({ intent: z.literal('parts'), upload_id: uploadId, part_numbers: z.array(z.number().int().min(1).max(10_000)).min(1).max(1000) }),
  z.object({ intent: z.literal('status'), upload_id: uploadId }),
  z.object({ intent: z.literal('complete'), upload_id: uploadId }),
  z.object({ intent: z.literal('abort'), upload_id: uploadId }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const { api, headers } = await requireUser(request);
  const parsed = requests.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return data({ error: 'Invalid upload request' }, { status: 400, headers });
  const body = parsed.data;
  try {
    switch (body.intent) {
      case 'presign':
        // A person dropping a file whose name is taken gets "name (1).ext", as file managers do.
        return data(await api.uploads.presign({ name: body.name, size: body.size, content_type: body.content_type, on_conflict: 'rename' }), { headers });
      case 'parts':
        return data({ parts: await api.uploads.parts(body.upload_id, body.part_numbers) }, { headers });
      case 'status':
        return data(await api.uploads.get(body.upload_id), { headers });
      case 'complete':
        return data(await api.uploads.complete(body.upload_id), { headers });
      case 'abort':
        await api.uploads.abort(body.upload_id);
        return data({ aborted: true }, { headers });
    }
  } catch (error) {
    if (error instanceof BaketsuError && error.status !== undefined && error.status < 500) {
      const message = (error.problem ? problemDetail(error.problem) : undefined) ?? error.problem?.title ?? error.message;
      // A 429 the SDK could not wait out says when to come back; the page's retry waits that long.
      const retryAfter = error.headers?.get('retry-after');
      if (retryAfter) headers.set('retry-after', retryAfter);
      return data({ error: message, code: error.code }, { status: error.status, headers });
    }
    throw error;
  }
}

export const loader = () => data({ error: 'POST only' }, { status: 405 });
