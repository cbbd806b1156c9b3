/**
 * The SMS simulator's receipt sweeper looks at its store when a receipt falls due (and rarely
 * otherwise), not four times a second: each look is a query against the store the app shares.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { receiptSweeper, type ReceiptSweeper } from '../../tools/simulator/receipt-sweeper';

/** Lets the sweep's promise chain (then / catch / finally) run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SMS receipt sweeper', () => {
  let sweeps: number[];
  let more: boolean[];
  let sweeper: ReceiptSweeper | undefined;
  const start = (idleMs = 5000) => {
    sweeper = receiptSweeper({
      sweep: async () => {
        sweeps.push(Date.now());
        return more.shift() ?? false;
      },
      idleMs,
      onError: (err) => assert.fail(String(err)),
    });
    return sweeper;
  };
  /** Moves the clock on 10 ms at a time, letting each sweep finish (a tick jumps the clock at once). */
  const advance = async (ms: number) => {
    for (let left = ms; left > 0; left -= 10) {
      mock.timers.tick(Math.min(10, left));
      await settle();
    }
  };

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
    sweeps = [];
    more = [];
  });
  afterEach(() => {
    sweeper?.stop();
    mock.timers.reset();
  });

  it('when nothing falls due, then it looks once at the start and then once per idle period', async () => {
    // Arrange
    start(5000);

    // Act
    await advance(10);
    await advance(4999);
    await advance(10_000);

    // Assert
    assert.deepEqual(
      sweeps.map((t) => Math.round(t / 1000)),
      [0, 5, 10],
    );
  });

  it('when told a receipt falls due, then it looks just after that time, and not before', async () => {
    // Arrange
    const s = start(5000);
    await advance(10);

    // Act
    s.wake(new Date(300));
    await advance(200);
    const beforeDue = sweeps.length;
    await advance(200);

    // Assert
    assert.equal(beforeDue, 1, 'only the look at the start');
    assert.equal(sweeps.length, 2);
    assert.ok(sweeps[1]! >= 300 && sweeps[1]! < 400, `looked at ${sweeps[1]} ms`);
  });

  it('when a later receipt is announced after an earlier one, then the earlier time stands', async () => {
    // Arrange
    const s = start(5000);
    await advance(10);

    // Act
    s.wake(new Date(300));
    s.wake(new Date(2000));
    await advance(400);

    // Assert
    assert.equal(sweeps.length, 2, 'looked at 300 ms');
  });

  it('when a look finds a full batch, then it looks again at once', async () => {
    // Arrange
    more = [true, true, false];

    // Act
    start(5000);
    await advance(10);
    await advance(10);
    await advance(10);
    await advance(10);

    // Assert
    assert.equal(sweeps.length, 3, 'until a batch was not full');
  });

  it('when stopped, then it looks no more, even when told of a receipt', async () => {
    // Arrange
    const s = start(5000);
    await advance(10);

    // Act
    s.stop();
    s.wake(new Date(100));
    await advance(20_000);

    // Assert
    assert.equal(sweeps.length, 1);
  });
});
