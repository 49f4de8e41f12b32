import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ext } from '../../../src/pki/certificate_builder.js';
import type { Extension } from '../../../src/pki/certificate_builder.js';
import { validatePath } from '../../../src/validation/index.js';
import type { PolicyInputs } from '../../../src/validation/index.js';
import { assertPathError } from '../fixtures.js';
import { NOW, issue, xt } from '../fixtures.js';

const P1 = '1.3.6.1.4.1.99999.1';
const P2 = '1.3.6.1.4.1.99999.2';
const ANY = '2.5.29.32.0';

const policies = (...oids: string[]): Extension => ext.certificatePolicies(oids.map((oid) => ({ oid })));

/** root → CA → leaf with the given extra extensions; returns the valid policies. */
async function run(
  c: { root?: Extension[]; ca?: Extension[]; leaf?: Extension[] },
  policy: PolicyInputs = {},
): Promise<string[]> {
  const root = await issue({ cn: 'Policy Root', key: 'root', ca: {}, extensions: c.root ?? [] });
  const ca = await issue({ cn: 'Policy CA', key: 'eid-ca', ca: {}, issuer: root, extensions: c.ca ?? [] });
  const leaf = await issue({ cn: 'leaf', key: 'citizen-a-sig', issuer: ca, extensions: c.leaf ?? [] });
  return validatePath({ target: leaf.der, intermediates: [ca.der], anchors: [root.der], time: NOW, policy })
    .policies;
}

async function fails(c: Parameters<typeof run>[0], policy: PolicyInputs = {}): Promise<void> {
  let error: unknown;
  try {
    await run(c, policy);
  } catch (e) {
    error = e;
  }
  assertPathError(() => {
    if (error) throw error;
  }, 'PATH_POLICY');
}

test('no policies and none required: valid, no policy reported', async () => {
  assert.deepEqual(await run({}), []);
  assert.deepEqual(await run({ ca: [policies(P1)] }), [], 'the leaf without policies makes the tree NULL');
});

test('the valid policies at the end of the path', async () => {
  assert.deepEqual(await run({ ca: [policies(P1, P2)], leaf: [policies(P1)] }), [P1]);
  assert.deepEqual(await run({ ca: [policies(ANY)], leaf: [policies(P2)] }), [P2]);
  assert.deepEqual(await run({ ca: [policies(P1)], leaf: [policies(ANY)] }), [P1]);
});

test('initial-explicit-policy and the user-initial-policy-set', async () => {
  await fails({}, { initialExplicitPolicy: true });
  assert.deepEqual(await run({ ca: [policies(P1)], leaf: [policies(P1)] }, { initialExplicitPolicy: true }), [
    P1,
  ]);
  await fails(
    { ca: [policies(P1)], leaf: [policies(P1)] },
    { initialExplicitPolicy: true, initialPolicySet: [P2] },
  );
  assert.deepEqual(
    await run(
      { ca: [policies(ANY)], leaf: [policies(ANY)] },
      { initialExplicitPolicy: true, initialPolicySet: [P2] },
    ),
    [P2],
  );
  await fails({ ca: [policies(P2)], leaf: [policies(P1)] }, { initialExplicitPolicy: true });
});

test('requireExplicitPolicy in a CA or in the trust anchor (RFC 5937)', async () => {
  await fails({ ca: [xt.policyConstraints({ requireExplicitPolicy: 0 }), policies(P1)] });
  await fails({ root: [xt.policyConstraints({ requireExplicitPolicy: 0 })] });
  assert.deepEqual(
    await run({
      root: [xt.policyConstraints({ requireExplicitPolicy: 0 })],
      ca: [policies(P1)],
      leaf: [policies(P1)],
    }),
    [P1],
  );
  // requireExplicitPolicy 1: the CA may go without policies, but then the tree is NULL at the leaf
  await fails({ root: [xt.policyConstraints({ requireExplicitPolicy: 1 })], leaf: [policies(P1)] });
});

test('inhibitAnyPolicy stops anyPolicy below the CA', async () => {
  assert.deepEqual(
    await run({ ca: [policies(ANY)], leaf: [policies(ANY)] }, { initialExplicitPolicy: true }),
    [ANY],
  );
  await fails(
    { ca: [policies(ANY), xt.inhibitAnyPolicy(0)], leaf: [policies(ANY)] },
    { initialExplicitPolicy: true },
  );
  await fails(
    { ca: [policies(ANY)], leaf: [policies(ANY)] },
    { initialExplicitPolicy: true, initialAnyPolicyInhibit: true },
  );
});

test('policy mappings translate the issuer domain policy, unless mapping is inhibited', async () => {
  const ca = [policies(P1), xt.policyMappings([[P1, P2]])];
  assert.deepEqual(
    await run({ ca, leaf: [policies(P2)] }, { initialExplicitPolicy: true, initialPolicySet: [P1] }),
    [P2],
  );
  await fails({ ca, leaf: [policies(P1)] }, { initialExplicitPolicy: true });
  await fails(
    { ca, leaf: [policies(P2)] },
    { initialExplicitPolicy: true, initialPolicyMappingInhibit: true },
  );
  await fails({ ca: [policies(P1), xt.policyMappings([[P1, ANY]])], leaf: [policies(P1)] });
});
