import { readFileSync } from 'node:fs';

/**
 * The API reference page: plain HTML and one same-origin script (no CDN, no build step), read once at start-up.
 * It renders /api/openapi.json and lets a person try each operation from the browser.
 */
const read = (name: string) => readFileSync(new URL(`./docs/${name}`, import.meta.url), 'utf8');

export const DOCS_HTML = read('index.html');
export const DOCS_JS = read('app.js');
