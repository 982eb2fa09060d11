import { childName, triggerSubject } from './security';

describe("Knative's names for OIDC identities", () => {
  // The vectors of knative.dev/pkg kmeta/names_test.go TestChildName.
  it.each([
    ['asdf', '-deployment', 'asdf-deployment'],
    ['f'.repeat(63), '-deployment', 'ffffffffffffffffffff105d7597f637e83cc711605ac3ea4957-deployment'],
    ['f'.repeat(63), '-deploy', 'ffffffffffffffffffffffff105d7597f637e83cc711605ac3ea4957-deploy'],
    ['f'.repeat(63), 'f'.repeat(63), 'fffffffffffffffffffffffffffffff0502661254f13c89973cb3a83e0cbec0'],
    ['a', 'f'.repeat(63), 'ab5cfd486935decbc0d305799f4ce4414ffffffffffffffffffffffffffffff'],
    ['b'.repeat(32), 'f'.repeat(32), 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb329c7c81b9ab3ba71aa139066aa5625d'],
    ['aaaa', 'b---a'.repeat(20), 'aaaa7a3f7966594e3f0849720eced8212c18b---ab---ab---ab---ab---ab'],
    ['a'.repeat(17), 'a.-.-.-.-.-.-.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaaaa1eb10dc911444f8434af83b7225442da'],
  ])('ChildName(%s, %s) is %s, as kmeta names it', (parent, suffix, name) => {
    expect(childName(parent, suffix)).toBe(name);
  });

  it("name a Trigger's service account as Eventing does (pkg/auth/serviceaccount_test.go, for a Trigger)", () => {
    expect(triggerSubject('name', 'ns')).toBe('system:serviceaccount:ns:name-oidc-eventing.knative.dev-trigger');
    expect(triggerSubject('my-Trigger', 'ns')).toBe('system:serviceaccount:ns:my-trigger-oidc-eventing.knative.dev-trigger');
    // Its long Broker name, hashed before lower-casing.
    expect(childName('my-loooooooooooooooooooooooooooooooooooooog-Broker', '-oidc-eventing.knative.dev-Broker').toLowerCase()).toBe('my-looooooooooooooooooooooooooo2dfc2a3825b8d82077b0f25518b36884');
  });
});
