import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NODE_FLAGS } from '../../infra/local/node-flags';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('the service processes node flags', () => {
  it.each([
    ['package.json (npm start)', () => JSON.parse(read('package.json')).scripts.start as string],
    ['infra/local/dev.sh', () => read('infra/local/dev.sh').match(/^exec node .*$/m)![0]],
    ['Dockerfile', () => read('Dockerfile').match(/^CMD .*$/m)![0]],
  ])('When the service is started by %s, then it gets the same flags', (_where, command) => {
    for (const flag of SERVICE_NODE_FLAGS) expect(command()).toContain(flag);
  });
});
