import { tprAtFpr } from '@/ui/charts/roc-points';

describe('reading sensitivity off an ROC curve', () => {
  const curve = [
    { fpr: 0, tpr: 0 },
    { fpr: 0.1, tpr: 0.4 },
    { fpr: 0.3, tpr: 0.8 },
    { fpr: 1, tpr: 1 },
  ];

  it('returns the TPR at a point and interpolates linearly between points', () => {
    expect(tprAtFpr(curve, 0.1)).toBe(0.4);
    expect(tprAtFpr(curve, 0.2)).toBeCloseTo(0.6, 14);
    expect(tprAtFpr(curve, 0.65)).toBeCloseTo(0.9, 14);
  });

  it('takes the top of a vertical step, whatever the order of the points', () => {
    const stepped = [{ fpr: 0.1, tpr: 0.6 }, ...curve];
    expect(tprAtFpr(stepped.reverse(), 0.1)).toBe(0.6);
  });

  it('says nothing outside the curve', () => {
    expect(
      tprAtFpr(
        [
          { fpr: 0.2, tpr: 0.5 },
          { fpr: 0.5, tpr: 0.7 },
        ],
        0.1,
      ),
    ).toBeNaN();
    expect(tprAtFpr([], 0.1)).toBeNaN();
  });
});
