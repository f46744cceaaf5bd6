// Runs the course's viewer query with Apollo Client, as the app does, against
// the GraphQL URL the app's .env gives the browser (Vite's loadEnv), and with
// no token: through `ghenv proxy`, the proxy adds it.
// Usage: node apollo-query.mjs APP_DIR   (prints the viewer's login)
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { loadEnv } from 'vite';

const env = loadEnv('development', process.argv[2], 'VITE_');
// A browser sends the page's Origin with every cross-origin POST, and the
// proxy refuses a request without one; node's fetch sends none, so this
// script sends what the dev server's page would.
const client = new ApolloClient({
  link: new HttpLink({
    uri: env.VITE_GITHUB_GRAPHQL_URL,
    fetch,
    headers: { origin: 'http://localhost:5173' },
  }),
  cache: new InMemoryCache(),
});
const { data } = await client.query({
  query: gql`query Viewer { viewer { login } }`,
});
process.stdout.write(data.viewer.login);
