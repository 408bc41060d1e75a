import assert from 'node:assert/strict';
import { findSecrets, maskSecret, shannonEntropy } from '../../../src/core/checks/secrets';
import { FAKE } from './helpers';

describe('secret detection', () => {
  const cases: [string, string, string][] = [
    ['aws-access-key-id', `key = "${FAKE.awsKeyId}"`, FAKE.awsKeyId],
    [
      'aws-secret-access-key',
      `aws_secret_access_key = ${'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY'}`,
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ],
    ['github-token', `token: ${FAKE.githubToken}`, FAKE.githubToken],
    ['slack-token', `SLACK=${FAKE.slackToken}`, FAKE.slackToken],
    ['openai-api-key', `client = OpenAI(api_key="${FAKE.openAiKey}")`, FAKE.openAiKey],
    ['password', `password = "${FAKE.password}"`, FAKE.password],
    ['private-key', `${FAKE.privateKeyHeader}\nMIIE...`, FAKE.privateKeyHeader],
    ['generic-api-key', `API_KEY='${FAKE.apiKey}'`, FAKE.apiKey],
  ];
  for (const [kind, text, secret] of cases) {
    it(`finds a ${kind} at its offset and masks it`, () => {
      const found = findSecrets(`x = 1\n${text}\n`);
      assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.kind)));
      assert.equal(found[0].kind, kind);
      assert.equal(found[0].offset, `x = 1\n${text}\n`.indexOf(secret));
      assert.equal(found[0].length, secret.length);
      assert.ok(!found[0].masked.includes(secret.slice(4, 8)), 'the mask shows at most a prefix');
      assert.ok(found[0].masked.endsWith('…'));
    });
  }

  it('ignores placeholders, environment lookups and low-entropy values', () => {
    assert.deepEqual(
      findSecrets('password = "changeme"\npassword = "<your password>"\npassword = os.environ["DB_PASSWORD"]'),
      [],
    );
    assert.deepEqual(findSecrets('api_key = "xxxxxxxxxxxxxxxxxxxxxxxx"\ntoken = "aaaaaaaaaaaaaaaaaaaaaaaa1"'), []);
    assert.deepEqual(findSecrets('task-force-1234567890abcdefghij is not a key; neither is desk-lamp'), []);
  });

  it('masks with the first four characters of long prefixed tokens only', () => {
    assert.equal(maskSecret(FAKE.githubToken, true), 'ghp_…');
    assert.equal(maskSecret('short', true), '…');
    assert.equal(maskSecret(FAKE.password, false), '…');
  });

  it('measures entropy in bits per character', () => {
    assert.equal(shannonEntropy('aaaa'), 0);
    assert.equal(shannonEntropy('abcd'), 2);
    assert.ok(shannonEntropy(FAKE.apiKey) > 3.5);
  });
});
