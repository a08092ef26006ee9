// jest global setup: the project reads ./data (ignored by git); on the team's machines the data lives
// in ../shared/data, so link it when ./data is absent and say so. Nothing is copied.
const { existsSync, symlinkSync } = require('node:fs');
const { join, resolve } = require('node:path');

module.exports = async function linkData() {
  const root = resolve(__dirname, '..', '..');
  const data = join(root, 'data');
  const shared = resolve(root, '..', 'shared', 'data');
  if (!existsSync(data) && existsSync(shared)) {
    symlinkSync(join('..', 'shared', 'data'), data);
    process.stderr.write(`linked data -> ../shared/data\n`);
  }
  if (!existsSync(data)) {
    throw new Error('no ./data folder: link or copy the datasets there (see README, "Data") before running the tests');
  }
};
