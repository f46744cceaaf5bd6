// ghenv's GraphiQL page. Every request goes to this page's own origin,
// POST /graphql, where ghenv's proxy adds the token and forwards it to
// GitHub: the page never holds the token. There is no header editor to
// paste one into, and nothing here reads or stores one.
(function () {
  'use strict';

  // Nothing is sent until the student has clicked or typed in this page:
  // another site can open it (a link, a prefetch, history.back()), but not
  // act in it (it cannot be framed), so no site can make it send a request
  // with the token. A page restored from the back-forward cache waits for
  // a new click or key.
  let activated;
  let active;
  function waitForUser() {
    active = new Promise(function (resolve) {
      activated = resolve;
    });
  }
  waitForUser();
  for (const type of ['pointerdown', 'keydown']) {
    window.addEventListener(type, function (event) {
      if (event.isTrusted) {
        delete document.documentElement.dataset.ghenvWaiting;
        activated();
      }
    }, { capture: true });
  }
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) waitForUser();
  });

  // What the proxy answers when it refuses a request ({"message": ...})
  // is not a GraphQL result: shown as one, so GraphiQL displays it.
  async function fetcher(params) {
    // Said on the page's root element, for the browser test: GraphiQL has
    // asked (for the schema, at first), and waits for the student.
    document.documentElement.dataset.ghenvWaiting = '1';
    await active;
    delete document.documentElement.dataset.ghenvWaiting;
    let response;
    try {
      response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(params),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (e) {
      return {
        errors: [{
          message: 'ghenv proxy does not answer at this address: start it again ' +
            '(`npx ghenv proxy --graphiql`, on the same port), then run the query again',
        }],
      };
    }
    const text = await response.text();
    let result;
    try {
      result = JSON.parse(text);
    } catch (e) {
      result = null;
    }
    if (result && typeof result === 'object' && ('data' in result || 'errors' in result)) {
      return result;
    }
    const message = result && typeof result.message === 'string' ? result.message : text.slice(0, 2000);
    const what = response.status === 401
      ? ' (GitHub rejected the token: `npx ghenv check` says why)'
      : '';
    return { errors: [{ message: 'HTTP ' + response.status + ': ' + message + what }] };
  }

  const defaultQuery = [
    '# GraphiQL, served by ghenv proxy: queries go',
    '# to GitHub through the proxy, which adds your',
    '# token. This page never sees the token: there',
    '# is nothing to paste into a header.',
    '#',
    '# Run this query with the run button or',
    '# Ctrl-Enter. Completion and the docs load',
    '# once you click or type here.',
    '{',
    '  viewer {',
    '    login',
    '    name',
    '    url',
    '  }',
    '}',
    '',
  ].join('\n');

  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      isHeadersEditorEnabled: false,
      shouldPersistHeaders: false,
    }),
  );
})();
