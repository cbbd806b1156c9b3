#!/usr/bin/env node
// First half of `npm start` / `npm test`: install whatever is missing, in plain Node so that
// it runs before node_modules exists. Never falls back to a fake: when something cannot be
// installed it stops and names the command that fixes it.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TEMPORAL_CLI_VERSION = 'v1.5.1'; // newest tag without a `replace` directive (go install works)
export const binDir =
  process.env.HUKOU_BIN_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'hukou-settlement', 'bin');

function log(msg) {
  process.stderr.write(`[setup] ${msg}\n`);
}

function fail(msg) {
  process.stderr.write(`\n[setup] FAILED: ${msg}\n\n`);
  process.exit(1);
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p) && statSync(p).isFile()) return p;
  }
  return undefined;
}

function requireGo(forWhat) {
  const go = onPath('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) {
    fail(
      `Go is needed to build ${forWhat} but is not installed.\n` +
        `  Install Go 1.22+ (https://go.dev/dl/), or point the app at services you already run:\n` +
        `  TEMPORAL_ADDRESS=host:7233 and MONGODB_URI=mongodb://host:27017/hukou`,
    );
  }
  return go;
}

function npmCi() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing npm dependencies (npm ci)…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail('`npm ci` failed; run it yourself to see why.');
}

function ensureTemporal() {
  const cached = join(binDir, 'temporal');
  if (existsSync(cached)) return cached;
  const found = onPath('temporal');
  if (found) return found;
  const go = requireGo('the Temporal CLI');
  const cmd = `GOBIN=${binDir} go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`;
  log(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} (first time only, 3–6 minutes on 2 cores)…`);
  const r = spawnSync(go, ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: binDir },
  });
  if (r.status !== 0 || !existsSync(cached)) fail(`building the Temporal CLI failed. Fix and retry:\n  ${cmd}`);
  return cached;
}

/** The FerretDB wrapper is rebuilt whenever its source changes (hash in the file name). */
function ensureFerretdb() {
  const src = join(root, 'tools', 'ferretdb');
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) hash.update(readFileSync(join(src, f)));
  const target = join(binDir, `ferretdb-embedded-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(target)) return target;
  const go = requireGo('the embedded FerretDB server');
  log('building the embedded FerretDB v1.24.2 server (first time only, about 2 minutes)…');
  const r = spawnSync(go, ['build', '-o', target, '.'], { cwd: src, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(target))
    fail(`building FerretDB failed. Fix and retry:\n  (cd tools/ferretdb && go build -o ${target} .)`);
  return target;
}

/**
 * Debian's Chromium and a CJK font for the browser tests (test/web; Playwright drives
 * /usr/bin/chromium, it never downloads a browser). Installed with apt when missing and we are
 * root; otherwise stop with the command that installs them — the browser tests are never skipped.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CJK_FONT_DIR = '/usr/share/fonts/truetype/wqy';
const BROWSER_PACKAGES = ['chromium', 'fonts-wqy-zenhei'];

function ensureBrowser() {
  if (existsSync(CHROMIUM) && (process.env.CHROMIUM_PATH || existsSync(CJK_FONT_DIR))) return CHROMIUM;
  const cmd = `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${BROWSER_PACKAGES.join(' ')}`;
  const apt = onPath('apt-get');
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!apt || !root) {
    fail(
      `the browser tests need Chromium and a CJK font (${CHROMIUM}, ${CJK_FONT_DIR}), and setup cannot install them ` +
        `(${!apt ? 'no apt-get on this machine' : 'not running as root'}).\n` +
        `  On Debian/Ubuntu:  ${cmd}\n` +
        `  Elsewhere: install Chromium and a CJK font, and set CHROMIUM_PATH to the chromium binary.`,
    );
  }
  log(`installing ${BROWSER_PACKAGES.join(' and ')} with apt-get for the browser tests (first time only)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  if (update.status !== 0) fail(`\`apt-get update\` failed. Fix and retry:\n  ${cmd}`);
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...BROWSER_PACKAGES], {
    stdio: 'inherit',
    env,
  });
  if (install.status !== 0 || !existsSync(CHROMIUM)) fail(`installing the browser failed. Fix and retry:\n  ${cmd}`);
  return CHROMIUM;
}

/**
 * Temporal's own server and SQL schema tool (`npm run start:cluster` / `npm run test:cluster`),
 * at the version in temporal/cluster/version.json, which docker-compose.yml's images also use.
 * Go names them `server` and `sql`: they are built into a directory of their own and moved into
 * the cache under the names the official images use, with the version in the name so that a new
 * version is built beside the old one instead of being mistaken for it.
 */
const TEMPORAL_SERVER_VERSION = JSON.parse(
  readFileSync(join(root, 'temporal', 'cluster', 'version.json'), 'utf8'),
).temporalServer;
const CLUSTER_BINARIES = [
  { key: 'temporalServer', name: 'temporal-server', pkg: 'go.temporal.io/server/cmd/server', built: 'server', minutes: '10–15' },
  { key: 'temporalSqlTool', name: 'temporal-sql-tool', pkg: 'go.temporal.io/server/cmd/tools/sql', built: 'sql', minutes: '4–6' },
];
const clusterBinaryPath = (b) => join(binDir, `${b.name}-${TEMPORAL_SERVER_VERSION}`);

function ensureClusterBinary(b) {
  const target = clusterBinaryPath(b);
  if (existsSync(target)) return target;
  const go = requireGo(`Temporal's ${b.name}`);
  const cmd = `GOBIN=/tmp/temporal-build go install ${b.pkg}@v${TEMPORAL_SERVER_VERSION} && mv /tmp/temporal-build/${b.built} ${target}`;
  // Built beside the cache (same file system, so the move is atomic): an interrupted build never
  // leaves a half-written binary under the final name.
  const tmp = mkdtempSync(join(binDir, `.build-${b.name}-`));
  const started = Date.now();
  log(
    `building ${b.name} v${TEMPORAL_SERVER_VERSION} from the Go module proxy (first time only, ${b.minutes} minutes on 2 cores)…`,
  );
  const r = spawnSync(go, ['install', `${b.pkg}@v${TEMPORAL_SERVER_VERSION}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: tmp },
  });
  const built = join(tmp, b.built);
  if (r.status !== 0 || !existsSync(built)) {
    rmSync(tmp, { recursive: true, force: true });
    fail(`building ${b.name} failed. Fix and retry:\n  ${cmd}`);
  }
  renameSync(built, target);
  rmSync(tmp, { recursive: true, force: true });
  log(`built ${target} in ${Math.round((Date.now() - started) / 1000)} s`);
  return target;
}

/**
 * The Temporal CLI and FerretDB always; the cluster binaries when asked (`--cluster`: they take
 * a quarter of an hour to build the first time, which plain `npm start` / `npm test` must not
 * pay), otherwise recorded only if an earlier `--cluster` run already built them.
 */
export function resolveBinaries({ cluster = false } = {}) {
  const bins = { temporal: ensureTemporal(), ferretdb: ensureFerretdb() };
  for (const b of CLUSTER_BINARIES) {
    if (cluster) bins[b.key] = ensureClusterBinary(b);
    else if (existsSync(clusterBinaryPath(b))) bins[b.key] = clusterBinaryPath(b);
  }
  return bins;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  mkdirSync(binDir, { recursive: true });
  npmCi();
  const cluster = process.argv.includes('--cluster');
  const bins = resolveBinaries({ cluster });
  try {
    const v = execFileSync(bins.temporal, ['--version'], { encoding: 'utf8' }).trim();
    log(`temporal: ${bins.temporal} (${v})`);
  } catch {
    fail(`${bins.temporal} does not run; delete it and run \`npm start\` again to rebuild it.`);
  }
  log(`ferretdb: ${bins.ferretdb}`);
  if (cluster) {
    for (const b of CLUSTER_BINARIES) {
      const r = spawnSync(bins[b.key], ['--help'], { encoding: 'utf8' });
      if (r.status !== 0) fail(`${bins[b.key]} does not run; delete it and run \`node scripts/setup.mjs --cluster\` again.`);
      log(`${b.name}: ${bins[b.key]}`);
    }
  }
  log(`chromium: ${ensureBrowser()}`);
  // The TypeScript launchers (scripts/lib) read the resolved paths from here.
  mkdirSync(join(root, '.data'), { recursive: true });
  writeFileSync(join(root, '.data', 'binaries.json'), JSON.stringify(bins, null, 2) + '\n');
}
