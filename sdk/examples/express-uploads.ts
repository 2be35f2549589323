// Express routes for a third-party app whose pages upload straight to Baketsu storage: the server
// holds the API key, applies its own policy, and presigns; the browser only ever sees signed URLs.
import express, { type Router } from 'express';
import { BaketsuError, type Baketsu } from '@baketsu/sdk';

export function uploadRoutes(baketsu: Baketsu, policy = { maxBytes: 100 * 1024 * 1024 }): Router {
  const router = express.Router();
  router.use(express.json());

  // 1. The page says what it wants to upload; the server decides and presigns.
  router.post('/uploads', async (req, res) => {
    const { name, size, content_type } = req.body as { name: string; size: number; content_type: string };
    if (!(size > 0 && size <= policy.maxBytes)) return void res.status(413).json({ error: 'too large' });
    res.json(await baketsu.uploads.presign({ name, size, content_type }));
  });

  // 2. Multipart: more (or fresh) part URLs.
  router.post('/uploads/:id/parts', async (req, res) => {
    res.json({ parts: await baketsu.uploads.parts(req.params.id, (req.body as { part_numbers: number[] }).part_numbers) });
  });

  // 3. The bytes are in storage: the file now exists (and is billed).
  router.post('/uploads/:id/complete', async (req, res) => {
    res.status(201).json(await baketsu.uploads.complete(req.params.id));
  });

  router.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!(error instanceof BaketsuError)) return next(error);
    res.status(error.status ?? 502).json({ error: error.code, detail: error.detail });
  });
  return router;
}
