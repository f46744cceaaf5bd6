// ghenv's GraphiQL page. Every request goes to this page's own origin,
// POST /graphql, where ghenv's proxy adds the token and forwards it to
// GitHub: the page never holds the token. There is no header editor to
// paste one into, and nothing here reads or stores one.
(function () {
  'use strict';

  // What the proxy answers when it refuses a request ({"message": ...})
  // is not a GraphQL result: shown as one, so GraphiQL displays it.
  async function fetcher(params) {
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
    '# Ctrl-Enter.',
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
