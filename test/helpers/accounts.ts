// The account ids and regions of the tests, in one place. Every builder (test/fixtures/topology-builder.ts,
// test/helpers/fake-account.ts), the fake AWS and the tests take their defaults from here.

/** The account a built topology or snapshot belongs to. */
export const ACCOUNT = '111111111111';
/** A second account: a peer group's owner, a cross-account reference, a participant of a shared VPC. */
export const OTHER_ACCOUNT = '222222222222';
/** The region of built topologies and snapshots. */
export const REGION = 'eu-west-1';

/**
 * Moto's fixed account id (moto answers as this account whatever the credentials). The recorded Config
 * events under test/fixtures/config-events name it too, so they can be replayed against moto; the
 * handler tests that read those events use it as the function's own account.
 */
export const MOTO_ACCOUNT_ID = '123456789012';
/** The region of moto and of the recorded Config events. */
export const MOTO_REGION = 'us-east-1';
/** A member account the handler assumes a role in (cross-account evaluation). */
export const MEMBER_ACCOUNT = '210987654321';
