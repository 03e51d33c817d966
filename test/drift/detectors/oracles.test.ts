// The test oracles themselves: Python's generator as CPython draws it, and the stand-in KS test against
// exact enumeration and scipy's documented values.
import { describe, expect, it } from 'vitest';
import { pythonRandom } from './python-random.js';

describe('pythonRandom', () => {
  it('draws what CPython draws', () => {
    // python3 -c "import random; print(random.Random(42).random(), random.Random(0).random())"
    expect(pythonRandom(42).random()).toBe(0.6394267984578837);
    expect(pythonRandom(0).random()).toBe(0.8444218515250481);
    // random.Random(42): random() twice, then the next.
    const r = pythonRandom(42);
    expect([r.random(), r.random(), r.random()]).toEqual([
      0.6394267984578837, 0.025010755222666936, 0.27502931836911926,
    ]);
  });
});
