/**
 * The page's files (plain HTML, CSS and browser JavaScript modules, no build
 * step), read once at start-up from the `page/` folder beside this module:
 * src/web/page when run from source, dist/web/page in the package (the build
 * copies it). Only the files listed here are served, so no request path ever
 * reaches the file system. display-format.js is not the page's own: it is
 * core's, which the terminal uses too, served as it is at /display-format.js,
 * beside the page's modules (every URL the page uses is relative, so it works
 * under a reverse proxy's path prefix).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
}

/** URL path → file in page/. */
export const PAGE_FILES: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/style.css': 'style.css',
  '/icon.svg': 'icon.svg',
  '/main.js': 'main.js',
  '/fleet-store.js': 'fleet-store.js',
  '/format.js': 'format.js',
  '/view-state.js': 'view-state.js',
  '/grid-view.js': 'grid-view.js',
  '/header-view.js': 'header-view.js',
  '/detail-view.js': 'detail-view.js',
  '/chart.js': 'chart.js',
  '/dom.js': 'dom.js',
  '/cell-canvas.js': 'cell-canvas.js',
  '/retry.js': 'retry.js',
  // pvlook's number rules, the terminal's module itself (src/core, dist/core),
  // served beside the page's own modules: a URL that climbed to /core/ would
  // leave a reverse proxy's path prefix. page/display-format.js only re-exports
  // it for Node.
  '/display-format.js': '../../core/display-format.js',
};

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
};

export async function loadPageAssets(folder = new URL('./page/', import.meta.url)): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  for (const [route, file] of Object.entries(PAGE_FILES)) {
    const body = await readFile(new URL(file, folder));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
    assets.set(route, { body, contentType: TYPES[file.split('.').pop()!] ?? 'application/octet-stream', etag });
  }
  return assets;
}
