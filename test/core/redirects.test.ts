// The redirect rules shared by the registry client and the release-manifest download.
import { MAX_REDIRECTS, redirectStep } from '../../lib/core/redirects';

const from = new URL('https://registry.example/v2/a/blobs/sha256:1');
const never = () => false;

test('answers that are not redirects, and redirects without a Location, are final', () => {
  for (const status of [200, 204, 304, 401, 404, 500]) expect(redirectStep(from, status, '/x', 0, never)).toEqual({ kind: 'final' });
  expect(redirectStep(from, 302, undefined, 0, never)).toEqual({ kind: 'final' });
});

test('a relative Location resolves against the request; HTTPS is followed', () => {
  const step = redirectStep(from, 307, '/v2/b', 0, never);
  expect(step.kind === 'follow' && step.url.href).toBe('https://registry.example/v2/b');
});

test('plain HTTP only for the hosts allowed it', () => {
  expect(redirectStep(from, 302, 'http://store.example/o', 0, never).kind).toBe('refused');
  expect(redirectStep(from, 302, 'http://store.example/o', 0, (h) => h === 'store.example').kind).toBe('follow');
  expect(redirectStep(from, 302, 'ftp://store.example/o', 0, () => true).kind).toBe('refused');
});

test(`at most ${MAX_REDIRECTS} redirects are followed`, () => {
  expect(redirectStep(from, 302, '/next', MAX_REDIRECTS - 1, never).kind).toBe('follow');
  expect(redirectStep(from, 302, '/next', MAX_REDIRECTS, never)).toEqual({ kind: 'too-many' });
});
