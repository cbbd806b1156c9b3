import { freePort, stopAll } from './scripts/lib/processes';
import { readBinaries, startFerretdb } from './scripts/lib/services';
import { connectMongo, pingMongo } from './models/connection';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function main() {
  const bins = readBinaries();
  const port = await freePort();
  const opts = { binary: bins.ferretdb, port, sqliteDir: '/tmp/prof/fdb', logFile: '/tmp/prof/f2.log' };
  let f = await startFerretdb(opts);
  const conns = await Promise.all(
    Array.from({ length: 6 }, () => connectMongo({ uri: `${f.uri}?maxPoolSize=8`, serverSelectionTimeoutMS: 2000 })),
  );
  let stop = false;
  const load = conns.map(async (c, i) => {
    while (!stop) {
      try { await c.collection('x').insertOne({ i, at: new Date() }); await c.collection('x').findOne({ i }); } catch { await sleep(200); }
    }
  });
  await sleep(2000);
  await f.proc.stop();
  console.log('ferretdb stopped');
  await sleep(Number(process.env.OUTAGE_MS ?? 25000));
  f = await startFerretdb(opts);
  console.log('ferretdb back');
  const t0 = Date.now();
  const ok = new Set<number>();
  while (Date.now() - t0 < 40000 && ok.size < conns.length) {
    await Promise.all(conns.map(async (c, i) => { if (ok.has(i)) return; try { await pingMongo(c, 2000); ok.add(i); console.log(`conn ${i} back after ${Date.now() - t0} ms`); } catch {} }));
    await sleep(1000);
  }
  console.log(`reconnected ${ok.size}/${conns.length}`);
  for (const [i, c] of conns.entries()) if (!ok.has(i)) console.log(`conn ${i}: readyState ${c.readyState}`, JSON.stringify([...((c.getClient() as any).topology?.description?.servers?.values() ?? [])].map((s: any) => ({ type: s.type, error: String(s.error) }))));
  stop = true; await Promise.allSettled(load);
  await Promise.allSettled(conns.map((c) => c.close(true)));
  await stopAll();
}
main().catch(async (e) => { console.error(e); await stopAll(); process.exit(1); });
