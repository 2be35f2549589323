// Folders in a real Chromium: create folders, drill down with breadcrumbs, upload into a folder,
// drag a file onto a folder to move it, move a selection back up, see folder sizes, delete a folder.
import { describe, expect, it } from 'vitest';
import { apiGet, apiSignIn } from './api-client.js';
import { screenshot, waitForHeading } from './browser.js';
import { useStackAndBrowser } from './stack.js';

const password = 'folders are metadata';
const run = useStackAndBrowser();

interface Listing {
  items: Array<{ kind: string; name: string; path: string; stored_bytes?: number }>;
}

describe('folders in the dashboard', () => {
  it('creates folders, uploads into one, moves a file by dragging and by selection, and deletes a folder', async () => {
    const email = `folders-${Date.now()}@example.com`;
    const token = await apiSignIn(run.stack.api.url, email, password, true);
    const page = await (await run.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${run.stack.web.url}/login?redirectTo=/folders`);
    await page.fill('#field-email', email);
    await page.fill('#field-password', password);
    await page.keyboard.press('Enter');
    await waitForHeading(page, 'Folders');
    const row = (kind: 'file' | 'folder', name: string) => page.locator(`tr[data-testid=${kind}-row][data-name="${name}"]`);

    // A folder at the root, then one inside it, reached by drilling down.
    await page.fill('#new-folder', 'reports');
    await page.click('button:text-is("Create folder")');
    await row('folder', 'reports').waitFor();
    await page.click('a[aria-label="Open folder reports"]');
    await waitForHeading(page, 'reports');
    expect(await page.locator('nav[aria-label=Breadcrumbs]').innerText()).toMatch(/All files\s*›\s*reports/);
    await page.fill('#new-folder', '2026');
    await page.click('button:text-is("Create folder")');
    await row('folder', '2026').waitFor();

    // Upload here: the file lands in reports/.
    await page.click('a:text-is("Upload here")');
    await waitForHeading(page, 'Upload');
    expect(await page.textContent('[data-testid=upload-folder]')).toContain('reports');
    await page.setInputFiles('#file-picker', [{ name: 'q4.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(3000, 4) }]);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=upload-item]')].every((item) => item.getAttribute('data-state') === 'done'));
    await page.click('a:text-is("Go to reports →")');
    await waitForHeading(page, 'reports');
    await row('file', 'q4.pdf').waitFor();

    // Drag the file onto the 2026 folder: it moves there, and the folder's size follows.
    await page.dragAndDrop('tr[data-testid=file-row][data-name="q4.pdf"]', 'tr[data-testid=folder-row][data-name="2026"]');
    await row('file', 'q4.pdf').waitFor({ state: 'detached' });
    await row('folder', '2026').locator('[data-testid=entry-size]').filter({ hasText: '1 file' }).waitFor();
    expect(await row('folder', '2026').locator('[data-testid=entry-size]').innerText()).toMatch(/2\.93 KiB · 1 file/);
    await screenshot(page, 'folders-after-drag');
    const root = await apiGet<Listing>(run.stack.api.url, token, '/v1/folders/root/children');
    expect(root.items).toEqual([expect.objectContaining({ kind: 'folder', name: 'reports', stored_bytes: 3000 })]);
    const search = await apiGet<Listing>(run.stack.api.url, token, '/v1/folders/root/children?q=q4');
    expect(search.items.map((item) => item.path)).toEqual(['reports/2026/q4.pdf']);

    // In 2026: select the file and move it to the top with the Move dialog.
    await page.click('a[aria-label="Open folder 2026"]');
    await waitForHeading(page, '2026');
    expect(await page.locator('nav[aria-label=Breadcrumbs]').innerText()).toMatch(/All files\s*›\s*reports\s*›\s*2026/);
    await page.check('input[aria-label="Select q4.pdf"]');
    await page.click('button:text-is("Move selected (1)")');
    await page.fill('#move-path', '');
    await page.click('dialog[open] button:text-is("Move")');
    await page.locator('h2:text-is("This folder is empty")').waitFor();
    const moved = await apiGet<Listing>(run.stack.api.url, token, '/v1/folders/root/children');
    expect(moved.items.map((item) => `${item.kind}:${item.path}`)).toEqual(['folder:reports', 'file:q4.pdf']);

    // Back at the top through the breadcrumbs; delete the folder tree with a multi-selection.
    await page.click('nav[aria-label=Breadcrumbs] a:text-is("All files")');
    await waitForHeading(page, 'Folders');
    await row('file', 'q4.pdf').waitFor();
    await page.check('input[aria-label="Select reports"]');
    await page.click('button:text-is("Delete selected (1)")');
    await page.click('dialog[open] button:text-is("Delete")');
    await row('folder', 'reports').waitFor({ state: 'detached' });
    expect((await apiGet<Listing>(run.stack.api.url, token, '/v1/folders/root/children')).items.map((item) => item.name)).toEqual(['q4.pdf']);
    await screenshot(page, 'folders-root');
  });
});
