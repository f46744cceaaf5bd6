// Drives `ghenv proxy --graphiql`'s page in headless Chromium (Debian's
// /usr/bin/chromium, or CHROMIUM) with playwright-core, as a student would:
// open the page, type a query into GraphiQL's editor, run it, read the
// answer. Prints one JSON document on stdout: what the page showed, every
// request it made (URL, method, headers, body), every answer body of
// /graphql, everything the page stored (localStorage, sessionStorage,
// cookies, IndexedDB's database names), and the console's errors (a
// Content-Security-Policy violation is one). tests/compat.rs asserts on it.
//
//   node graphiql-page.mjs http://127.0.0.1:PORT/ 'QUERY'
//   SCREENSHOT=page.png node graphiql-page.mjs …    also a screenshot
import { chromium } from 'playwright-core';

const [url, query] = process.argv.slice(2);
if (!url || !query) {
  console.error('usage: node graphiql-page.mjs URL QUERY');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // As root (CI) Chromium needs --no-sandbox; the rest keeps it off a
  // network this machine does not have.
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const out = { requests: [], answers: [], console: [], pageErrors: [] };
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') out.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => out.pageErrors.push(String(e)));
  page.on('request', (r) => {
    out.requests.push({ url: r.url(), method: r.method(), headers: r.headers(), body: r.postData() });
  });
  page.on('response', async (r) => {
    if (new URL(r.url()).pathname === '/graphql') {
      try {
        out.answers.push(await r.text());
      } catch (e) {
        out.answers.push(`(unreadable: ${e})`);
      }
    }
  });

  await page.goto(url, { waitUntil: 'load' });
  const editor = page.locator('.graphiql-query-editor .CodeMirror');
  await editor.waitFor({ timeout: 20000 });
  // Opened and not yet touched: GraphiQL has asked for the schema, and the
  // page holds the request until the student clicks or types, so no site
  // that opens the page can make it send anything with the token.
  await page.waitForFunction(() => document.documentElement.dataset.ghenvWaiting === '1', null, {
    timeout: 20000,
  });
  out.sentBeforeTouch = out.requests.filter((r) => new URL(r.url).pathname === '/graphql').length;
  // Replace the default query by typing, as a student does. insertText
  // types the text as one input, so CodeMirror's closing of brackets does
  // not double them.
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(query);
  out.typed = await page.evaluate(
    () => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue(),
  );
  // The tabs under the editor: Variables, and Headers unless disabled.
  out.editorTools = await page.locator('.graphiql-editor-tools button').allInnerTexts();

  const answered = page.waitForResponse(
    (r) => new URL(r.url()).pathname === '/graphql' && (r.request().postData() || '').includes('viewer'),
  );
  await page.locator('.graphiql-execute-button').click();
  await answered;
  const response = page.locator('.graphiql-response .CodeMirror');
  await page.waitForFunction(
    () => {
      const cm = document.querySelector('.graphiql-response .CodeMirror');
      return cm && /"(data|errors)"/.test(cm.CodeMirror.getValue());
    },
    null,
    { timeout: 20000 },
  );
  out.shown = await response.evaluate((el) => el.CodeMirror.getValue());
  // The schema GraphiQL asked for through the proxy is read: its
  // documentation explorer shows the root types.
  await page.locator('button[aria-label="Show Documentation Explorer"]').click();
  const docs = page.locator('.graphiql-doc-explorer');
  await docs.getByText('Query', { exact: true }).first().waitFor({ timeout: 20000 });
  out.docs = await docs.innerText();
  // SCREENSHOT=file.png: what the student sees, for a person to look at.
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT });

  out.storage = await page.evaluate(async () => {
    const dump = (s) => Object.fromEntries(Object.keys(s).map((k) => [k, s.getItem(k)]));
    const dbs = indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [];
    return {
      local: dump(localStorage),
      session: dump(sessionStorage),
      cookie: document.cookie,
      indexedDB: dbs,
    };
  });
  out.cookies = await context.cookies();
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
