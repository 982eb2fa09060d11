import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { getHeapSpaceStatistics } from 'node:v8';
import { collectStartGarbageWhenIdle, IDLE_MS } from './start-garbage';

/** Just what the collector listens to: the server's requests and each response's close. */
class FakeServer extends EventEmitter {
  request(): () => void {
    const response = new EventEmitter();
    this.emit('request', {}, response);
    return () => response.emit('close');
  }
}

describe('collecting the start garbage of a split bundle', () => {
  let server: FakeServer;
  let collect: jest.Mock;
  let collected: Promise<unknown>;

  beforeEach(() => {
    jest.useFakeTimers();
    server = new FakeServer();
    collect = jest.fn();
    collected = collectStartGarbageWhenIdle(server as unknown as Server, collect);
  });

  afterEach(() => jest.useRealTimers());

  it('waits for the first answer: a process nobody has asked anything collects nothing', () => {
    jest.advanceTimersByTime(IDLE_MS * 10);
    expect(collect).not.toHaveBeenCalled();
  });

  it('collects once nothing has been in flight for the idle time after the first answers', async () => {
    const answerFirst = server.request();
    const answerSecond = server.request();
    answerFirst();
    jest.advanceTimersByTime(IDLE_MS * 2);
    expect(collect).not.toHaveBeenCalled();
    answerSecond();
    jest.advanceTimersByTime(IDLE_MS - 1);
    expect(collect).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(collect).toHaveBeenCalledTimes(1);
    await expect(collected).resolves.toEqual({ ms: expect.any(Number), rssBefore: expect.any(Number), rssAfter: expect.any(Number) });
  });

  it('starts the idle time over when a request arrives within it', () => {
    server.request()();
    jest.advanceTimersByTime(IDLE_MS - 1);
    const answer = server.request();
    jest.advanceTimersByTime(IDLE_MS);
    expect(collect).not.toHaveBeenCalled();
    answer();
    jest.advanceTimersByTime(IDLE_MS);
    expect(collect).toHaveBeenCalledTimes(1);
  });

  it('collects once in the life of the process: later idle spells are left to V8', () => {
    server.request()();
    jest.advanceTimersByTime(IDLE_MS);
    server.request()();
    jest.advanceTimersByTime(IDLE_MS * 10);
    expect(collect).toHaveBeenCalledTimes(1);
    expect(server.listenerCount('request')).toBe(0);
  });
});

describe("V8's last-resort collection, as the bundle runs it", () => {
  const youngGeneration = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')!.space_size;

  it('gives back the young generation a burst of allocation grew', async () => {
    const server = new FakeServer();
    const collected = collectStartGarbageWhenIdle(server as unknown as Server, undefined, 0);
    const garbage: unknown[] = [];
    for (let n = 0; n < 300_000; n++) garbage.push({ n, text: `garbage ${n}` });
    garbage.length = 0;
    const grown = youngGeneration();
    server.request()();
    await collected;
    expect(youngGeneration()).toBeLessThan(grown);
    expect(youngGeneration()).toBeLessThanOrEqual(2 * 2 ** 20);
  });
});
