import { RecordSequencer } from './record-sequencer';

const r = (counter: number) => ({ counter });
const counters = (records: { counter: number }[]) => records.map((x) => x.counter);

describe('RecordSequencer', () => {
  it('passes records through in counter order and drops repeats (a replay overlapping a REST read)', () => {
    const s = new RecordSequencer();
    expect(counters(s.push(r(1)))).toEqual([1]);
    expect(counters(s.push(r(2)))).toEqual([2]);
    expect(s.push(r(2))).toEqual([]);
    expect(s.push(r(1))).toEqual([]);
    expect(s.last).toBe(2);
  });

  it('holds an early record until the gap before it is filled, and says there is a gap', () => {
    const s = new RecordSequencer();
    s.push(r(1));
    expect(s.push(r(4))).toEqual([]);
    expect(s.hasGap).toBe(true);
    expect(counters(s.push(r(2)))).toEqual([2]);
    expect(counters(s.push(r(3)))).toEqual([3, 4]);
    expect(s.hasGap).toBe(false);
    expect(s.last).toBe(4);
  });

  it('starts after a given counter (following a restart) and ignores records that are not numbered', () => {
    const s = new RecordSequencer(10);
    expect(s.push(r(10))).toEqual([]);
    expect(counters(s.push(r(11)))).toEqual([11]);
    expect(s.push({ counter: Number.NaN })).toEqual([]);
    expect(s.push({ counter: 12.5 })).toEqual([]);
    expect(s.last).toBe(11);
  });
});
